#!/usr/bin/env bash
# A run whose rule can no longer be met (uncoded with a failed worker) ends "stalled": its reason in summary.json and
# on stderr, exit status 0, the trace's live column; a study of the RI-SGD failure scenario counts no stalled run.
set -euo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
reason='worker 1 failed at 0.05 s; uncoded waits for all 4 workers'
"$sgdsim" simulate "$src/tests/mpi/scenarios/parity_uncoded_failure.json" --set cluster.workers=4 \
  --set 'cluster.failures=[{"worker": 1, "at": 0.05}]' --out "$work/run" > "$work/out.txt" 2> "$work/err.txt" \
  || fail "a stalled run is a result, not an error: exit $?"
grep -q '"status": "stalled"' "$work/run/summary.json" || fail "summary.json does not say stalled"
grep -q "\"reason\": \"$reason\"" "$work/run/summary.json" || fail "summary.json lacks the reason: $(cat "$work/run/summary.json")"
grep -q "stalled: $reason" "$work/err.txt" || fail "stderr lacks the reason: $(cat "$work/err.txt")"
head -1 "$work/run/trace.csv" | grep -q ',live$' || fail "trace.csv has no live column"
"$sgdsim" simulate "$src/scenarios/ri-sgd-failures.json" --set stop.time=9 -j 2 --out "$work/study" > "$work/study.txt"
grep -q '"stalled": 0' "$work/study/study.json" || fail "a variant of ri-sgd-failures stalled"
for v in local-ignore ri-mu0.25 agc; do
  [ "$(tail -1 "$work/study/$v/trace.csv" | awk -F, '{print $NF}')" = 6 ] || fail "$v: not 6 workers alive at the end"
done
# AGC (c = 2 on 8 workers: groups {0,1} {2,3} {4,5} {6,7}, r = 6) after workers 0, 2 and 4 fail: 5 alive, so r can
# no longer be met and `stop_when: r` stalls; every group still has a live worker, so `r_or_covered` goes on. With
# 0, 1 and 2 failed group {0,1} is gone as well: both stall.
agc() {  # agc NAME STOP_WHEN FAILURES
  "$sgdsim" simulate "$src/scenarios/ri-sgd-failures.json" --variant agc --set algorithm.stop_when=$2 \
    --set "cluster.failures=$3" --set stop.time=6 --out "$work/$1" > /dev/null 2>&1 || fail "$1: exit $?"
}
spread='[{"worker": 0, "at": 1}, {"worker": 2, "at": 2}, {"worker": 4, "at": 3}]'
group='[{"worker": 0, "at": 1}, {"worker": 1, "at": 2}, {"worker": 2, "at": 3}]'
agc spread-r r "$spread"
agc spread-covered r_or_covered "$spread"
agc group-covered r_or_covered "$group"
grep -q '"reason": "worker 4 failed at 3 s; agc waits for 6 of 8 workers, 5 are alive"' "$work/spread-r/summary.json" ||
  fail "agc, r: not stalled with 5 alive: $(cat "$work/spread-r/summary.json")"
grep -q '"status": "completed"' "$work/spread-covered/summary.json" ||
  fail "agc, r_or_covered: stalled although every group has a live worker"
grep -q '"status": "stalled"' "$work/group-covered/summary.json" ||
  fail "agc, r_or_covered: not stalled with group {0,1} gone and 5 alive"
echo "stalled: ok"
