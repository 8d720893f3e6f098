#!/usr/bin/env bash
# Same scenario and seed give byte-identical run files; another seed gives different ones.
set -euo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
scenario="$src/scenarios/quickstart.json"
args=(--variant local-tau4 --set stop.iterations=120 --set cluster.workers=6)
"$sgdsim" simulate "$scenario" "${args[@]}" --out "$work/a" > /dev/null
"$sgdsim" simulate "$scenario" "${args[@]}" --out "$work/b" > /dev/null
"$sgdsim" simulate "$scenario" "${args[@]}" --set seed=2 --out "$work/c" > /dev/null
for f in trace.csv workers.csv model.csv summary.json; do
  cmp -s "$work/a/$f" "$work/b/$f" || fail "$f differs between two runs with the same seed"
done
cmp -s "$work/a/trace.csv" "$work/c/trace.csv" && fail "trace.csv is identical for seeds 1 and 2"
cmp -s "$work/a/workers.csv" "$work/c/workers.csv" && fail "workers.csv is identical for seeds 1 and 2"
[ "$(wc -l < "$work/a/trace.csv")" -eq 121 ] || fail "trace.csv should have a header and 120 rows"
echo "determinism: ok"
