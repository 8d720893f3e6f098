// CUDA kernels against the reference on random data (same cases as the CPU tests); skipped without a CUDA device.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "kernel_cases.hpp"
#include "require_device.hpp"
#include "sgdsim/error.hpp"

namespace {

using namespace sgdsim;

using test::require_device;

const auto cuda_kernel = []<class T>(kernels::Loss loss, const kernels::Data<T>& data, kernels::SampleSet rows,
                                     std::span<const T> x, T l2, std::span<T> grad) {
  return kernels::cuda::loss_grad<T>(loss, data, rows, x, l2, grad);
};

// Sets SGDSIM_CUDA_DENSE_KERNEL (read when data is uploaded) for the lifetime of the guard.
struct DenseKernelGuard {
  explicit DenseKernelGuard(const char* mode) { setenv("SGDSIM_CUDA_DENSE_KERNEL", mode, 1); }
  ~DenseKernelGuard() { unsetenv("SGDSIM_CUDA_DENSE_KERNEL"); }
  DenseKernelGuard(const DenseKernelGuard&) = delete;
  DenseKernelGuard& operator=(const DenseKernelGuard&) = delete;
};

// The automatic choice: a warp per group of rows up to 2048 floats / 1024 doubles, a block per row above, atomics
// beyond the block kernel's widest rows. Odd column counts have padded rows on the device.
TEST_CASE("cuda double matches reference (37, 300, 1000, 5001 columns)") {
  require_device();
  test::check_kernel<double>(cuda_kernel, 1013, 37, 21);
  test::check_kernel<double>(cuda_kernel, 517, 300, 31);
  test::check_kernel<double>(cuda_kernel, 301, 1000, 22);
  test::check_kernel<double>(cuda_kernel, 83, 5001, 32);
}

TEST_CASE("cuda float matches reference (37, 300, 1000, 5001 columns)") {
  require_device();
  test::check_kernel<float>(cuda_kernel, 1013, 37, 23);
  test::check_kernel<float>(cuda_kernel, 517, 300, 33);
  test::check_kernel<float>(cuda_kernel, 301, 1000, 24);
  test::check_kernel<float>(cuda_kernel, 83, 5001, 34);
}

// Every shape of the warp kernel (1 … 16 vectors per lane, 2 or 1 rows per group), up to its widest rows (2048
// floats; 2048 doubles are beyond it and take the atomic kernel).
TEST_CASE("cuda warp-per-row kernel matches reference at every row width it takes") {
  require_device();
  const DenseKernelGuard guard("warp");
  for (const std::int64_t cols : {1, 3, 64, 100, 255, 512, 700, 1023, 2048}) {
    CAPTURE(cols);
    test::check_kernel<double>(cuda_kernel, 203, cols, 40 + std::uint64_t(cols));
    test::check_kernel<float>(cuda_kernel, 203, cols, 41 + std::uint64_t(cols));
  }
}

// Every width of the block kernel (1 … 16 vectors per thread), narrow rows included.
TEST_CASE("cuda block-per-row kernel matches reference at every row width it takes") {
  require_device();
  const DenseKernelGuard guard("block");
  for (const std::int64_t cols : {1, 37, 300, 1000, 2100, 4000, 8191, 16384}) {
    CAPTURE(cols);
    test::check_kernel<double>(cuda_kernel, 75, cols, 50 + std::uint64_t(cols));
    test::check_kernel<float>(cuda_kernel, 75, cols, 51 + std::uint64_t(cols));
  }
}

TEST_CASE("cuda matches reference on dense rows too wide for the block kernel (16500 columns, atomics)") {
  require_device();
  test::check_kernel<double>(cuda_kernel, 75, 16500, 25);
  test::check_kernel<float>(cuda_kernel, 75, 16500, 26);
}

TEST_CASE("cuda rejects an unknown SGDSIM_CUDA_DENSE_KERNEL") {
  require_device();
  const DenseKernelGuard guard("fast");
  const auto d = test::random_dense<double>(10, 5, kernels::Loss::LOGISTIC, 60);
  CHECK_THROWS_WITH_AS(kernels::cuda::Resident<double>(kernels::Loss::LOGISTIC, 0.0, d.view()),
                       doctest::Contains("SGDSIM_CUDA_DENSE_KERNEL"), ConfigError);
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
