// Entry points of the CUDA kernels in plain C++17 (nvcc compiles C++17): implemented by cuda_kernels.cu, or by
// src/cuda_stub.cpp (throwing NotCompiled) in a build without CUDA. Internal to kernels/ (and its benchmark).
#pragma once

#include <cstdint>

namespace sgdsim::kernels::cuda_api {

// A host data set: dense row-major when row_ptr is null, CSR otherwise. Labels have `rows` entries.
template <class T>
struct HostData {
  const T* values = nullptr;
  const std::int64_t* row_ptr = nullptr;
  const std::int32_t* col_index = nullptr;
  const T* labels = nullptr;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
};

// Loss codes shared with the device code (same order as kernels::Loss).
constexpr int LOSS_LOGISTIC = 0;
constexpr int LOSS_LEAST_SQUARES = 1;

// Device copy of a data set plus the per-call buffers; opaque outside the .cu.
template <class T>
struct DeviceState;

bool compiled() noexcept;
bool device_available() noexcept;

// Copies the data to the device (local_rank % device_count when launched by mpirun). Throws CudaError.
template <class T>
DeviceState<T>* upload(const HostData<T>& data, int loss);
template <class T>
void release(DeviceState<T>* state) noexcept;

// Rows S: [begin, begin + count) when index is null, else index[0..count) (already checked to be in range).
// Returns Σ_{i∈S} ℓ(a_iᵀx, b_i); when grad_sum is non-null writes Σ_{i∈S} ℓ'(a_iᵀx, b_i) a_i into it (cols entries).
// Deterministic: per-block partial sums are combined in a fixed order (dense rows up to 16384 floats / 8192 doubles);
// wider dense rows and CSR use atomics and may differ in the last bits from call to call. SGDSIM_CUDA_DENSE_KERNEL
// (auto | warp | block, read here at upload) forces one of the two dense kernels, for tests and benchmarks.
template <class T>
double sums(DeviceState<T>* state, std::int64_t begin, const std::int64_t* index, std::int64_t count, const T* x,
            double* grad_sum);

// Benchmark helpers, timed with CUDA events: seconds per device-to-device copy of `bytes`, and seconds per gradient
// pass over rows [0, count) (device work only: x is uploaded once before timing).
double time_device_copy(std::int64_t bytes, int repetitions);
template <class T>
double time_sums(DeviceState<T>* state, std::int64_t count, const T* x, int repetitions);

}  // namespace sgdsim::kernels::cuda_api
