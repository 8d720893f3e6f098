#!/usr/bin/env bash
# study.csv of a small study (3 variants x 3 repetitions) against statistics recomputed here from the summary.json of
# every run directory: means, sample standard deviations, 95% Student-t half-widths (t(0.975, 2) = 4.302653 from the
# printed table), status counts and the speed-up over the first variant (ratio of mean times per iteration).
set -euo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
cd "$work"
"$sgdsim" simulate "$src/scenarios/quickstart.json" -j 2 -q --out out --set repetitions=3 --set stop.iterations=30 \
  --set cluster.workers=4 --set problem.data.synthetic.samples=800 --set output.every=10 > table.txt

# field NAME LABEL: the value of column NAME in the row of LABEL in study.csv (no quoted fields in this study).
field() {
  awk -F, -v name="$1" -v label="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
                                     $1 == label { print $c }' out/study.csv
}
# stats KEY LABEL: "mean sd ci95" of KEY over the runs in LABEL's summary.json.
stats() {
  grep -o "\"$1\": [^,]*" "out/$2/summary.json" | awk '{ x[++n] = $2; s += $2 }
    END { m = s / n; for (i = 1; i <= n; i++) q += (x[i] - m) ^ 2; sd = sqrt(q / (n - 1));
          printf "%.17g %.17g %.17g\n", m, sd, 4.302652729749464 * sd / sqrt(n) }'
}
close() {  # close A B: |A - B| <= 1e-9 |B| (+ 1e-300)
  awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(d <= 1e-9 * m + 1e-300) }'
}
for label in sync local-tau4 local-tau16; do
  [ "$(field repetitions $label) $(field completed $label) $(field diverged $label)" = "3 3 0" ] ||
    fail "$label: status counts"
  for key in time final_loss mean_iteration_time comm_rounds bytes; do
    read -r mean sd ci <<< "$(stats $key $label)"
    close "$(field ${key}_mean $label)" "$mean" || fail "$label: ${key}_mean $(field ${key}_mean $label), expected $mean"
    close "$(field ${key}_sd $label)" "$sd" || fail "$label: ${key}_sd $(field ${key}_sd $label), expected $sd"
    close "$(field ${key}_ci95 $label)" "$ci" || fail "$label: ${key}_ci95 $(field ${key}_ci95 $label), expected $ci"
  done
  [ -z "$(field reached_target $label)$(field time_to_target_mean $label)" ] || fail "$label: no target was set"
  read -r base _ <<< "$(stats mean_iteration_time sync)"
  read -r mine _ <<< "$(stats mean_iteration_time $label)"
  close "$(field speedup $label)" "$(awk -v a="$base" -v b="$mine" 'BEGIN { printf "%.17g", a / b }')" ||
    fail "$label: speed-up $(field speedup $label) is not the ratio of mean times per iteration"
done
[ -z "$(field speedup_ci95 sync)" ] || fail "the baseline has no speed-up interval"
[ "$(field speedup_metric local-tau4)" = mean_iteration_time ] || fail "speedup_metric"
grep -q '^local-tau4 .* ± .*x$' table.txt || fail "the table shows no speed-up interval: $(cat table.txt)"
echo "study_stats: ok"
