#!/usr/bin/env bash
# A study (2 variants x a 2-point sweep x 3 repetitions) written by -j 1 and by -j 3: the same files, byte for byte
# (summary.json and study.json apart from their provenance: command line, times); the provenance is filled in.
set -euo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
study="$src/tests/golden/scenarios/study.json"
# The same relative output directory for both (scenario.json and study.csv name it), from two working directories.
mkdir "$work/a" "$work/b"
(cd "$work/a" && "$sgdsim" simulate "$study" -j 1 -q --out out > "$work/j1.out")
(cd "$work/b" && "$sgdsim" simulate "$study" -j 3 -q --out out > "$work/j3.out")
mv "$work/a/out" "$work/j1"
mv "$work/b/out" "$work/j3"
same_study "$work/j1" "$work/j3"
for label in 'sync,workers=2' 'sync,workers=4' 'local,workers=2' 'local,workers=4'; do
  [ -f "$work/j3/$label/summary.json" ] || fail "no run directory $label"
  [ "$(grep -c '"run": ' "$work/j3/$label/summary.json")" -eq 3 ] || fail "$label: summary.json lacks 3 runs"
  # Repetitions in order, each starting with its row of iteration 0 at time 0.
  [ "$(awk -F, 'NR > 1 && $2 == 0 { printf "%s:%s ", $1, $3 }' "$work/j3/$label/trace.csv")" = "0:0 1:0 2:0 " ] ||
    fail "$label: trace.csv lacks the rows of iteration 0 of repetitions 0, 1, 2 in order"
done
# Logistic loss at the starting point x = 0 is log 2 whatever the data.
awk -F, '$1 == 0 && $2 == 0 { d = $4 - log(2); exit !(d < 1e-12 && d > -1e-12) }' "$work/j3/sync,workers=4/trace.csv" ||
  fail "the loss of iteration 0 is not F(0) = log 2"
[ "$(head -1 "$work/j3/study.csv" | cut -d, -f1-4)" = "label,algorithm,dir,cluster.workers" ] || fail "study.csv header"
[ "$(grep -c '^"' "$work/j3/study.csv")" -eq 4 ] || fail "study.csv should have 4 rows with quoted labels"
grep -q '"baseline": "sync,workers=4"' "$work/j3/study.json" || fail "study.json: wrong baseline"
grep -q 'baseline' "$work/j3.out" || fail "the table does not mark the baseline"
# Provenance: the version sgdsim reports, the command line, ISO 8601 UTC times, the host, SimGrid's version.
version=$("$sgdsim" --version | awk '{print $2}')
p="$work/j3/local,workers=2/summary.json"
grep -q "\"sgdsim_version\": \"$version\"" "$p" || fail "summary.json: sgdsim_version is not $version"
grep -q '"command": ".*simulate .* -j 3 -q' "$p" || fail "summary.json: command line missing"
grep -Eq '"started": "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"' "$p" || fail "summary.json: started"
grep -Eq '"finished": "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"' "$p" || fail "summary.json: finished"
grep -q "\"$(hostname)\"" "$p" || fail "summary.json: host $(hostname) missing"
grep -Eq '"simgrid": "3\.[0-9]+\.[0-9]+"' "$p" || fail "summary.json: SimGrid version missing"
echo "study_parallel: ok"
