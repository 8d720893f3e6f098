#!/usr/bin/env bash
# Runs every Google Benchmark program <build>/bench/bench_* and writes its results to <build>/bench/<program>.json.
# Usage: tools/run_benchmarks.sh [build-dir] [extra benchmark flags, e.g. --benchmark_repetitions=3]
set -euo pipefail

build=${1:-build}
[ $# -gt 0 ] && shift
bench_dir="$build/bench"
if [ ! -d "$bench_dir" ]; then
  echo "error: $bench_dir does not exist: build first (make build)" >&2
  exit 1
fi

ran=0
failed=0
for exe in "$bench_dir"/bench_*; do
  # Only the programs themselves: skip earlier JSON results and anything not executable.
  [ -f "$exe" ] && [ -x "$exe" ] || continue
  case "$exe" in *.json) continue ;; esac
  name=$(basename "$exe")
  # The MPI benchmark measures the real backend under mpirun, at 2, 4 and 8 ranks (oversubscribed beyond the cores).
  if [ "$name" = bench_mpi_overhead ]; then
    runs="2 4 8"
  else
    runs=0
  fi
  for ranks in $runs; do
    if [ "$ranks" -eq 0 ]; then
      out="$bench_dir/$name.json"
      command=("$exe")
    else
      out="$bench_dir/$name-np$ranks.json"
      command=(mpirun -np "$ranks" --oversubscribe --allow-run-as-root --mca btl self,vader "$exe")
    fi
    echo "== ${command[*]} -> $out"
    if "${command[@]}" --benchmark_out="$out" --benchmark_out_format=json "$@"; then
      ran=$((ran + 1))
    else
      echo "error: $name failed" >&2
      failed=$((failed + 1))
    fi
  done
done

if [ "$ran" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "error: no bench_* program in $bench_dir (was Google Benchmark found at configure time?)" >&2
  exit 1
fi
echo "$ran benchmark program(s) ran, $failed failed; JSON results in $bench_dir/"
[ "$failed" -eq 0 ]
