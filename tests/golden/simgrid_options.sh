#!/usr/bin/env bash
# --cfg / --log reach SimGrid: LV08 (latency ×13.01) makes the same run slower than sgdsim's CM02 default; bad options
# exit 2 with a reason instead of aborting.
set -uo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
q="$src/scenarios/quickstart.json"
args=(--variant sync --set stop.iterations=5 --set cluster.compute.numerics=false)
"$sgdsim" simulate "$q" "${args[@]}" --out "$work/cm02" > /dev/null || fail "default run failed"
"$sgdsim" simulate "$q" "${args[@]}" --out "$work/lv08" --cfg=network/model:LV08 --log=root.thres:critical > /dev/null \
  || fail "--cfg=network/model:LV08 run failed"
t_cm02=$(tail -1 "$work/cm02/trace.csv" | cut -d, -f3)
t_lv08=$(tail -1 "$work/lv08/trace.csv" | cut -d, -f3)
awk -v a="$t_cm02" -v b="$t_lv08" 'BEGIN { exit !(b > a) }' || fail "LV08 ($t_lv08 s) not slower than CM02 ($t_cm02 s)"
for bad in network/model:Constant network/model:Nope no/such-key:1; do
  out=$("$sgdsim" simulate "$q" "${args[@]}" --out "$work/bad" --cfg=$bad 2>&1); code=$?
  [ "$code" -eq 2 ] || fail "--cfg=$bad: exit $code (expected 2): $out"
done
# Values SimGrid accepts but then crashes on (segfault, abort) or loops forever with: a test simulation in a child
# process finds them first, so the run exits 2 naming the option (not 139, 134, or never).
expect 2 "cfg=maxmin/precision:-1: SimGrid crashed (signal 11)" -- \
  "$sgdsim" simulate "$q" "${args[@]}" --out "$work/bad" --cfg=maxmin/precision:-1
expect 2 "Bandwidth factor cannot be 0" -- \
  "$sgdsim" simulate "$q" "${args[@]}" --out "$work/bad" --cfg=network/bandwidth-factor:0
expect 2 "Model 'foo' is invalid" -- "$sgdsim" simulate "$q" "${args[@]}" --out "$work/bad" --cfg=host/model:foo
expect 2 "cfg=surf/precision:0: SimGrid did not finish a test simulation" -- \
  timeout -s KILL 60 "$sgdsim" simulate "$q" "${args[@]}" --out "$work/bad" --cfg=surf/precision:0
expect 0 "network/model: " -- "$sgdsim" simulate "$q" --cfg=help
[ ! -e "$work/bad" ] || fail "a run refused for its SimGrid options left a run directory"
echo "simgrid_options: ok"
