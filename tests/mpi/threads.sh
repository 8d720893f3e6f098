#!/bin/sh
# sgdsim run picks cores / (ranks on the node) OpenMP threads per rank, never more (4 ranks on this machine), and
# keeps an explicit OMP_NUM_THREADS. Usage: threads.sh SGDSIM SCENARIO OUTDIR MPIRUN... (mpirun and its flags)
sgdsim=$1; scenario=$2; out=$3; shift 3
rm -rf "$out"  # a rerun writes the same run directories (never replaced without --force)
cores=$(getconf _NPROCESSORS_ONLN)
want=$((cores / 4)); [ "$want" -ge 1 ] || want=1
line=$("$@" -np 4 "$sgdsim" run "$scenario" --out "$out/a" | grep '^threads') || { echo "FAIL: run failed"; exit 1; }
got=$(echo "$line" | sed 's/.*: \([0-9]*\) OpenMP.*/\1/')
[ "$got" -ge 1 ] && [ "$got" -le "$want" ] || { echo "FAIL: $line (want 1..$want on $cores cores)"; exit 1; }
echo "$line" | grep -q "4 ranks on the node" || { echo "FAIL: $line"; exit 1; }
line=$(OMP_NUM_THREADS=3 "$@" -x OMP_NUM_THREADS -np 4 "$sgdsim" run "$scenario" --out "$out/b" | grep '^threads')
echo "$line" | grep -q ": 3 OpenMP threads per rank (OMP_NUM_THREADS)" || { echo "FAIL: $line"; exit 1; }
echo "threads: ok"
