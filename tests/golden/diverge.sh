#!/usr/bin/env bash
# Divergence: status "diverged" when the model is non-finite, and when only the loss is (or exceeds 1e4 × F(0)) while
# the model stays finite: the PS stops at once, model averaging at the next averaging round (every rank with it).
set -euo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
q="$src/scenarios/quickstart.json"
lsq=(--set problem.objective=least_squares --set problem.data.synthetic.separation=null)
field() { tr -d ' \n' < "$1/summary.json" | grep -o "\"$2\":[^,}]*" | head -1 | cut -d: -f2; }

# A huge step: the model itself overflows.
"$sgdsim" simulate "$q" --variant sync "${lsq[@]}" --set algorithm.step_size=1e6 --set stop.iterations=500 \
  --out "$work/huge" > "$work/out.txt"
[ "$(field "$work/huge" status)" = '"diverged"' ] || fail "step 1e6: summary.json does not say diverged"
[ "$(field "$work/huge" iterations)" -lt 500 ] || fail "step 1e6: the diverging run did not stop early"
grep -q diverged "$work/out.txt" || fail "the summary table does not show diverged"

# Step 5 on least squares, loss evaluated every 20 iterations: the model is still finite when the loss is 5e26 at
# iteration 20. sync SGD stops at 21 (the next averaging round), local SGD with tau = 4 at 24, AGC (a PS) at 20.
expect() {  # expect NAME ITERATIONS args...
  local name=$1 iterations=$2; shift 2
  "$sgdsim" simulate "$@" --set stop.iterations=300 --set output.every=20 --out "$work/$name" > /dev/null
  [ "$(field "$work/$name" status)" = '"diverged"' ] || fail "$name: not diverged: $(cat "$work/$name/summary.json")"
  [ "$(field "$work/$name" iterations)" -eq "$iterations" ] ||
    fail "$name: stopped after $(field "$work/$name" iterations) iterations, expected $iterations"
  awk -F, 'NR > 1 && $3 != "" { n++ } END { exit n == 0 }' "$work/$name/model.csv" || fail "$name: no final model"
}
expect sync 21 "$q" --variant sync "${lsq[@]}" --set algorithm.step_size=5
expect local 24 "$q" --variant local-tau4 "${lsq[@]}" --set algorithm.step_size=5
expect agc 20 "$src/scenarios/fidelity-agc.json" "${lsq[@]}" --set algorithm.step_size=50
# wait_for 2 of 16: the aggregator averages the first two models of a round, so rank 0's NaN may be left out; rank 0
# must then go on with the others (it once stopped alone and left the aggregator waiting: a deadlock). The run ends
# diverged at an averaging round, before the limit, the same in both engines.
for e in simgrid analytic; do
  "$sgdsim" simulate "$q" --variant local-tau4 "${lsq[@]}" --set algorithm.step_size=5 --set algorithm.wait_for=2 \
    --set stop.iterations=300 --set output.every=20 --engine $e --out "$work/wait-$e" > "$work/wait-$e.log" 2>&1 ||
    fail "wait_for 2 ($e): $(tail -2 "$work/wait-$e.log")"
  [ "$(field "$work/wait-$e" status)" = '"diverged"' ] || fail "wait_for 2 ($e): not diverged"
  n=$(field "$work/wait-$e" iterations)
  [ "$n" -gt 20 ] && [ "$n" -lt 300 ] && [ $((n % 4)) -eq 0 ] || fail "wait_for 2 ($e): stopped after $n iterations"
done
[ "$(field "$work/wait-simgrid" iterations)" = "$(field "$work/wait-analytic" iterations)" ] ||
  fail "wait_for 2: the engines stopped at different iterations"
loss=$(awk -F, '$2 == 20 { print $4 }' "$work/sync/trace.csv")
awk -v l="$loss" 'BEGIN { exit !(l > 1e20) }' || fail "the loss at iteration 20 ($loss) should be far past 1e4 F(0)"
# A run that converges is not touched: the same step size 0.1 stays completed.
"$sgdsim" simulate "$q" --variant sync "${lsq[@]}" --set algorithm.step_size=0.1 --set stop.iterations=100 \
  --out "$work/fine" > /dev/null
[ "$(field "$work/fine" status)" = '"completed"' ] || fail "a converging run was marked $(field "$work/fine" status)"
echo "diverge: ok"
