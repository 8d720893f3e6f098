#!/usr/bin/env bash
# The analytic engine against SimGrid on every shipped scenario (all variants, 40 iterations) and on a parameter
# server whose result transfers overlap on its link: the same iteration times, losses (and gradient norms at the
# average of all models, where the trace has them) and worker records, to 1e-6.
# (Exact ties, e.g. equal deterministic task times, may be seen by the PS in another order: an unused result's
# arrival and bytes are then counted by one engine only; such scenarios compare times, losses and rounds alone.)
set -uo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
check() {  # check NAME SCENARIO WORKERS_TOO -- extra args
  local name=$1 scenario=$2 workers=$3; shift 4
  for e in simgrid analytic; do
    "$sgdsim" simulate "$scenario" --engine $e --out "$work/$name-$e" "$@" > "$work/$name-$e.log" 2>&1 \
      || fail "$name: --engine $e failed: $(tail -3 "$work/$name-$e.log")"
  done
  local runs; runs=$(cd "$work/$name-simgrid" && find . -name trace.csv | sort)
  [ -n "$runs" ] || fail "$name: no trace.csv"
  for t in $runs; do
    local a="$work/$name-simgrid/$t" b="$work/$name-analytic/$t"
    [ "$(wc -l < "$a")" = "$(wc -l < "$b")" ] || fail "$name/$t: row counts differ"
    local cols="3 4 5 6 7 8"  # time, loss, grad_norm, comm_rounds, bytes, waited_for
    [ "$workers" = yes ] || cols="3 4 5 6"  # bytes and waited_for count the results seen, ties included
    # Model averaging with W != J or an anchor: the gradient norm at the average of all models too.
    local average; average=$(head -1 "$a" | tr ',' '\n' | grep -n -x average_grad_norm | cut -d: -f1)
    [ "$(head -1 "$a")" = "$(head -1 "$b")" ] || fail "$name/$t: headers differ"
    cols="$cols $average"
    for col in $cols; do
      d=$(max_rel_diff "$a" "$b" $col)
      awk -v d="$d" 'BEGIN { exit !(d <= 1e-6) }' || fail "$name/$t: column $col differs by $d (relative)"
    done
    [ "$workers" = yes ] || continue
    for col in 4 5 6 7 8 9; do
      d=$(max_rel_diff "${a%trace.csv}workers.csv" "${b%trace.csv}workers.csv" $col)
      awk -v d="$d" 'BEGIN { exit !(d <= 1e-6) }' || fail "$name/${t%trace.csv}workers.csv: column $col differs by $d"
    done
  done
}
# The Fashion-MNIST scenarios are left out: their data comes with `make data`, not with `make test`, and which model is
# trained does not change what the engines model.
for s in "$src"/scenarios/*.json; do
  grep -q '"idx"' "$s" && continue
  check "$(basename "$s" .json)" "$s" yes -- --set stop.iterations=40
done
for s in "$src"/tests/mpi/scenarios/*.json; do check "$(basename "$s" .json)" "$s" no --; done
# 256 workers on a 10 Gbps star, runtime only: 256 model transfers share the PS link every iteration and results
# overlap; SimGrid's solver rounds to ~1e-5 of a transfer, so times agree to rounding only.
check overlap "$src/scenarios/agc-experiment.json" yes -- --variant agc-c2-r11 --set stop.iterations=30 \
  --set cluster.workers=256 --set algorithm.wait_for=192 --set cluster.compute.numerics=false \
  --set 'cluster.network={"topology":"star","bandwidth":"10Gbps","latency":"50us"}' \
  --set 'problem.data={"synthetic":{"samples":10240,"features":100}}' --set 'cluster.compute.delay=null' --set 'cluster.compute.straggling={"rate":2.0}'
echo "analytic_equivalence: ok"
