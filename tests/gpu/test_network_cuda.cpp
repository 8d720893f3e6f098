// cuBLAS networks against the CPU (Eigen) networks: loss, gradient and predictions within 1e-9 (double), over ranges,
// index lists with duplicates, more rows than one chunk, both activations; skipped without a CUDA device.
#include <doctest/doctest.h>

#include "network_cases.hpp"
#include "require_device.hpp"

using namespace sgdsim;
using kernels::Activation;
using kernels::SampleSet;

namespace {

void check_against_cpu(const kernels::NetworkShape& shape, std::int64_t rows, SampleSet set) {
  test::require_device();
  const auto data = test::random_classes<double>(rows, shape.widths.front(), shape.widths.back(), 21);
  const auto x = test::random_parameters<double>(shape, 22);
  kernels::cpu::Network<double> cpu(shape, 0.01, data.view());
  kernels::cuda::ResidentNetwork<double> gpu(shape, 0.01, data.view());
  std::vector<double> g_cpu(x.size()), g_gpu(x.size());
  std::vector<std::int32_t> p_cpu(std::size_t(set.size())), p_gpu(std::size_t(set.size()));
  // Twice on the device: the second call reuses its buffers and must give the same result.
  for (int call = 0; call < 2; ++call) {
    const double f_cpu = cpu.loss_grad(set, x, g_cpu, p_cpu);
    const double f_gpu = gpu.loss_grad(set, x, g_gpu, p_gpu);
    CHECK(f_gpu == doctest::Approx(f_cpu).epsilon(1e-9));
    for (std::size_t i = 0; i < x.size(); ++i) CHECK(g_gpu[i] == doctest::Approx(g_cpu[i]).epsilon(1e-9).scale(1e-12));
    CHECK(p_gpu == p_cpu);
  }
}

}  // namespace

TEST_CASE("cuBLAS softmax regression matches the CPU over a range") {
  check_against_cpu(test::shape_of({20, 10}, Activation::RELU), 300, SampleSet::range(7, 300));
}

TEST_CASE("cuBLAS ReLU MLP matches the CPU over an index list with duplicates") {
  const std::vector<std::int64_t> rows = {5, 5, 0, 299, 123, 64, 64, 7};
  check_against_cpu(test::shape_of({20, 16, 8, 10}, Activation::RELU), 300, SampleSet::list(rows));
}

TEST_CASE("cuBLAS tanh MLP matches the CPU over more rows than one chunk") {
  check_against_cpu(test::shape_of({12, 9, 4}, Activation::TANH), 2500, SampleSet::range(0, 2500));
}

TEST_CASE("cuBLAS MLP at the benchmark's shape matches the CPU on a mini-batch of 128 rows") {
  std::vector<std::int64_t> rows;
  for (std::int64_t i = 0; i < 128; ++i) rows.push_back((i * 37) % 1000);
  check_against_cpu(test::shape_of({784, 256, 128, 10}, Activation::RELU), 1000, SampleSet::list(rows));
}
