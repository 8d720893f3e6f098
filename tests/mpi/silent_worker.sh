#!/usr/bin/env bash
# A worker stopped (SIGSTOP) in the middle of an AGC run (c = 2, r = 3 of 4, 8 KB models) neither freezes the run nor
# its end: the PS finishes with the workers it has, gives the silent one up after --worker-timeout, writes the run
# directory recording it (summary.json silent_workers) and ends the job with exit 1.
# Usage: silent_worker.sh SGDSIM SCENARIO WORKDIR MPIRUN [ARGS...]   (MPIRUN without -np)
set -uo pipefail
sgdsim=$1; scenario=$2; work=$3; shift 3
rm -rf "$work"; mkdir -p "$work"
stopped=""
cleanup() { [ -n "$stopped" ] && kill -KILL "$stopped" 2> /dev/null; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

run=("$sgdsim" run "$scenario" --out "$work/run" --worker-timeout 3)
# The last rank (worker 3) records its pid, then becomes sgdsim.
timeout 100 "$@" -n 4 "${run[@]}" : -n 1 sh -c 'echo $$ > "$0"; exec "$@"' "$work/pid" "${run[@]}" \
  > "$work/log" 2>&1 & job=$!
for _ in $(seq 600); do
  [ "$(cat "$work"/run.partial-*/trace.csv 2> /dev/null | wc -l)" -gt 10 ] && break
  sleep 0.1
done
stopped=$(cat "$work/pid")
kill -STOP "$stopped" || fail "could not stop worker 3"
wait $job; rc=$?
cat "$work/log"
[ $rc -ne 124 ] || fail "the run froze: still running after 100 s"
[ $rc -eq 1 ] || fail "exit $rc, expected 1"
grep -qF "worker(s) 3 (rank(s) 4) sent nothing for 3 s at the end of repetition 0: given up" "$work/log" ||
  fail "the silent worker is not reported"
summary="$work/run/summary.json"
[ -f "$summary" ] || fail "no run directory"
tr -d ' \n' < "$summary" | grep -q '"silent_workers":\[3\],"status":"completed","stop_reason":"iterations"' ||
  fail "summary.json does not record worker 3 as silent in a completed run: $(cat "$summary")"
grep -q '"iterations": 40,' "$summary" || fail "the run did not reach its 40 iterations"
grep -q '"incomplete": false' "$summary" || fail "the run directory is marked incomplete"
[ "$(awk -F, '$3 == 3' "$work/run/workers.csv" | wc -l)" -eq 40 ] || fail "worker 3 lacks rows in workers.csv"
awk -F, 'NR > 1 && $3 != 3 && $4 == "" { bad = 1 } END { exit bad }' "$work/run/workers.csv" ||
  fail "a worker that did not stop lacks its own records"
echo "silent_worker: ok"
