#!/usr/bin/env bash
# Bad input exits with 2 and a message naming the JSON path or file:line; nothing is left half-written.
set -uo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
q="$src/scenarios/quickstart.json"
expect 2 "scenario.cluster.workers: " -- "$sgdsim" check "$q" --set cluster.workers=0
expect 2 "scenario.algorithm.tau: " -- "$sgdsim" check "$q" --variant sync --set algorithm.tau=3
expect 2 "--set" -- "$sgdsim" check "$q" --set nonsense
expect 2 "no variant" -- "$sgdsim" check "$q" --variant nope
printf '1 1:0.5 3:1\n-1 2:1 2:3\n' > "$work/bad.svm"
expect 2 "bad.svm:2" -- "$sgdsim" simulate "$q" --variant sync --set 'problem.data={"libsvm":{"path":"'"$work/bad.svm"'"}}' --out "$work/run"
[ ! -e "$work/run/summary.json" ] || fail "a failed run left a summary.json"
expect 0 "Usage" -- "$sgdsim" simulate --help
expect 2 "" -- "$sgdsim" frobnicate
echo "cli_errors: ok"
