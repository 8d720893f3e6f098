#!/usr/bin/env bash
# Model averaging's sampling key: data_set draws every worker's mini-batches from the whole data set — with one
# worker exactly the batches of its shard (the whole data set), with several different ones.
set -uo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
q="$src/scenarios/quickstart.json"
for s in shard data_set; do
  "$sgdsim" simulate "$q" --variant local-tau4 --set cluster.workers=1 --set algorithm.sampling=$s \
    --set stop.iterations=40 --out "$work/one-$s" > /dev/null 2>&1 || fail "simulate one worker, $s"
  "$sgdsim" simulate "$q" --variant local-tau4 --set algorithm.sampling=$s --set stop.iterations=40 \
    --out "$work/all-$s" > /dev/null 2>&1 || fail "simulate 16 workers, $s"
done
cmp -s "$work/one-shard/trace.csv" "$work/one-data_set/trace.csv" || fail "one worker: data_set differs from shard"
[ "$(max_rel_diff "$work/all-shard/model.csv" "$work/all-data_set/model.csv" 3)" != 0 ] ||
  fail "16 workers: data_set sampled the same rows as shard"
"$sgdsim" check "$q" --variant sync --set algorithm.sampling=data_set | grep -q '"sampling": "data_set"' ||
  fail "sampling data_set not in the resolved scenario"
echo "sampling: ok"
