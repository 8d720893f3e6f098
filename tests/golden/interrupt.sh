#!/usr/bin/env bash
# Interrupts keep what was complete: SIGINT / SIGTERM end a run with "interrupted" and exit 130 / 143, its directory
# marked incomplete; a killed run leaves its streamed trace readable; a study's variant dies with the study.
set -uo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -KILL "$p" 2> /dev/null; done; rm -rf "$work"; }
trap cleanup EXIT
. "$src/tests/golden/lib.sh"
q="$src/scenarios/quickstart.json"
long=(--set stop.iterations=10000000 --set cluster.workers=3)

# wait_rows FILE_GLOB N: until the file has more than N lines (60 s at most).
wait_rows() {
  for _ in $(seq 600); do
    [ "$(cat $1 2> /dev/null | wc -l)" -gt "$2" ] && return 0
    sleep 0.1
  done
  fail "no rows in $1 after 60 s"
}
# alive PID: running (a zombie is not).
alive() { local s; s=$(ps -o stat= -p "$1" 2> /dev/null); [ -n "$s" ] && [ "${s#Z}" = "$s" ]; }
# check_trace DIR: every line of trace.csv has the header's fields; prints the number of iterations (rows after
# iteration 0).
check_trace() {
  awk -F, 'NR == 1 { n = NF } NF != n { bad = 1 } END { exit bad }' "$1/trace.csv" || fail "$1/trace.csv has a partial line"
  echo $(( $(wc -l < "$1/trace.csv") - 2 ))
}

# Both engines stream the same way: SIGINT to a SimGrid run, SIGTERM to an analytic one.
for signal in INT TERM; do
  engine=$([ $signal = INT ] && echo simgrid || echo analytic)
  "$sgdsim" simulate "$q" --variant sync "${long[@]}" --engine $engine --out "$work/$signal" > "$work/$signal.log" 2>&1 &
  p=$!
  pids+=($p)
  wait_rows "$work/$signal.partial-$p/trace.csv" 20
  kill -$signal $p
  wait $p; rc=$?
  expected=$([ $signal = INT ] && echo 130 || echo 143)
  [ $rc -eq $expected ] || fail "SIG$signal: exit $rc, expected $expected: $(cat "$work/$signal.log")"
  grep -q '^interrupted$' "$work/$signal.log" || fail "SIG$signal: no 'interrupted' message"
  [ ! -e "$work/$signal.partial-$p" ] || fail "SIG$signal: the temporary directory was not moved into place"
  rows=$(check_trace "$work/$signal")
  summary="$work/$signal/summary.json"
  grep -q '"incomplete": true' "$summary" || fail "SIG$signal: summary.json not marked incomplete"
  grep -q '"status": "interrupted"' "$summary" || fail "SIG$signal: the run is not marked interrupted"
  grep -q "\"backend\": \"$engine\"" "$summary" || fail "SIG$signal: summary.json does not name the $engine engine"
  grep -q "\"iterations\": $rows," "$summary" || fail "SIG$signal: summary iterations differ from the $rows rows"
  # workers.csv holds the complete iterations only, in (iteration, worker) order.
  awk -F, 'NR > 1 { if ($2 < it || ($2 == it && $3 <= w)) bad = 1; it = $2; w = $3; n[$2]++ }
           END { for (i in n) if (n[i] != 3) bad = 1; exit bad }' "$work/$signal/workers.csv" ||
    fail "SIG$signal: workers.csv is out of order or has an incomplete iteration"
done

# SIGKILL: nothing can be finished, but what was streamed stays readable in the temporary directory.
"$sgdsim" simulate "$q" --variant sync "${long[@]}" --out "$work/killed" > /dev/null 2>&1 & p=$!
pids+=($p)
wait_rows "$work/killed.partial-$p/trace.csv" 20
sleep 1.2  # rows reach the disk at least once a second
kill -KILL $p; wait $p 2> /dev/null
rows=$(check_trace "$work/killed.partial-$p")
[ "$rows" -gt 20 ] || fail "only $rows rows reached the disk before the kill"
grep -q '"incomplete": true' "$work/killed.partial-$p/summary.json" || fail "a killed run's summary is not incomplete"
[ ! -e "$work/killed" ] || fail "a killed run's directory was moved into place"

# A study killed outright takes its running repetition with it; one sent SIGTERM passes it on, starts no more, and
# keeps what was complete in the run directory of the variant that was running, marked incomplete. The repetitions
# of a study run in a scratch directory under $TMPDIR.
mkdir -p "$work/tmp"
TMPDIR="$work/tmp" "$sgdsim" simulate "$q" "${long[@]}" --out "$work/study" > /dev/null 2>&1 & p=$!
pids+=($p)
wait_rows "$work/tmp/sgdsim-*/*.partial-*/trace.csv" 5
child=$(pgrep -P $p)
[ -n "$child" ] || fail "no repetition process under the study"
kill -KILL $p; wait $p 2> /dev/null
for _ in $(seq 50); do alive "$child" || break; sleep 0.1; done
alive "$child" && fail "the repetition (pid $child) outlived its study by 5 s"

rm -rf "$work/tmp"; mkdir -p "$work/tmp"
TMPDIR="$work/tmp" "$sgdsim" simulate "$q" "${long[@]}" --out "$work/study2" > "$work/study2.log" 2>&1 & p=$!
pids+=($p)
wait_rows "$work/tmp/sgdsim-*/*.partial-*/trace.csv" 5
kill -TERM $p
wait $p; rc=$?
[ $rc -eq 143 ] || fail "a study sent SIGTERM exited $rc, expected 143: $(cat "$work/study2.log")"
grep -q '"status": "interrupted"' "$work/study2/sync/summary.json" || fail "the study's variant was not interrupted"
grep -q '"incomplete": true' "$work/study2/sync/summary.json" || fail "the study's variant is not marked incomplete"
[ ! -e "$work/study2/local-tau4" ] || fail "an interrupted study started its next variant"
[ ! -e "$work/study2/study.csv" ] || fail "an interrupted study wrote its statistics"
[ -z "$(ls "$work/tmp")" ] || fail "the study left its scratch directory: $(ls "$work/tmp")"
echo "interrupt: ok"
