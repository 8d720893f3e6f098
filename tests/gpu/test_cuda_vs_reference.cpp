// CUDA kernels against the reference on random data (same cases as the CPU tests); skipped without a CUDA device.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>

#include "kernel_cases.hpp"
#include "sgdsim/error.hpp"

namespace {

using namespace sgdsim;

// ctest registers these tests with SKIP_RETURN_CODE 77: no device means skipped, not passed.
void require_device() {
  if (!kernels::cuda_device_available()) {
    std::printf("SKIPPED: no usable CUDA device (cuda compiled: %s)\n", kernels::cuda_compiled() ? "yes" : "no");
    std::fflush(stdout);
    std::_Exit(77);
  }
}

const auto cuda_kernel = []<class T>(kernels::Loss loss, const kernels::Data<T>& data, kernels::SampleSet rows,
                                     std::span<const T> x, T l2, std::span<T> grad) {
  return kernels::cuda::loss_grad<T>(loss, data, rows, x, l2, grad);
};

TEST_CASE("cuda double matches reference with rows held in registers (37 and 1000 columns)") {
  require_device();
  test::check_kernel<double>(cuda_kernel, 1013, 37, 21);
  test::check_kernel<double>(cuda_kernel, 301, 1000, 22);
}

TEST_CASE("cuda float matches reference with rows held in registers (37 and 2000 columns)") {
  require_device();
  test::check_kernel<float>(cuda_kernel, 1013, 37, 23);
  test::check_kernel<float>(cuda_kernel, 301, 2000, 24);
}

TEST_CASE("cuda matches reference on rows too wide for registers (2100 columns)") {
  require_device();
  test::check_kernel<double>(cuda_kernel, 257, 2100, 25);
  test::check_kernel<float>(cuda_kernel, 257, 2100, 26);
}

TEST_CASE("cuda engine keeps the data on the device across calls and matches the cpu engine") {
  require_device();
  const auto d = test::random_dense<double>(5000, 200, kernels::Loss::LOGISTIC, 27);
  const auto gpu = kernels::make_engine(kernels::Device::CUDA, kernels::Loss::LOGISTIC, 0.01, d.view());
  const auto cpu = kernels::make_engine(kernels::Device::CPU, kernels::Loss::LOGISTIC, 0.01, d.view());
  for (int call = 0; call < 3; ++call) {
    const auto x = test::random_vector<double>(200, 28 + std::uint64_t(call));
    const auto idx = test::random_index(64, 5000, 40 + std::uint64_t(call));
    for (const auto rows : {kernels::SampleSet::range(100, 4100), kernels::SampleSet::list(idx)}) {
      std::vector<double> g_gpu(200);
      std::vector<double> g_cpu(200);
      const double f_gpu = gpu->loss_grad(rows, x, g_gpu);
      const double f_cpu = cpu->loss_grad(rows, x, g_cpu);
      CHECK(test::relative_error(f_gpu, f_cpu) <= 1e-12);
      CHECK(test::relative_error(g_gpu, g_cpu) <= 1e-12);
    }
  }
}

}  // namespace
