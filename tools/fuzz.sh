#!/usr/bin/env bash
# Fuzzes the scenario parser and the LIBSVM and CSV loaders with libFuzzer (clang++, ASan + UBSan), starting from the
# seed corpora (tests/fuzz/corpus/<target>, and scenarios/ for the scenario parser).
# Usage: tools/fuzz.sh [--seconds S | --runs N] [--build DIR]
#   --seconds S  fuzz each target for S seconds (`make fuzz`: FUZZ_SECONDS, 60)
#   --runs N     N executions per target after the seeds (the ctest check: 3000)
#   --build DIR  the clang build (default build-fuzz); new inputs go to DIR/corpus/<target>, crashes to
#                DIR/crashes/<target>/ (copy one into tests/fuzz/corpus/<target>/ once fixed: a regression seed)
# Exits 77 (ctest: skipped) when clang++ with libFuzzer is not installed, 1 when a target crashed.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
limit=(-max_total_time=60)
build=$src/build-fuzz
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) limit=(-max_total_time="$2"); shift 2 ;;
    --runs) limit=(-runs="$2"); shift 2 ;;
    --build) build=$2; shift 2 ;;
    *) echo "usage: $0 [--seconds S | --runs N] [--build DIR]" >&2; exit 2 ;;
  esac
done
cxx=${FUZZ_CXX:-clang++}
probe='extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }'
if ! command -v "$cxx" > /dev/null ||
   ! "$cxx" -x c++ -fsanitize=fuzzer,address,undefined -o /dev/null - <<< "$probe" 2> /dev/null; then
  echo "fuzz: skipped: $cxx with libFuzzer is not installed (Debian: apt-get install clang libclang-rt-14-dev libomp-dev)"
  exit 77
fi
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
mkdir -p "$build"
echo "fuzz: building with $cxx in $build"
cmake -S "$src" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug -DSGDSIM_FUZZ=ON \
  -DSGDSIM_WITH_SIMGRID=OFF -DSGDSIM_WITH_MPI=OFF -DSGDSIM_WITH_CUDA=OFF -DSGDSIM_BUILD_TESTS=OFF \
  -DSGDSIM_BUILD_BENCH=OFF "${launcher[@]}" > "$build/configure.log"
cmake --build "$build" -j "$(nproc)" --target fuzz_scenario fuzz_libsvm fuzz_csv > "$build/build.log" 2>&1 ||
  { tail -40 "$build/build.log"; exit 1; }
status=0
for target in scenario libsvm csv; do
  corpus=$build/corpus/$target
  crashes=$build/crashes/$target
  mkdir -p "$corpus" "$crashes"
  seeds=("$src/tests/fuzz/corpus/$target")
  [ "$target" = scenario ] && seeds+=("$src/scenarios" "$src/tests/mpi/scenarios")
  echo "fuzz: $target (${limit[*]})"
  if ! "$build/tests/fuzz/fuzz_$target" "${limit[@]}" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
       -artifact_prefix="$crashes/" "$corpus" "${seeds[@]}" > "$build/$target.log" 2>&1; then
    echo "fuzz: $target FAILED (input in $crashes/):"; tail -30 "$build/$target.log"; status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$build/$target.log" | tail -2
  fi
done
exit $status
