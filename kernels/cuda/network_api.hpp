// Entry points of the cuBLAS networks in plain C++17 (nvcc compiles C++17): implemented by network_kernels.cu, or by
// src/cuda_stub.cpp (throwing NotCompiled) in a build without CUDA. Internal to kernels/.
#pragma once

#include <cstdint>

namespace sgdsim::kernels::network_api {

// Activation codes shared with the device code (same order as kernels::Activation).
constexpr int ACTIVATION_RELU = 0;
constexpr int ACTIVATION_TANH = 1;

// Device copy of a data set, the network's shape and the per-call buffers; opaque outside the .cu.
template <class T>
struct NetworkState;

// widths: layers + 1 entries (inputs … classes); features rows × widths[0] row-major; labels: class indices.
// Copies the data to the device (local_rank % device_count). Throws CudaError.
template <class T>
NetworkState<T>* upload(const std::int64_t* widths, int layers, int activation, const T* features,
                        const std::int32_t* labels, std::int64_t rows);
template <class T>
void release(NetworkState<T>* state) noexcept;

// Rows S: [begin, begin + count) when index is null, else index[0..count) (already checked to be in range).
// Returns Σ_{i∈S} of the cross-entropy; when grad is non-null writes (1/count) Σ_{i∈S} of its gradient into it
// (parameters entries, no l2 term), and when predicted is non-null the predicted class of each row.
template <class T>
double run(NetworkState<T>* state, std::int64_t begin, const std::int64_t* index, std::int64_t count, const T* x,
           T* grad, std::int32_t* predicted);

// Benchmarks, timed with CUDA events: seconds per gradient over rows [0, count) (x uploaded before timing), and per
// run of the same forward and backward GEMMs by cuBLAS alone.
template <class T>
double time_gradient(NetworkState<T>* state, std::int64_t count, const T* x, int repetitions);
template <class T>
double time_gemms(NetworkState<T>* state, std::int64_t count, int repetitions);

}  // namespace sgdsim::kernels::network_api
