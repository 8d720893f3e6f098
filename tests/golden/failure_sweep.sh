#!/usr/bin/env bash
# Failures across algorithms, patterns and both engines: every algorithm that takes cluster.failures, under failures
# at a time, at iteration 1 of the last worker (before the aggregator listens), of worker 0 (the trace's rank with an
# aggregator), of every worker, and by rate; tree and unicast broadcast; one and two repetitions. Every run must end
# (exit 0: completed or stalled, never a hang, which the test's timeout would catch) and the two simulation engines
# must write the same trace, workers and model files, byte for byte.
set -uo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
cat > "$work/base.json" <<'JSON'
{"name": "sweep", "seed": 4,
 "problem": {"objective": "logistic", "l2": 1e-3, "data": {"synthetic": {"samples": 960, "features": 8}}},
 "cluster": {"workers": 6, "network": {"topology": "star", "bandwidth": "1Gbps", "latency": "50us"},
             "compute": {"seconds_per_pass": 0.06, "straggling": {"rate": 20.0}}},
 "algorithm": {"name": "uncoded", "step_size": 1.0}, "stop": {"iterations": 12}}
JSON
algorithms=('{"name": "uncoded", "step_size": 1}' '{"name": "egc", "tasks_per_worker": 2, "step_size": 1}'
  '{"name": "agc", "tasks_per_worker": 2, "wait_for": 4, "step_size": 1}'
  '{"name": "ignore_stragglers", "wait_for": 4, "step_size": 1}'
  '{"name": "local_sgd", "tau": 2, "wait_for": 4, "batch_size": 8, "step_size": 0.3}'
  '{"name": "local_sgd", "tau": 2, "batch_size": 8, "step_size": 0.3}'
  '{"name": "ri_sgd", "tau": 2, "redundancy": 0.5, "wait_for": 4, "batch_size": 8, "step_size": 0.1}')
every='[{"worker": 0, "at": {"iteration": 2}}, {"worker": 1, "at": {"iteration": 2}}, {"worker": 2, "at": 0.1},
  {"worker": 3, "at": {"iteration": 2}}, {"worker": 4, "at": {"iteration": 2}}, {"worker": 5, "at": 0}]'
failures=('[{"worker": 2, "at": 0.05}]' '[{"worker": 5, "at": {"iteration": 1}}]' '[{"worker": 0, "at": {"iteration": 3}}]'
  "$every" '[{"rate": 5}]')
n=0
for a in "${algorithms[@]}"; do
  for f in "${failures[@]}"; do
    n=$((n + 1)); broadcast=unicast; repetitions=1
    [ $((n % 2)) = 0 ] && broadcast=tree
    [ $((n % 3)) = 0 ] && repetitions=2
    for e in simgrid analytic; do
      "$sgdsim" simulate "$work/base.json" --engine $e --out "$work/$n-$e" -q --set "algorithm=$a" \
        --set "cluster.failures=$f" --set cluster.network.broadcast=$broadcast --set repetitions=$repetitions \
        > "$work/$n-$e.log" 2>&1 || fail "case $n ($a, $f, $broadcast, $repetitions): --engine $e exit $?: $(tail -2 "$work/$n-$e.log")"
    done
    for file in trace.csv workers.csv model.csv; do
      cmp -s "$work/$n-simgrid/$file" "$work/$n-analytic/$file" ||
        fail "case $n ($a, $f, $broadcast, $repetitions): the engines' $file differ"
    done
  done
done
echo "failure_sweep: $n cases, both engines: ok"
