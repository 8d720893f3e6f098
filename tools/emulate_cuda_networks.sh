#!/usr/bin/env bash
# Runs the cuBLAS networks on the CPU, for a machine without a GPU: kernels/cuda/network_kernels.cu itself, its kernel
# launches rewritten into loops over (block, thread) (tools/cuda_emulation/rewrite_launches.py; a kernel that meets at
# __syncthreads runs its block as real threads at a barrier), compiled as C++ against stand-in cuda_runtime.h and
# cublas_v2.h (tools/cuda_emulation/): device memory is host memory that is registered, so every cudaMemcpy, memset and
# cuBLAS call checks that its pointers and extents lie inside (or, for host pointers, outside) a device allocation as
# the call's direction, m, n, k and leading dimensions say, and the GEMM/GEMV are those of the reference BLAS (netlib,
# Debian libblas-dev: the same column-major semantics as cuBLAS). Then tests/gpu/test_network_cuda.cpp, unchanged,
# compares it with the CPU (Eigen) networks, under AddressSanitizer and UBSan.
#
# What it checks: the cuBLAS arguments (transposes, shapes, leading dimensions, alpha/beta), the parameter layout and
# bias offsets, chunking, gathering of listed rows, the kernels' index arithmetic, copy directions and sizes, buffer
# sizes. What it cannot: real device behaviour (asynchrony and stream order, launch limits of the hardware, device
# math, cuBLAS's own kernels). A GPU run (tools/gpu_check.sh) stays the real test.
#
# Usage: tools/emulate_cuda_networks.sh [work-dir (default build-emulation)]
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-build-emulation}
mkdir -p "$work"
python3 tools/cuda_emulation/rewrite_launches.py kernels/cuda/network_kernels.cu "$work/network_kernels_emulated.cpp" \
  add_sum
eigen=$(pkg-config --cflags eigen3 2>/dev/null || echo -I/usr/include/eigen3)
flags=(-std=c++20 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fopenmp
  -Itools/cuda_emulation -Ikernels/cuda -Ikernels/src -Ikernels/include -Ibase/include -Itests/unit/kernels -Itests/gpu
  $eigen)
sources=("$work/network_kernels_emulated.cpp" kernels/src/network_cpu.cpp kernels/src/network_cuda_host.cpp
  tools/cuda_emulation/device_stubs.cpp tests/gpu/test_network_cuda.cpp tests/doctest_main.cpp)
objects=()
pids=()
for source in "${sources[@]}"; do
  object="$work/$(basename "$source" .cpp).o"
  objects+=("$object")
  "${CXX:-g++}" "${flags[@]}" -c "$source" -o "$object" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
"${CXX:-g++}" -fsanitize=address,undefined -fopenmp "${objects[@]}" -o "$work/test_network_emulated" -lblas -lpthread ||
  { echo "emulate_cuda_networks: link failed (the reference BLAS: apt-get install libblas-dev)" >&2; exit 1; }
OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} "$work/test_network_emulated"
