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
echo "stalled: ok"
