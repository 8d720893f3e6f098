// Shared by the .cu files of kernels/: the check every CUDA runtime call goes through (a failure throws CudaError),
// and the device a process uses.
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

}  // namespace sgdsim::kernels::cuda_common
