#!/usr/bin/env bash
# AGC's stop_when and l2_term: r_or_covered gives the iterates of r and ends iterations no later; l2_term full adds
# the l2 x share of the groups not covered, (1 - covered load) l2 x, and nothing else.
set -uo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
cat > "$work/agc.json" <<'JSON'
{"problem": {"objective": "logistic", "l2": 0.1, "data": {"synthetic": {"samples": 400, "features": 5}}},
 "cluster": {"workers": 4, "network": {"topology": "ideal"}, "compute": {"straggling": {"rate": 2.0}}},
 "algorithm": {"name": "agc", "tasks_per_worker": 2, "wait_for": 4, "step_size": 0.5},
 "stop": {"iterations": 20}}
JSON
run() {  # run OUT [--set ...]
  local out=$1; shift
  "$sgdsim" simulate "$work/agc.json" --out "$work/$out" "$@" > /dev/null 2>&1 || fail "simulate $out $*"
}
run r
run covered --set algorithm.stop_when=r_or_covered
# r = k covers every group either way: the same decoded gradients, hence the same losses.
[ "$(max_rel_diff "$work/r/trace.csv" "$work/covered/trace.csv" 4)" = 0 ] || fail "r_or_covered changed the iterates"
t_r=$(tail -1 "$work/r/trace.csv" | cut -d, -f3); t_c=$(tail -1 "$work/covered/trace.csv" | cut -d, -f3)
awk -v a="$t_c" -v b="$t_r" 'BEGIN { exit !(a < b) }' || fail "r_or_covered took $t_c s, r $t_r s"

# c = 1, r = 1: one partition (a quarter of the rows) per iteration. x_1 is the same for both l2 terms (l2 x_0 = 0);
# then x_2(full) - x_2(covered) = -gamma (3/4) l2 x_1 = -0.5 0.75 0.1 x_1.
for n in 1 2; do
  run "c$n" --set algorithm.tasks_per_worker=1 --set algorithm.wait_for=1 --set stop.iterations=$n
  run "f$n" --set algorithm.tasks_per_worker=1 --set algorithm.wait_for=1 --set stop.iterations=$n \
      --set algorithm.l2_term=full
done
[ "$(max_rel_diff "$work/c1/model.csv" "$work/f1/model.csv" 3)" = 0 ] || fail "the first step differs"
paste -d, "$work/c1/model.csv" "$work/c2/model.csv" "$work/f2/model.csv" | awk -F, '
  NR > 1 { want = -0.5 * 0.75 * 0.1 * $3; got = $9 - $6; d = got - want; if (d < 0) d = -d;
           if (d > 1e-12 * (1 + (want < 0 ? -want : want))) { print "index " $2 ": " got " vs " want; bad = 1 } }
  END { exit bad }' || fail "l2_term full is not (1 - covered load) l2 x"
"$sgdsim" check "$work/agc.json" | grep -q '"stop_when": "r"' || fail "stop_when default not resolved"
out=$("$sgdsim" check "$work/agc.json" --set algorithm.stop_when=never 2>&1); [ $? -eq 2 ] || fail "bad stop_when"
grep -q "scenario.algorithm.stop_when" <<< "$out" || fail "the error does not name the key: $out"
echo "agc_keys: ok"
