#!/usr/bin/env bash
# mpirun never hangs when ranks disagree: some ranks rejecting the scenario, or ranks given different scenarios, end
# every rank with exit 2 (naming the ranks, or the first differing JSON path) before any algorithm traffic.
# Usage: start_agreement.sh SGDSIM SCENARIO WORKDIR MPIRUN [ARGS...]   (MPIRUN without -np: the test picks the ranks)
set -uo pipefail
sgdsim=$1; scenario=$2; work=$3; shift 3
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_rejected NAME PATTERN -- MPMD arguments: exit 2 within 60 s, PATTERN in the output, no run directory.
expect_rejected() {
  local name=$1 pattern=$2; shift 3
  timeout 60 "$@" > "$work/$name.log" 2>&1; rc=$?
  cat "$work/$name.log"
  [ $rc -ne 124 ] || fail "$name: mpirun still running after 60 s"
  [ $rc -eq 2 ] || fail "$name: exit $rc, expected 2"
  grep -qF -- "$pattern" "$work/$name.log" || fail "$name: the output lacks: $pattern"
  [ -z "$(ls "$work" | grep -v '\.log$')" ] || fail "$name: a run directory was left: $(ls "$work")"
}

run=("$sgdsim" run "$scenario" --out "$work/run")
expect_rejected reject "ranks 2, 3, 4 rejected the scenario (see their errors); nothing was run" -- \
  "$@" -n 2 "${run[@]}" : -n 3 "${run[@]}" --set algorithm.wait_for=9
grep -qF "error [rank 3]: scenario.algorithm.wait_for: must be between 1 and cluster.workers (4), got 9" \
  "$work/reject.log" || fail "reject: rank 3 did not print its own error"
expect_rejected seed "first difference (rank 0 against rank 3) at scenario.seed: 5 against 6" -- \
  "$@" -n 3 "${run[@]}" : -n 2 "${run[@]}" --set seed=6
[ "$(grep -c "at scenario.seed: 5 against 6" "$work/seed.log")" -eq 5 ] || fail "seed: not every rank named the path"
echo "start_agreement: ok"
