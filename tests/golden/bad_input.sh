#!/usr/bin/env bash
# Hostile input exits 2 with a message naming where (issue 15): deep nesting, numbers beyond a double, invalid UTF-8,
# malformed run summaries, missing files, bad labels, values SimGrid aborts on, broken platforms, memory bombs.
set -uo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
q="$src/scenarios/quickstart.json"
sync=(--variant sync --set stop.iterations=3 --set cluster.workers=3)

# JSON: 75 000 levels of variants (a stack overflow before), a number beyond a double, invalid UTF-8 in --set.
{ printf '{"name": "x", "variants": '; printf '{"variants": %.0s' $(seq 75000); printf '1'; printf '}%.0s' $(seq 75001); } > "$work/deep.json"
expect 2 "deep.json:1:[0-9]*: arrays and objects nested deeper than 64 levels" -- "$sgdsim" check "$work/deep.json"
sed 's/"seed": 1,/"seed": 1e400,/' "$q" > "$work/huge.json"
expect 2 "huge.json:3:11: number 1e400 is out of range" -- "$sgdsim" check "$work/huge.json"
expect 2 "--set: is not valid UTF-8" -- "$sgdsim" check "$q" --set $'output.dir=\xff'
expect 2 "--out: is not valid UTF-8" -- "$sgdsim" simulate "$q" "${sync[@]}" --out $'x\xff'

# compare: a malformed summary.json is bad input, not a library exception.
"$sgdsim" simulate "$q" "${sync[@]}" --out "$work/a" > /dev/null || fail "simulate failed"
mkdir -p "$work/b" && cp "$work/a/trace.csv" "$work/b/"
for bad in '[]' '{"runs": [{"run": "x"}]}' '{"runs": 3' '{"backend": 1, "runs": [{}]}'; do
  printf '%s' "$bad" > "$work/b/summary.json"
  expect 2 "b/summary.json" -- "$sgdsim" compare "$work/a" "$work/b"
done
# plot, report and calibrate read summary.json too: deep nesting is refused (a stack overflow before), nothing written.
"$sgdsim" simulate "$src/scenarios/fidelity-agc.json" --set stop.iterations=3 --out "$work/c" > /dev/null ||
  fail "simulate fidelity-agc failed"
{ printf '{"runs": '; printf '[%.0s' $(seq 100000); printf ']%.0s' $(seq 100000); printf '}'; } > "$work/c/summary.json"
for command in plot report calibrate; do
  expect 2 "c/summary.json:1:[0-9]*: arrays and objects nested deeper than 64 levels" -- "$sgdsim" $command "$work/c"
done
files=$(ls "$work/c" | tr '\n' ' ')
[ "$files" = "model.csv scenario.json summary.json trace.csv workers.csv " ] || fail "files written into c: $files"

# check: files that do not exist, variant labels that name directories.
expect 2 "scenario.problem.data.libsvm.path: data file .*nothere.svm does not exist" -- \
  "$sgdsim" check "$q" --set 'problem.data={"libsvm": {"path": "nothere.svm"}}'
expect 2 "scenario.cluster.network: platform file .*nothere.xml does not exist" -- \
  "$sgdsim" check "$q" --set 'cluster.network="nothere.xml"'
# A Fashion-MNIST file that is not installed: the message says which package and make target bring it.
expect 2 "scenario.problem.data.idx.images: .*missing.gz does not exist .*dataset-fashion-mnist: run .make data." -- \
  "$sgdsim" check "$src/scenarios/fashion-agc.json" \
  --set 'problem.data.idx.images="/usr/share/datasets/fashion-mnist/missing.gz"'
# check reads the data as a run does: a model's malformed test set, a test set of other features, one class, a holdout
# that leaves no test row are refused by check, not first by simulate.
printf '1 1:0.5\n2 2:1\n3 1:0.2\n' > "$work/three.svm"
printf '1 1:0.5\n2 1:x\n' > "$work/badtest.svm"
printf '1 1:0.5 9:1\n' > "$work/wide.svm"
printf '1 1:0.5\n1 2:1\n' > "$work/oneclass.svm"
model=("${sync[@]}" --set 'problem.model={"name": "softmax"}' --set problem.objective=null --set cluster.workers=1)
train="problem.data={\"libsvm\": {\"path\": \"$work/three.svm\"}}"
expect 2 "badtest.svm:2: bad value" -- "$sgdsim" check "$q" "${model[@]}" --set "$train" \
  --set "problem.test={\"libsvm\": {\"path\": \"$work/badtest.svm\"}}"
expect 2 "scenario.problem.test: has 9 features, the training set 2" -- "$sgdsim" check "$q" "${model[@]}" \
  --set "$train" --set "problem.test={\"libsvm\": {\"path\": \"$work/wide.svm\"}}"
expect 2 "the data has 1 class(es)" -- "$sgdsim" check "$q" "${model[@]}" \
  --set "problem.data={\"libsvm\": {\"path\": \"$work/oneclass.svm\"}}"
expect 2 "scenario.problem.holdout: holds out round(0.1 x 3) = 0 of the 3 rows" -- "$sgdsim" check "$q" \
  "${model[@]}" --set "$train" --set problem.holdout=0.1
sed 's/"label": "sync"/"label": ".."/' "$q" > "$work/dots.json"
expect 2 'scenario.variants\[0\].label' -- "$sgdsim" check "$work/dots.json"

# Values SimGrid aborted on (exit 134 before), and a platform file without routes.
expect 2 "scenario.cluster.network.bandwidth" -- "$sgdsim" simulate "$q" "${sync[@]}" --set 'cluster.network.bandwidth=1e308TBps'
expect 2 "scenario.cluster.compute.delay.mean" -- "$sgdsim" simulate "$q" "${sync[@]}" --set 'cluster.compute.delay={"mean": 1e308}'
cat > "$work/noroute.xml" <<'XML'
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <zone id="world" routing="Full">
    <host id="h0" speed="1Gf"/> <host id="h1" speed="1Gf"/> <host id="h2" speed="1Gf"/>
    <link id="l" bandwidth="1Gbps" latency="1us"/>
    <route src="h0" dst="h1"><link_ctn id="l"/></route>
  </zone>
</platform>
XML
expect 2 "scenario.cluster.network: platform file .*noroute.xml has no route from host h0 (rank 0) to host h2" -- \
  "$sgdsim" simulate "$q" "${sync[@]}" --set "cluster.network=\"$work/noroute.xml\"" --out "$work/r"
sed 's/routing="Full"/routing="Dijkstra"/' "$work/noroute.xml" > "$work/dijkstra.xml"
expect 2 "scenario.cluster.network: platform file .*dijkstra.xml: SimGrid aborted while routing" -- \
  "$sgdsim" simulate "$q" "${sync[@]}" --set "cluster.network=\"$work/dijkstra.xml\"" --out "$work/r"

# Repetitions in all (runs x repetitions) are bounded: 2^31 - 1 of them allocated until the machine ran out of memory.
expect 2 "scenario.repetitions: the study's 3 runs have 120000 repetitions in all, more than 100000" -- \
  "$sgdsim" check "$q" --set repetitions=40000
# Fewer rows than workers: exit 2 naming cluster.workers, for the parameter-server algorithms too (a worker's error
# crashed the simulation).
for algorithm in uncoded egc; do
  expect 2 "scenario.cluster.workers: every worker holds a shard of the 3 training rows" -- \
    "$sgdsim" simulate "$q" "${sync[@]}" --set algorithm='{"name": "'$algorithm'", "step_size": 1}' \
    --set cluster.workers=4 --set problem.data.synthetic.samples=3 --out "$work/few"
done

# Memory: refused before allocating, naming the setting or file:line responsible; check prints the estimate.
# (--max-memory: a machine with 8 GB free would otherwise start the 100 000-worker run)
expect 2 "the largest part is the simulated ranks of cluster.workers = 100000" -- "$sgdsim" simulate "$q" \
  --variant sync --set cluster.workers=100000 --set problem.data.synthetic.samples=100000 --max-memory 4GiB
expect 2 "scenario.problem.data.synthetic: the run would need about 7.28 TiB" -- "$sgdsim" simulate "$q" --variant sync \
  --set problem.data.synthetic.samples=1000000 --set problem.data.synthetic.features=1000000
printf '1 1:1\n-1 2147483647:1\n' > "$work/bomb.svm"
expect 2 "bomb.svm:2: index 2147483647: the run would need" -- \
  "$sgdsim" simulate "$q" --variant sync --set "problem.data={\"libsvm\": {\"path\": \"$work/bomb.svm\"}}"
expect 2 "allowed by --max-memory 1MiB" -- "$sgdsim" simulate "$q" "${sync[@]}" --max-memory 1MiB
expect 0 "# memory: simulate needs about" -- "$sgdsim" check "$q" --variant sync

# LIBSVM indices from 0 (scikit-learn's export) are detected; zero_based false refuses them, naming the setting.
printf '1 0:1 2:0.5\n-1 1:1\n1 0:0.2\n-1 2:1\n' > "$work/sk.svm"
expect 0 "completed" -- "$sgdsim" simulate "$q" "${sync[@]}" --set "problem.data={\"libsvm\": {\"path\": \"$work/sk.svm\"}}" \
  --set cluster.workers=2 --set algorithm.batch_size=1 --out "$work/sk"
expect 2 "sk.svm:1: index 0 .*zero_based false" -- "$sgdsim" simulate "$q" "${sync[@]}" --set cluster.workers=2 \
  --set "problem.data={\"libsvm\": {\"path\": \"$work/sk.svm\", \"zero_based\": false}}" --out "$work/sk-one-based"
echo "bad_input: ok"
