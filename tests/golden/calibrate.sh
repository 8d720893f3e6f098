#!/usr/bin/env bash
# sgdsim calibrate on a simulated run of a known model (tests/golden/scenarios/calibrate.json: uncoded, 6 workers,
# s = 0.6, lambda = 5, worker 2 1.5x slower, ideal network, so that a task's arrival - start is its compute time):
# s, lambda and the slowdown recovered within 4 standard errors, no other slowdown; the written scenario valid and
# simulated at 10x the workers; clear errors for runs it cannot calibrate.
set -euo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
cd "$work"
"$sgdsim" simulate "$src/tests/golden/scenarios/calibrate.json" -q --out run > /dev/null
"$sgdsim" calibrate run --data-only > calibrate.txt
json=run/calibration/calibration.json
# value KEY: the number after "KEY": in calibration.json (its first occurrence).
value() { grep -o "\"$1\": [-0-9.eE+]*" "$json" | head -1 | awk '{ print $2 }'; }
within() {  # within NAME ESTIMATE SE TRUTH: |estimate - truth| <= 4 se
  awk -v e="$2" -v s="$3" -v t="$4" 'BEGIN { d = e - t; if (d < 0) d = -d; exit !(d <= 4 * s && s > 0) }' ||
    fail "$1 = $2 ± $3, truth $4"
}
within s "$(value seconds_per_pass)" "$(value seconds_per_pass_se)" 0.6
within lambda "$(value rate)" "$(value rate_se)" 5
slow=$(tr -d ' \n' < "$json" | grep -o '"slowdown":{[^}]*}' | head -1)
[[ $slow =~ ^\"slowdown\":\{\"2\":([0-9.eE+-]+)\}$ ]] || fail "slowdowns written: $slow (expected worker 2 alone)"
se2=$(tr -d ' \n' < "$json" | grep -o '"worker":2,[^]]*' | grep -o '"slowdown_se":[0-9.eE+-]*' | cut -d: -f2)
within "worker 2's slowdown" "${BASH_REMATCH[1]}" "$se2" 1.5
grep -q 'goodness of fit: Kolmogorov-Smirnov D = ' calibrate.txt || fail "no goodness of fit printed"
[ "$(grep -c '' run/calibration/qq.csv)" -gt 1000 ] || fail "qq.csv should hold a point per distinct task time"

# The written scenario: valid, with the fitted model, for simulating (inject none), and it scales to 10x the workers.
scenario=run/calibration/scenario.json
"$sgdsim" check "$scenario" > /dev/null
grep -q '"name": "calibrate-calibrated"' "$scenario" || fail "the calibrated scenario's name"
grep -q '"inject": "none"' "$scenario" || fail "the calibrated scenario injects"
grep -q "\"seconds_per_pass\": $(value seconds_per_pass)" "$scenario" || fail "s not written"
grep -q 'at 10x the workers: sgdsim simulate run/calibration/scenario.json --set cluster.workers=60$' calibrate.txt ||
  fail "the hint for 10x the workers: $(tail -1 calibrate.txt)"
"$sgdsim" simulate "$scenario" --set cluster.workers=60 --set stop.iterations=5 -q --out big > /dev/null
[ "$(awk -F, 'NR > 1 { print $3 }' big/workers.csv | sort -u | wc -l)" -eq 60 ] || fail "10x: not 60 workers"

# What it cannot calibrate: a model-averaging run (task ends hidden in the all-reduce), a run without workers.csv rows.
"$sgdsim" simulate "$src/tests/golden/scenarios/calibrate.json" -q --out sync --set algorithm.name=sync_sgd \
  --set stop.iterations=3 > /dev/null
"$sgdsim" simulate "$src/tests/golden/scenarios/calibrate.json" -q --out none --set output.workers=false \
  --set stop.iterations=3 > /dev/null
set +e
err=$("$sgdsim" calibrate sync 2>&1); code=$?
err2=$("$sgdsim" calibrate none 2>&1); code2=$?
set -e
[ $code = 2 ] && [[ $err == *"calibrate needs a run of a parameter-server algorithm"* ]] || fail "sync_sgd run: $code $err"
[ $code2 = 2 ] && [[ $err2 == *"workers.csv: no rows"* ]] || fail "no worker rows: $code2 $err2"
echo "calibrate: ok"
