#!/usr/bin/env bash
# Run directories never mix two runs: no overwriting without --force (plain runs and studies), the output location
# checked before simulating, concurrent writers of one directory kept apart.
set -uo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
q="$src/scenarios/quickstart.json"
small=(--variant sync --set stop.iterations=30 --set cluster.workers=3)

"$sgdsim" simulate "$q" "${small[@]}" --out "$work/run" > /dev/null || fail "first run failed"
cp -r "$work/run" "$work/first"
out=$("$sgdsim" simulate "$q" "${small[@]}" --set seed=2 --out "$work/run" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "a rerun into an existing run directory exited $rc, expected 2: $out"
grep -q -- "--force" <<< "$out" || fail "the refusal does not mention --force: $out"
diff -r "$work/first" "$work/run" > /dev/null || fail "a refused rerun changed the run directory"
"$sgdsim" simulate "$q" "${small[@]}" --set seed=2 --out "$work/run" --force > /dev/null || fail "--force failed"
grep -q '"seed": 2' "$work/run/scenario.json" || fail "--force did not replace scenario.json"
cmp -s "$work/first/trace.csv" "$work/run/trace.csv" && fail "--force did not replace trace.csv"
ls -a "$work" | grep -q partial && fail "a temporary directory was left behind: $(ls -a "$work")"
# The run directory's scenario.json says where it was written (--out), for a scenario without variants too.
single="$work/single.json"
cat > "$single" <<'JSON'
{ "name": "single", "seed": 1,
  "problem": { "objective": "logistic", "data": { "synthetic": { "samples": 300, "features": 5 } } },
  "cluster": { "workers": 3, "network": { "topology": "ideal" }, "compute": { "seconds_per_pass": 1 } },
  "algorithm": { "name": "sync_sgd", "batch_size": 8, "step_size": 0.1 },
  "stop": { "iterations": 5 }, "output": { "dir": "elsewhere" } }
JSON
"$sgdsim" simulate "$single" -q --out "$work/single" > /dev/null ||
  fail "the scenario without variants failed"
grep -q "\"dir\": \"$work/single\"" "$work/single/scenario.json" ||
  fail "scenario.json does not record --out: $(grep '"dir"' "$work/single/scenario.json")"

# The output location is checked first: a run of ten million iterations that could not write fails at once.
printf 'x' > "$work/file"
out=$("$sgdsim" simulate "$q" --variant sync --set stop.iterations=10000000 --out "$work/file/run" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "an unwritable output location exited $rc, expected 2: $out"
grep -q "$work/file" <<< "$out" || fail "the error does not name the location: $out"

# A directory that is not a run directory is never replaced, even with --force.
mkdir "$work/mine"; printf 'keep' > "$work/mine/notes.txt"
out=$("$sgdsim" simulate "$q" "${small[@]}" --out "$work/mine" --force 2>&1); rc=$?
[ $rc -eq 2 ] || fail "replacing a directory of other files exited $rc: $out"
[ "$(cat "$work/mine/notes.txt")" = keep ] || fail "a directory of other files was touched"

# A study: a rerun runs nothing without --force, and replaces every variant with it.
study=(--set stop.iterations=20 --set cluster.workers=3 --out "$work/study")
"$sgdsim" simulate "$q" "${study[@]}" > /dev/null || fail "the study failed"
rm -rf "$work/study/local-tau16"  # only some variants exist: the others are still refused
out=$("$sgdsim" simulate "$q" "${study[@]}" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "a study rerun exited $rc, expected 2: $out"
[ ! -e "$work/study/local-tau16" ] || fail "a refused study rerun ran a variant"
"$sgdsim" simulate "$q" "${study[@]}" --force > /dev/null || fail "the study rerun with --force failed"
[ -e "$work/study/local-tau16/summary.json" ] || fail "the study rerun with --force did not run every variant"

# Two runs writing one directory at once: each writes its own temporary directory; one of them gets the directory,
# and all its files come from that one run (the other is refused, at start or when it would move its files in).
for seed in 1 2; do
  "$sgdsim" simulate "$q" "${small[@]}" --set seed=$seed --out "$work/ref$seed" > /dev/null || fail "reference $seed"
done
"$sgdsim" simulate "$q" "${small[@]}" --set seed=1 --out "$work/both" > "$work/a.log" 2>&1 & a=$!
"$sgdsim" simulate "$q" "${small[@]}" --set seed=2 --out "$work/both" > "$work/b.log" 2>&1 & b=$!
wait $a; ra=$?; wait $b; rb=$?
[ $(( (ra == 0) + (rb == 0) )) -eq 1 ] || fail "expected exactly one of two concurrent runs to succeed, got $ra and $rb"
winner=$([ $ra -eq 0 ] && echo 1 || echo 2)
for f in scenario.json trace.csv workers.csv model.csv; do
  if [ $f = scenario.json ]; then
    grep -q "\"seed\": $winner" "$work/both/$f" || fail "scenario.json is not from the run that succeeded"
  else
    cmp -s "$work/ref$winner/$f" "$work/both/$f" || fail "$f is not from the run that succeeded (seed $winner)"
  fi
done
echo "run_directory: ok"
