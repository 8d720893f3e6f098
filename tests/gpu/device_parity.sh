#!/bin/sh
# The same scenario with the CPU kernels and with the CUDA kernels (cluster.compute.device = cpu, then cuda), either
# simulated or run for real under mpirun (several ranks on one GPU, each with its own copy of its data there). The
# numbers differ only by the order of floating-point sums: loss, gradient norm and final model (and a classifier's
# accuracy, test loss and test accuracy) within 1e-9 relative;
# communication rounds equal, and in the simulation also bytes and arrivals waited for. Exits 77 (skipped) when this
# build or machine has no usable CUDA device, unless SGDSIM_REQUIRE_GPU=1.
# Usage: device_parity.sh SGDSIM SCENARIO WORKDIR simulate
#        device_parity.sh SGDSIM SCENARIO WORKDIR run MPIRUN [ARGS... -np N]
set -u
sgdsim=$1
scenario=$2
work=$3
mode=$4
shift 4
rm -rf "$work"
mkdir -p "$work"
for device in cpu cuda; do
  if [ "$mode" = simulate ]; then
    "$sgdsim" simulate "$scenario" --set cluster.compute.device=$device --out "$work/$device" >"$work/$device.log" 2>&1
  else
    "$@" "$sgdsim" run "$scenario" --set cluster.compute.device=$device --out "$work/$device" >"$work/$device.log" 2>&1
  fi
  rc=$?
  if [ $rc -ne 0 ]; then
    pattern='no usable CUDA device|has no CUDA kernels'
    if [ $device = cuda ] && grep -q -E "$pattern" "$work/$device.log" && [ "${SGDSIM_REQUIRE_GPU:-0}" != 1 ]; then
      grep -m1 -E "$pattern" "$work/$device.log"
      echo "SKIPPED: no usable CUDA device"
      exit 77
    fi
    cat "$work/$device.log"
    echo "device_parity: sgdsim $mode with device $device failed (exit $rc)" >&2
    exit 1
  fi
done
cat "$work/cpu.log" "$work/cuda.log"

. "$(dirname "$0")/../compare_runs.sh"
COMPARE_A=cpu
COMPARE_B=cuda
status=0
compare "$work/cpu/trace.csv" "$work/cuda/trace.csv" "1 2 4 5" 1e-9 0 || status=1
# Rounds always equal; bytes and arrivals waited for only in the simulation (real arrival order varies run to run).
if [ "$mode" = simulate ]; then exact="6 7 8"; else exact="6"; fi
compare "$work/cpu/trace.csv" "$work/cuda/trace.csv" "$exact" 0 0 || status=1
compare "$work/cpu/model.csv" "$work/cuda/model.csv" "1 2 3" 1e-9 1e-12 || status=1
# A classifier (problem.model) also writes accuracy, test_loss and test_accuracy: within 1e-9 too (an accuracy is
# a count of equal predictions, so in fact equal).
model_columns=$(head -1 "$work/cpu/trace.csv" | tr ',' '\n' | grep -n -x -E 'accuracy|test_loss|test_accuracy' |
  cut -d: -f1 | tr '\n' ' ')
if [ -n "$model_columns" ]; then
  compare "$work/cpu/trace.csv" "$work/cuda/trace.csv" "$model_columns" 1e-9 0 || status=1
fi
if ! grep -q '"device": *"cuda"' "$work/cuda/scenario.json"; then
  echo "device_parity: the cuda run's resolved scenario does not say device cuda" >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "device_parity: OK ($mode, cpu vs cuda)"
exit "$status"
