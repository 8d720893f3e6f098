// Shared by the .cu files of kernels/: the check every CUDA runtime call goes through (a failure throws CudaError),
// the device a process uses, freeing, and event timing for the benchmarks.
#pragma once

#include <cuda_runtime.h>

#include <cstdlib>
#include <string>

#include "sgdsim/error.hpp"

#define SGDSIM_CUDA_CHECK(call)                                                                              \
  do {                                                                                                       \
    const cudaError_t sgdsim_err_ = (call);                                                                  \
    if (sgdsim_err_ != cudaSuccess) {                                                                        \
      SGDSIM_THROW(::sgdsim::CudaError, std::string(#call) + " failed: " + cudaGetErrorString(sgdsim_err_)); \
    }                                                                                                        \
  } while (0)

namespace sgdsim::kernels::cuda_common {

// The rank of this process on its node when launched by an MPI launcher, else 0: several ranks per node spread over
// the node's GPUs (device local_rank % device_count).
inline int local_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID"}) {
    if (const char* v = std::getenv(name)) return std::atoi(v);
  }
  return 0;
}

template <class T>
void free_all(T*& p) noexcept {
  if (p != nullptr) cudaFree(p);
  p = nullptr;
}

// Seconds per repetition of `work`, timed with events on the default stream after one warm-up run.
template <class F>
double time_events(int repetitions, F work) {
  cudaEvent_t start = nullptr;
  cudaEvent_t stop = nullptr;
  SGDSIM_CUDA_CHECK(cudaEventCreate(&start));
  SGDSIM_CUDA_CHECK(cudaEventCreate(&stop));
  float ms = 0.0f;
  try {
    work();
    SGDSIM_CUDA_CHECK(cudaEventRecord(start));
    for (int i = 0; i < repetitions; ++i) work();
    SGDSIM_CUDA_CHECK(cudaEventRecord(stop));
    SGDSIM_CUDA_CHECK(cudaEventSynchronize(stop));
    SGDSIM_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
  } catch (...) {
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    throw;
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return double(ms) * 1e-3 / double(repetitions < 1 ? 1 : repetitions);
}

}  // namespace sgdsim::kernels::cuda_common
