#!/usr/bin/env bash
# Ctrl-C on mpirun (SIGINT; mpirun sends its ranks SIGTERM and soon SIGKILL): rank 0 keeps the run directory with
# what was complete, marked incomplete (moved into place with status interrupted if it finished in time, else left
# as <dir>.partial-<pid>); its trace is readable either way.
# Usage: interrupt.sh SGDSIM SCENARIO WORKDIR MPIRUN [ARGS...]   (MPIRUN without -np)
set -uo pipefail
sgdsim=$1; scenario=$2; work=$3; shift 3
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$@" -n 5 "$sgdsim" run "$scenario" --out "$work/run" --set stop.iterations=100000 > "$work/log" 2>&1 & job=$!
for _ in $(seq 600); do
  [ "$(cat "$work"/run.partial-*/trace.csv 2> /dev/null | wc -l)" -gt 10 ] && break
  sleep 0.1
done
kill -INT $job
for _ in $(seq 300); do kill -0 $job 2> /dev/null || break; sleep 0.1; done
kill -0 $job 2> /dev/null && { kill -KILL $job; fail "mpirun still running 30 s after SIGINT"; }
wait $job
cat "$work/log"
if [ -d "$work/run" ]; then
  dir="$work/run"
  grep -q '"status": "interrupted"' "$dir/summary.json" || fail "the run is not marked interrupted"
  grep -q "^interrupted; run directory $dir kept, marked incomplete$" "$work/log" || fail "no 'interrupted' message"
else
  dir=$(ls -d "$work"/run.partial-* 2> /dev/null | head -1)
  [ -n "$dir" ] || fail "no run directory at all"
  echo "interrupt: rank 0 was killed before it finished; checking $dir"
fi
grep -q '"incomplete": true' "$dir/summary.json" || fail "summary.json is not marked incomplete"
rows=$(awk -F, 'NF != 8 { bad = 1 } END { print bad ? -1 : NR - 1 }' "$dir/trace.csv")
[ "$rows" -gt 10 ] || fail "trace.csv has a partial line or too few rows ($rows)"
echo "interrupt: ok ($rows rows kept)"
