#!/usr/bin/env bash
# Builds and checks sgdsim with CUDA on a GPU machine that has only a compiler, CMake and nvcc (none of our Debian
# packages), against the folder tools/gather_cuda_deps.sh made. Builds what it can: the kernels, their tests and the
# kernel benchmark always; the simulator when the folder holds SimGrid (--simgrid); the MPI backend when the machine
# has an MPI. Then:
#   1. the tests labelled gpu and the CPU kernel tests with SGDSIM_REQUIRE_GPU=1 (a missing device fails, not skips);
#   2. the CUDA tests (linear kernels, networks) under compute-sanitizer (memcheck, racecheck) when it is there;
#   3. the rest of the test suite (all but the package test), unless SGDSIM_GPU_CHECK_SUITE=0;
#   4. the benchmarks (SGDSIM_BENCH_REPS repetitions, default 3), with tables of their medians, unless
#      SGDSIM_GPU_CHECK_BENCH=0: the CUDA kernels of the linear models (bench_kernels), and the MLP gradients on the
#      GPU and on this machine's CPU next to cuBLAS / Eigen GEMMs of the same shapes (bench_models).
#
# Usage: tools/gpu_check.sh [deps-dir (default deps)] [out-dir (default build-gpu/out)]
# Writes the logs, bench_kernels_cuda.json, bench_models.json and summary.txt into out-dir; exits 1 when any step
# failed.
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

# zlib (the IDX loader): the machine's own when it has the headers, else the static one gathered into deps.
zlib=()
if ! echo '#include <zlib.h>' | "${CXX:-c++}" -E -x c++ - >/dev/null 2>&1; then
  zlib=(-DZLIB_INCLUDE_DIR="$deps/include/zlib" -DZLIB_LIBRARY="$deps/lib/$arch/zlib/libz.a")
  echo "zlib: the machine has no zlib.h, using the static zlib in $deps"
fi

echo "== configure + build"
# -U: a reused build folder re-detects the optional backends instead of keeping earlier choices.
cmake -S . -B "$build" -U 'SGDSIM_WITH_*' -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$deps" \
  -Dbenchmark_DIR="$deps/lib/$arch/cmake/benchmark" -DBoost_DIR="$deps/lib/$arch/cmake/Boost-1.74.0" \
  "${simgrid[@]}" "${zlib[@]}" -DSGDSIM_WITH_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
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
  for test in test_kernels_cuda test_network_cuda; do
    for tool in memcheck racecheck; do
      # racecheck instruments every shared-memory access (cuBLAS's GEMMs have many): the networks' smallest case
      # only, which still runs the loss reduction, the one kernel of ours that shares memory.
      cases=()
      [ "$test/$tool" = test_network_cuda/racecheck ] && cases=(--test-case='*softmax*')
      echo "== compute-sanitizer --tool $tool ($test ${cases[*]})"
      log="$out/sanitizer-$tool-$test.log"
      SGDSIM_REQUIRE_GPU=1 timeout 300 compute-sanitizer --tool "$tool" --error-exitcode 9 \
        "$build/tests/gpu/$test" "${cases[@]}" >"$log" 2>&1 || { status=1; tail -30 "$log"; }
      grep -E "SUMMARY|test cases" "$log"
    done
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
# Median rows of a Google Benchmark JSON file: name, time, then the given counters (blank where a row has none;
# *bytes_per_second in GB/s).
table() {
  python3 - "$@" <<'PY'
import json, sys
path, counters = sys.argv[1], sys.argv[2:]
def head(c):
    return c.replace("bytes_per_second", "GB/s")
def cell(b, c):
    if c not in b:
        return f" {'':>12}"
    return f" {b[c] / (1e9 if c.endswith('bytes_per_second') else 1):12.3f}"
print(f"{'benchmark (median)':34} {'time':>12}" + "".join(f" {head(c):>12}" for c in counters))
for b in json.load(open(path))["benchmarks"]:
    if b.get("aggregate_name") != "median":
        continue
    name = b["run_name"].split("/iterations")[0]
    print(f"{name:34} {b['real_time']:9.1f} {b['time_unit']:>2}" + "".join(cell(b, c) for c in counters))
PY
}
reps=${SGDSIM_BENCH_REPS:-3}
"$build/bench/bench_kernels" --benchmark_filter=cuda --benchmark_repetitions="$reps" \
  --benchmark_report_aggregates_only=true --benchmark_out="$out/bench_kernels_cuda.json" \
  --benchmark_out_format=json >"$out/bench.log" 2>&1 || { status=1; tail -20 "$out/bench.log"; }
# The MLP gradients (784-256-128-10, B = 128), CUDA and CPU rows, with the GEMM-alone throughput in the same run.
"$build/bench/bench_models" --benchmark_filter=mlp --benchmark_repetitions="$reps" \
  --benchmark_report_aggregates_only=true --benchmark_out="$out/bench_models.json" \
  --benchmark_out_format=json >"$out/bench_models.log" 2>&1 || { status=1; tail -20 "$out/bench_models.log"; }
# Every benchmark that reported an error (a CUDA one without a device, say) fails the check.
if grep -h '"error_occurred": true' "$out/bench_kernels_cuda.json" "$out/bench_models.json" >/dev/null 2>&1; then
  status=1
  grep -h '"error_message"' "$out/bench_kernels_cuda.json" "$out/bench_models.json" | sort -u
fi
{
  table "$out/bench_kernels_cuda.json" bytes_per_second copy_bytes_per_second ratio
  echo
  table "$out/bench_models.json" gflops gemm_gflops ratio call_us
} | tee "$out/summary.txt"
echo "gpu_check: $([ $status -eq 0 ] && echo OK || echo FAILED) (logs in $out)"
exit $status
