#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds and runs two projects against find_package(sgdsim): a
# consumer of sgdsim::core, and examples/external-algorithm (an algorithm registered from outside, run through the
# installed sgdsim::cli: listing, check, simulate — compared with the built-in uncoded — and mpirun when available).
set -euo pipefail
build=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cmake --install "$build" --prefix "$work/prefix" > /dev/null
cmake -S "$src/tests/package/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$work/consumer" > /dev/null
"$work/consumer/consumer"

grep -q 'SGDSIM_WITH_SIMGRID ON' "$work/prefix/lib/cmake/sgdsim/sgdsimConfig.cmake" || { echo "no SimGrid: external algorithm not run"; exit 0; }
cmake -S "$src/examples/external-algorithm" -B "$work/ext" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$work/ext" > /dev/null
hb=$work/ext/heavy_ball_sgdsim; scenario=$src/examples/external-algorithm/heavy-ball.json
listing=$("$hb" algorithms); resolved=$("$hb" check "$scenario")
grep -q '^heavy_ball  (parameter server)' <<< "$listing" || fail "heavy_ball is not in the listing"
grep -q '^agc  (parameter server)' <<< "$listing" || fail "the built-in algorithms are not in the listing"
grep -q '"momentum": 0.8' <<< "$resolved" || fail "check does not resolve heavy_ball's key"
set +e; err=$("$hb" check "$scenario" --set algorithm.momentum=1 2>&1); code=$?; set -e
[ $code = 2 ] && [[ $err == *"scenario.algorithm.momentum: must be in [0, 1), got 1"* ]] || fail "bad momentum: $code $err"

# final_model RUN_DIR: the model of run 0, one value per line.
final_model() { awk -F, 'NR > 1 && $1 == 0 { print $3 }' "$1/model.csv"; }
# max_diff A B: the largest |a − b| over two columns of numbers.
max_diff() { paste "$1" "$2" | awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > m) m = d } END { printf "%.3g\n", m + 0 }'; }

# With momentum 0 heavy ball is plain GD on the uncoded layout: the same final model as the built-in uncoded.
(cd "$work" && "$hb" simulate "$scenario" --set algorithm.momentum=0 --out hb0 > /dev/null)
(cd "$work" && "$hb" simulate "$scenario" --set algorithm.momentum=null --set algorithm.name=uncoded --out unc > /dev/null)
final_model "$work/hb0" > "$work/hb0.txt"; final_model "$work/unc" > "$work/unc.txt"
[ "$(wc -l < "$work/hb0.txt")" -gt 0 ] || fail "no final model"
d=$(max_diff "$work/hb0.txt" "$work/unc.txt")
awk -v d="$d" 'BEGIN { exit !(d < 1e-12) }' || fail "momentum 0 differs from uncoded by $d"
# With momentum the iterates change, and the run completes with its trace.
(cd "$work" && "$hb" simulate "$scenario" --out hb > /dev/null)
final_model "$work/hb" > "$work/hb.txt"
d=$(max_diff "$work/hb.txt" "$work/unc.txt")
awk -v d="$d" 'BEGIN { exit !(d > 1e-6) }' || fail "momentum 0.8 gives the same model as uncoded"
grep -q '"status": "completed"' "$work/hb/summary.json" || fail "heavy_ball run not completed"

# The installed sgdsim finds the installed drawing script (share/sgdsim beside its bin/), not the source tree's.
[ -x "$work/prefix/share/sgdsim/sgdsim_plot.py" ] || fail "sgdsim_plot.py is not installed in share/sgdsim"
if /usr/bin/python3 -c 'import matplotlib' 2> /dev/null; then
  "$work/prefix/bin/sgdsim" plot "$work/hb" --out "$work/hb-figures" > "$work/plot.txt" || fail "installed sgdsim plot"
  grep -qx "drawn by $work/prefix/share/sgdsim/sgdsim_plot.py" "$work/plot.txt" ||
    fail "the installed sgdsim drew with another script: $(cat "$work/plot.txt")"
  [ -f "$work/hb-figures/loss_time.png" ] || fail "installed sgdsim plot drew no loss_time.png"
fi

if grep -q 'SGDSIM_WITH_MPI ON' "$work/prefix/lib/cmake/sgdsim/sgdsimConfig.cmake" && command -v mpirun > /dev/null; then
  (cd "$work" && OMP_NUM_THREADS=1 timeout 120 mpirun --oversubscribe --allow-run-as-root --mca btl self,vader -np 5 "$hb" run "$scenario" --out real > /dev/null) \
    || fail "heavy_ball under mpirun"
  final_model "$work/real" > "$work/real.txt"
  d=$(max_diff "$work/real.txt" "$work/hb.txt")
  awk -v d="$d" 'BEGIN { exit !(d < 1e-12) }' || fail "mpirun and simulated heavy_ball differ by $d"
fi
echo "external algorithm: listed, checked, simulated (= uncoded at momentum 0) and run under mpirun"
