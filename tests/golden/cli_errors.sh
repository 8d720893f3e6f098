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
# A mixing matrix that is not doubly stochastic: the row and by how much; check prints ζ of a valid one.
coop=(--variant sync --set algorithm.name=cooperative --set cluster.workers=2)
expect 2 "scenario.algorithm.mixing: row 0 sums to 1.1 (off by 0.1)" -- "$sgdsim" check "$q" "${coop[@]}" \
  --set 'algorithm.mixing=[[0.5,0.6],[0.5,0.4]]'
expect 0 "# zeta: 0.5" -- "$sgdsim" check "$q" "${coop[@]}" --set 'algorithm.mixing=[[0.75,0.25],[0.25,0.75]]'
printf '1 1:0.5 3:1\n-1 2:1 2:3\n' > "$work/bad.svm"
expect 2 "bad.svm:2" -- "$sgdsim" simulate "$q" --variant sync --set 'problem.data={"libsvm":{"path":"'"$work/bad.svm"'"}}' --out "$work/run"
[ ! -e "$work/run/summary.json" ] || fail "a failed run left a summary.json"
expect 2 "scenario.output.workers: " -- "$sgdsim" check "$q" --set output.workers=0
printf '{"name": "s", "stop": {"iterations": 2}, "sweep": {"grid": {"algorithm.tau": 4}}}' > "$work/sweep.json"
expect 2 'scenario.sweep.grid\["algorithm.tau"\]: must be a non-empty array' -- "$sgdsim" simulate "$work/sweep.json"
expect 2 "--jobs: Value 0 not in range 1 to 4096" -- "$sgdsim" simulate "$q" -j 0
# A study whose variant "bad" reads a malformed data file: that variant fails (exit 2, its error named), the others
# complete, and study.csv counts its repetition as failed; no run directory is written for it.
cat > "$work/study.json" <<EOF
{"name": "s", "problem": {"objective": "logistic", "data": {"synthetic": {"samples": 40, "features": 3}}},
 "cluster": {"workers": 2}, "algorithm": {"name": "sync_sgd", "batch_size": 4, "step_size": 0.5},
 "stop": {"iterations": 3},
 "variants": [{"label": "good", "set": {}},
              {"label": "bad", "set": {"problem.data": {"libsvm": {"path": "$work/bad.svm"}}}}]}
EOF
expect 2 "error: bad repetition 0: .*bad.svm:2" -- "$sgdsim" simulate "$work/study.json" -q --out "$work/study"
[ -f "$work/study/good/summary.json" ] && [ ! -e "$work/study/bad" ] || fail "run directories of the failed study"
grep -q "^bad,sync_sgd,$work/study/bad,1,0,0,0,1," "$work/study/study.csv" || fail "study.csv: $(cat "$work/study/study.csv")"
expect 0 "Usage" -- "$sgdsim" simulate --help
expect 2 "" -- "$sgdsim" frobnicate
echo "cli_errors: ok"
