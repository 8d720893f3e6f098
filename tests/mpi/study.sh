#!/usr/bin/env bash
# `mpirun -np 3 sgdsim simulate STUDY`: the study's repetitions spread over 3 ranks, results sent to rank 0, which writes
# the same files, byte for byte, as `sgdsim simulate STUDY -j 1` (summary.json and study.json apart from their
# provenance), and records the MPI library in the provenance.
# Usage: study.sh SGDSIM SOURCE_DIR MPIRUN [ARGS... -np N]
set -euo pipefail
sgdsim=$1; src=$2; shift 2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
study="$src/tests/golden/scenarios/study.json"
mkdir "$work/a" "$work/b"
(cd "$work/a" && "$sgdsim" simulate "$study" -j 1 -q --out out > "$work/serial.out")
(cd "$work/b" && "$@" "$sgdsim" simulate "$study" -q --out out > "$work/mpi.out" 2> "$work/mpi.err") ||
  fail "mpirun sgdsim simulate failed: $(cat "$work/mpi.out" "$work/mpi.err")"
same_study "$work/a/out" "$work/b/out"
cmp -s "$work/serial.out" "$work/mpi.out" || fail "the printed tables differ: $(diff "$work/serial.out" "$work/mpi.out")"
grep -q '"mpi": "Open MPI' "$work/b/out/study.json" || fail "study.json does not name the MPI library"
grep -q '"mpi": "Open MPI' "$work/b/out/local,workers=4/summary.json" || fail "summary.json does not name the MPI library"
echo "mpi study: ok"
