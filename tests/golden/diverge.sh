#!/usr/bin/env bash
# A diverging run (huge step size on least squares) stops with status "diverged" in summary.json.
set -euo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
"$sgdsim" simulate "$src/scenarios/quickstart.json" --variant sync --set problem.objective=least_squares \
  --set problem.data.synthetic.separation=null --set algorithm.step_size=1e6 --set stop.iterations=500 \
  --out "$work/run" > "$work/out.txt"
grep -q '"status": "diverged"' "$work/run/summary.json" || fail "summary.json does not say diverged"
iters=$(grep -o '"iterations": [0-9]*' "$work/run/summary.json" | head -1 | awk '{print $2}')
[ "$iters" -lt 500 ] || fail "the diverging run did not stop early ($iters iterations)"
grep -q diverged "$work/out.txt" || fail "the summary table does not show diverged"
echo "diverge: ok"
