#!/usr/bin/env bash
# The thread count does not change a result: OMP_NUM_THREADS=1 and 3 give byte-identical run files (full-partition
# gradients of AGC and full-data losses are large enough to be split over threads).
set -euo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
for threads in 1 3; do
  OMP_NUM_THREADS=$threads "$sgdsim" simulate "$src/scenarios/fidelity-agc.json" --set stop.iterations=15 \
    --out "$work/agc-$threads" > /dev/null
  OMP_NUM_THREADS=$threads "$sgdsim" simulate "$src/scenarios/quickstart.json" --variant sync \
    --set stop.iterations=40 --set output.every=1 --out "$work/sync-$threads" > /dev/null
done
for run in agc sync; do
  for f in trace.csv workers.csv model.csv; do
    cmp -s "$work/$run-1/$f" "$work/$run-3/$f" || fail "$run/$f differs between 1 and 3 threads"
  done
  cmp -s <(strip_provenance "$work/$run-1/summary.json") <(strip_provenance "$work/$run-3/summary.json") ||
    fail "$run/summary.json differs between 1 and 3 threads (apart from its provenance)"
done
echo "threads: ok"
