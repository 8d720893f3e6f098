// The skip rule of the gpu tests: without a usable CUDA device a test case exits 77 (ctest: skipped).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "sgdsim/kernels/kernels.hpp"

namespace sgdsim::test {

// ctest registers these tests with SKIP_RETURN_CODE 77: no device means skipped, not passed. On a machine that is
// meant to have a GPU, SGDSIM_REQUIRE_GPU=1 turns the skip into a failure (tools/gpu_check.sh sets it).
inline void require_device() {
  if (kernels::cuda_device_available()) return;
  const char* required = std::getenv("SGDSIM_REQUIRE_GPU");
  const bool fail = required != nullptr && std::string(required) == "1";
  std::printf("%s: no usable CUDA device (cuda compiled: %s)\n", fail ? "FAILED (SGDSIM_REQUIRE_GPU=1)" : "SKIPPED",
              kernels::cuda_compiled() ? "yes" : "no");
  std::fflush(stdout);
  std::_Exit(fail ? 1 : 77);
}

}  // namespace sgdsim::test
