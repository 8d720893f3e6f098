#!/usr/bin/env bash
# Real runs of sync SGD: sgdsim (sgdsim run, CPU kernels, one rank per worker) against the same algorithm in mpi4py +
# numpy (bench/mpi4py_sync_sgd.py), on this machine, for several rank counts and batch sizes. Prints one table row
# per case: mean wall seconds per iteration of each and their ratio. Both use shared memory (--mca btl self,vader);
# sgdsim's threads per rank are its own choice (cores / ranks on the node), numpy's BLAS runs single-threaded. The
# loss is evaluated only at the last iteration (output.every; the Python version never evaluates it), and that one
# full pass over the data is part of sgdsim's mean (~0.1 ms per iteration here).
# Needs the bench dependencies: apt-get install python3-mpi4py python3-numpy (see bench/deps.txt).
# Usage: bench/compare_mpi4py.sh [build-dir] [ranks...]   (default: build, ranks 1 2 4)
set -euo pipefail
build=${1:-build}; [ $# -gt 0 ] && shift
ranks=${*:-1 2 4}
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mpirun=(mpirun --oversubscribe --mca btl self,vader)
[ "$(id -u)" = 0 ] && mpirun+=(--allow-run-as-root)
samples=20000; features=1000; iterations=200
printf '%-6s %-6s %-8s %16s %16s %10s\n' ranks batch features sgdsim_s_per_it mpi4py_s_per_it mpi4py/sgdsim
for k in $ranks; do
  for batch in 64 4096; do
    "${mpirun[@]}" -np "$k" "$build/apps/sgdsim" run "$src/tests/mpi/scenarios/parity_sync.json" --out "$work/run" \
      --set cluster.workers="$k" --set algorithm.batch_size="$batch" --set stop.iterations=$iterations \
      --set 'problem.data={"synthetic":{"samples":'$samples',"features":'$features'}}' \
      --set cluster.compute.inject='"none"' --set output.every=1000000 > "$work/sgdsim.log" 2>&1 ||
      { cat "$work/sgdsim.log"; exit 1; }
    ours=$(sed -n 's/.*"mean_iteration_time": *\([0-9.e+-]*\).*/\1/p' "$work/run/summary.json" | head -1)
    theirs=$(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "${mpirun[@]}" -x OPENBLAS_NUM_THREADS -x OMP_NUM_THREADS \
      -np "$k" /usr/bin/python3 "$src/bench/mpi4py_sync_sgd.py" $samples $features "$batch" $iterations |
      sed -n 's/.*"seconds_per_iteration": *\([0-9.e+-]*\).*/\1/p')
    printf '%-6s %-6s %-8s %16.6f %16.6f %10.2f\n' "$k" "$batch" $features "$ours" "$theirs" \
      "$(awk -v a="$ours" -v b="$theirs" 'BEGIN { print b / a }')"
  done
done
