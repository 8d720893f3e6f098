#!/usr/bin/env bash
# Figures and report of a small study (tests/golden/scenarios/figures.json: sync_sgd and agc swept over the straggling
# rate, 3 repetitions). Usage: figures.sh SGDSIM SRC WORKDIR MODE
#   study: simulates the study into WORKDIR/study (the fixture of the other two);
#   data:  `plot --data-only`: the plotted series against values recomputed from the run files (check_figure_data.py),
#          a run directory's figures, errors; skipped (77) without /usr/bin/python3;
#   draw:  `plot` and `report`: every listed figure drawn as PNG and SVG, report.md with the table, every figure, the
#          resolved scenario and what the variants change; skipped (77) without matplotlib.
set -euo pipefail
sgdsim=$1; src=$2; dir=$3; mode=$4
. "$src/tests/golden/lib.sh"
python=/usr/bin/python3
study=$dir/study
if [ "$mode" = study ]; then
  rm -rf "$dir" && mkdir -p "$dir"
  "$sgdsim" simulate "$src/tests/golden/scenarios/figures.json" -j 2 -q --out "$study" > "$dir/table.txt"
  exit 0
fi
[ -x "$python" ] || { echo "no $python: skipped"; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

if [ "$mode" = data ]; then
  "$sgdsim" plot "$study" --data-only --out "$work/fig" > /dev/null
  "$python" "$src/tests/golden/check_figure_data.py" "$study" "$work/fig"
  # A run directory (one variant): its own curves, CDF and timeline; no speed-ups or sweeps.
  "$sgdsim" plot "$study/agc,rate=2.0" --data-only --out "$work/run" --window 3:5 > /dev/null
  names=$("$python" -c 'import json,sys; print(" ".join(f["name"] for f in json.load(open(sys.argv[1]))["figures"]))' \
    "$work/run/figures.json")
  [ "$names" = "loss_time loss_rounds loss_bytes iteration_cdf timeline-agc_rate_2.0" ] || fail "run figures: $names"
  [ "$(awk -F, 'NR > 1 && $3 != "iteration_end" { print $2 }' "$work/run/timeline-agc_rate_2.0.csv" | sort -u | tr '\n' ' ')" = "3 4 5 " ] ||
    fail "--window 3:5 does not give iterations 3 to 5"
  set +e
  err=$("$sgdsim" plot "$work" 2>&1); code=$?
  err2=$("$sgdsim" plot "$study" --window 5:2 2>&1); code2=$?
  set -e
  [ $code = 2 ] && [[ $err == *"neither a run directory (summary.json) nor a study directory"* ]] || fail "plot of a non-run directory: $code $err"
  [ $code2 = 2 ] && [[ $err2 == *"--window: expected FIRST:LAST"* ]] || fail "bad --window: $code2 $err2"
  # Without matplotlib (python3 -S does not see Debian's dist-packages): exit 1, what to install, the data written.
  printf '#!/bin/sh\nexec %s -S "$@"\n' "$python" > "$work/no-matplotlib" && chmod +x "$work/no-matplotlib"
  set +e
  err=$(SGDSIM_PYTHON="$work/no-matplotlib" "$sgdsim" plot "$study" --out "$work/none" 2>&1); code=$?
  set -e
  [ $code = 1 ] && [[ $err == *"matplotlib is not installed for $work/no-matplotlib (install python3-matplotlib"* ]] ||
    fail "plot without matplotlib: $code $err"
  [ -f "$work/none/loss_time.csv" ] && [ ! -f "$work/none/loss_time.png" ] || fail "plot without matplotlib: files"
  echo "figure data: ok"
  exit 0
fi

"$python" -c 'import matplotlib' 2> /dev/null || { echo "no matplotlib: skipped"; exit 77; }
cp -r "$study" "$work/study"
"$sgdsim" plot "$work/study" > "$work/plot.txt"
grep -q "^drawn by $src/tools/plot/sgdsim_plot.py" "$work/plot.txt" || fail "the in-tree script was not used: $(cat "$work/plot.txt")"
figures=$("$python" -c 'import json,sys; print(" ".join(f["name"] for f in json.load(open(sys.argv[1]))["figures"]))' \
  "$work/study/figures/figures.json")
[ "$(wc -w <<< "$figures")" -eq 10 ] || fail "10 figures expected: $figures"
for f in $figures; do
  [ "$(head -c 8 "$work/study/figures/$f.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$f.png is not a PNG"
  grep -q '<svg' "$work/study/figures/$f.svg" || fail "$f.svg is not an SVG"
done

"$sgdsim" report "$work/study" > "$work/report.txt"
report=$work/study/report.md
[ -f "$report" ] || fail "no report.md"
# The table sgdsim simulate printed, line by line (its last line names the directories, which differ).
head -n -1 "$dir/table.txt" | while IFS= read -r line; do grep -qxF "$line" "$report" || fail "report.md lacks: $line"; done
for f in $figures; do
  grep -qF "](figures/$f.png)" "$report" || fail "report.md does not show $f"
  [ -f "$work/study/figures/$f.png" ] || fail "report.md shows a missing figure $f"
done
# The resolved scenario of the first variant, as written in its run directory.
awk '/^```json$/ { on = 1; next } /^```$/ { on = 0 } on' "$report" > "$work/scenario.json"
cmp -s "$work/scenario.json" "$study/sync,rate=2.0/scenario.json" || fail "report.md: the resolved scenario differs"
grep -qF '| agc,rate=2.0 | `algorithm.name` | `"agc"` |' "$report" || fail "report.md: agc's algorithm.name"
grep -qF '| sync,rate=8.0 | `cluster.compute.straggling.rate` | `8.0` |' "$report" || fail "report.md: the swept rate"
echo "figures and report: ok"
