#!/usr/bin/env bash
# Builds and checks sgdsim with CUDA on a GPU machine that has only a compiler, CMake and nvcc (none of our Debian
# packages), against the folder tools/gather_cuda_deps.sh made. Builds what it can: the kernels, their tests and the
# kernel benchmark always; the simulator when the folder holds SimGrid (--simgrid); the MPI backend when the machine
# has an MPI. Then:
#   1. the tests labelled gpu and the CPU kernel tests with SGDSIM_REQUIRE_GPU=1 (a missing device fails, not skips);
#   2. the CUDA kernel tests under compute-sanitizer (memcheck, racecheck) when it is there;
#   3. the rest of the test suite (all but the package test), unless SGDSIM_GPU_CHECK_SUITE=0;
#   4. the CUDA kernel benchmarks (SGDSIM_BENCH_REPS repetitions, default 3), with a table of their medians, unless
#      SGDSIM_GPU_CHECK_BENCH=0.
#
# Usage: tools/gpu_check.sh [deps-dir (default deps)] [out-dir (default build-gpu/out)]
# Writes the logs, bench_kernels_cuda.json and summary.txt into out-dir; exits 1 when any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."
deps=$(cd "${1:-deps}" && pwd) || { echo "error: no deps folder (run tools/gather_cuda_deps.sh first)" >&2; exit 1; }
out=${2:-build-gpu/out}
mkdir -p "$out"
out=$(cd "$out" && pwd)
build=build-gpu
arch=$(ls "$deps/lib" | grep -- -linux-gnu | head -1)
jobs=$(nproc)
status=0
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

echo "== machine"
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,clocks.max.mem --format=csv,noheader || status=1
nvcc --version | tail -1
cmake --version | head -1
echo "$jobs cores; mpirun: $(command -v mpirun || echo none)"

# Runtime libraries: Google Benchmark, and SimGrid with those of its libraries this machine lacks (the system's own
# copies, same soname, are kept first).
library_path="$deps/lib/$arch"
runtime="$deps/lib/$arch/simgrid-runtime"
simgrid=()
if [ -d "$runtime" ]; then
  simgrid=(-DSimGrid_INCLUDE_DIR="$deps/include" -DSimGrid_LIBRARY="$runtime/libsimgrid.so")
  for lib in "$runtime"/*; do
    name=$(basename "$lib")
    case "$name" in libsimgrid*) continue ;; esac
    if ldconfig -p | grep -q " $name "; then rm -f "$lib"; fi
  done
  library_path="$library_path:$runtime"
fi
export LD_LIBRARY_PATH="$library_path${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

echo "== configure + build"
# -U: a reused build folder re-detects the optional backends instead of keeping earlier choices.
cmake -S . -B "$build" -U 'SGDSIM_WITH_*' -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$deps" \
  -Dbenchmark_DIR="$deps/lib/$arch/cmake/benchmark" -DBoost_DIR="$deps/lib/$arch/cmake/Boost-1.74.0" \
  "${simgrid[@]}" -DSGDSIM_WITH_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
  >"$out/configure.log" 2>&1 || { tail -40 "$out/configure.log"; exit 1; }
grep -E "^SGDSIM_WITH_(SIMGRID|MPI|CUDA)" "$build/CMakeCache.txt" | tr '\n' ' '
echo
cmake --build "$build" -j "$jobs" >"$out/build.log" 2>&1 || { grep -B2 -A8 -E "error" "$out/build.log" | head -60; exit 1; }

echo "== gpu tests and cpu kernel tests (SGDSIM_REQUIRE_GPU=1)"
SGDSIM_REQUIRE_GPU=1 ctest --test-dir "$build" -L gpu --output-on-failure -j "$jobs" >"$out/ctest-gpu.log" 2>&1 ||
  status=1
SGDSIM_REQUIRE_GPU=1 ctest --test-dir "$build" -R 'test_kernels_cpu' -j "$jobs" >>"$out/ctest-gpu.log" 2>&1 || status=1
grep -E "Test +#.*(Passed|Failed|Skipped|Not Run)|tests passed" "$out/ctest-gpu.log" | sed 's/ \.\.\.*/ /'

if command -v compute-sanitizer >/dev/null; then
  for tool in memcheck racecheck; do
    echo "== compute-sanitizer --tool $tool (test_kernels_cuda)"
    SGDSIM_REQUIRE_GPU=1 timeout 300 compute-sanitizer --tool "$tool" --error-exitcode 9 \
      "$build/tests/gpu/test_kernels_cuda" >"$out/sanitizer-$tool.log" 2>&1 || { status=1; tail -30 "$out/sanitizer-$tool.log"; }
    grep -E "SUMMARY|test cases" "$out/sanitizer-$tool.log"
  done
fi

if [ "${SGDSIM_GPU_CHECK_SUITE:-1}" = 1 ]; then
  echo "== the rest of the test suite (all labels but gpu and package)"
  ctest --test-dir "$build" -LE 'gpu|package' -j "$jobs" >"$out/ctest-suite.log" 2>&1 || {
    status=1
    grep -A30 "tests failed" "$out/ctest-suite.log"
  }
  grep -E "tests passed" "$out/ctest-suite.log"
fi

if [ "${SGDSIM_GPU_CHECK_BENCH:-1}" != 1 ]; then
  echo "gpu_check: $([ $status -eq 0 ] && echo OK || echo FAILED) (benchmarks not run; logs in $out)"
  exit $status
fi
echo "== benchmarks"
"$build/bench/bench_kernels" --benchmark_filter=cuda --benchmark_repetitions="${SGDSIM_BENCH_REPS:-3}" \
  --benchmark_report_aggregates_only=true --benchmark_out="$out/bench_kernels_cuda.json" \
  --benchmark_out_format=json >"$out/bench.log" 2>&1 || { status=1; tail -20 "$out/bench.log"; }
# Median rows: name, time, GB/s of the pass, GB/s of the copy, ratio.
python3 - "$out/bench_kernels_cuda.json" <<'PY' | tee "$out/summary.txt"
import json, sys
rows = json.load(open(sys.argv[1]))["benchmarks"]
print(f"{'benchmark (median)':34} {'time':>12} {'GB/s':>8} {'copy GB/s':>10} {'ratio':>6}")
for b in rows:
    if b.get("aggregate_name") != "median":
        continue
    name = b["run_name"].split("/iterations")[0]
    gbs = b.get("bytes_per_second", 0) / 1e9
    copy = b.get("copy_bytes_per_second", 0) / 1e9
    ratio = f"{b['ratio']:.3f}" if "ratio" in b else ""
    t = f"{b['real_time']:.1f} {b['time_unit']}"
    print(f"{name:34} {t:>12} {gbs:8.1f} {copy:10.1f} {ratio:>6}")
PY
echo "gpu_check: $([ $status -eq 0 ] && echo OK || echo FAILED) (logs in $out)"
exit $status
