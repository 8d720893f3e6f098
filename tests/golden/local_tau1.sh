#!/usr/bin/env bash
# local SGD with τ = 1 (model averaging every step) gives the same iterates as sync SGD (gradient averaging).
set -euo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
scenario="$src/scenarios/quickstart.json"
common=(--set stop.iterations=200 --set cluster.workers=5 --set output.every=1)
"$sgdsim" simulate "$scenario" --variant sync "${common[@]}" --out "$work/sync" > /dev/null
"$sgdsim" simulate "$scenario" --variant local-tau4 --set algorithm.tau=1 "${common[@]}" --out "$work/local" > /dev/null
model=$(max_rel_diff "$work/sync/model.csv" "$work/local/model.csv" 3)
loss=$(max_rel_diff "$work/sync/trace.csv" "$work/local/trace.csv" 4)
echo "max relative difference: final model $model, loss trace $loss"
awk -v m="$model" -v l="$loss" 'BEGIN { exit !(m <= 1e-10 && l <= 1e-12) }' || fail "iterates differ"
# Not trivially equal: the models moved away from 0.
awk -F, 'NR > 1 && ($3 > 1e-3 || $3 < -1e-3) { found = 1 } END { exit !found }' "$work/sync/model.csv" ||
  fail "the model did not move"
echo "local_tau1: ok"
