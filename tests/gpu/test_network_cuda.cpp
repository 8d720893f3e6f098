// cuBLAS networks against the CPU (Eigen) networks: loss, gradient and predictions — within 1e-9 in double, within
// float rounding in float — over ranges and index lists (with duplicates, and longer than one chunk), both
// activations, with and without a gradient; skipped without a CUDA device.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "network_cases.hpp"
#include "require_device.hpp"

using namespace sgdsim;
using kernels::Activation;
using kernels::SampleSet;

namespace {

// Double: every gradient entry within 1e-9 relative (the summation orders of Eigen and cuBLAS differ by ~1e-15 of the
// largest entry). Float: the CPU's own float error is below 1e-6 of the largest entry at these shapes (measured
// against long double), so the two devices agree within 1e-4 of it, and the loss within 1e-5 relative.
template <class T>
void check_gradients(const std::vector<T>& g_gpu, const std::vector<T>& g_cpu) {
  if constexpr (std::is_same_v<T, double>) {
    for (std::size_t i = 0; i < g_cpu.size(); ++i) {
      CHECK(g_gpu[i] == doctest::Approx(g_cpu[i]).epsilon(1e-9).scale(1e-12));
    }
  } else {
    double largest = 0.0;
    for (const T v : g_cpu) largest = std::max(largest, double(std::fabs(v)));
    for (std::size_t i = 0; i < g_cpu.size(); ++i)
      CHECK(std::fabs(double(g_gpu[i]) - double(g_cpu[i])) <= 1e-4 * largest);
  }
}

template <class T>
void check_against_cpu(const kernels::NetworkShape& shape, std::int64_t rows, SampleSet set) {
  test::require_device();
  const double loss_tolerance = std::is_same_v<T, double> ? 1e-9 : 1e-5;
  const auto data = test::random_classes<T>(rows, shape.widths.front(), shape.widths.back(), 21);
  const auto x = test::random_parameters<T>(shape, 22);
  kernels::cpu::Network<T> cpu(shape, T(0.01), data.view());
  kernels::cuda::ResidentNetwork<T> gpu(shape, T(0.01), data.view());
  std::vector<T> g_cpu(x.size()), g_gpu(x.size());
  std::vector<std::int32_t> p_cpu(std::size_t(set.size())), p_gpu(std::size_t(set.size()));
  // Twice on the device: the second call reuses its buffers and must give the same result.
  for (int call = 0; call < 2; ++call) {
    const double f_cpu = cpu.loss_grad(set, x, g_cpu, p_cpu);
    const double f_gpu = gpu.loss_grad(set, x, g_gpu, p_gpu);
    CHECK(f_gpu == doctest::Approx(f_cpu).epsilon(loss_tolerance));
    check_gradients(g_gpu, g_cpu);
    CHECK(p_gpu == p_cpu);
  }
  // Loss and predictions without a gradient (the held-out evaluation's call): the forward pass alone.
  std::fill(p_gpu.begin(), p_gpu.end(), -1);
  const double f_cpu = cpu.loss_grad(set, x, {}, p_cpu);
  CHECK(gpu.loss_grad(set, x, {}, p_gpu) == doctest::Approx(f_cpu).epsilon(loss_tolerance));
  CHECK(p_gpu == p_cpu);
}

// count rows drawn from [0, rows) with repeats, in no order.
std::vector<std::int64_t> scattered(std::int64_t count, std::int64_t rows) {
  std::vector<std::int64_t> index;
  for (std::int64_t i = 0; i < count; ++i) index.push_back((i * 37 + 11) % rows);
  return index;
}

}  // namespace

TEST_CASE("cuBLAS softmax regression matches the CPU over a range") {
  check_against_cpu<double>(test::shape_of({20, 10}, Activation::RELU), 300, SampleSet::range(7, 300));
  check_against_cpu<float>(test::shape_of({20, 10}, Activation::RELU), 300, SampleSet::range(7, 300));
}

TEST_CASE("cuBLAS ReLU MLP matches the CPU over an index list with duplicates") {
  const std::vector<std::int64_t> rows = {5, 5, 0, 299, 123, 64, 64, 7};
  check_against_cpu<double>(test::shape_of({20, 16, 8, 10}, Activation::RELU), 300, SampleSet::list(rows));
  check_against_cpu<float>(test::shape_of({20, 16, 8, 10}, Activation::RELU), 300, SampleSet::list(rows));
}

TEST_CASE("cuBLAS tanh MLP matches the CPU over more rows than one chunk") {
  check_against_cpu<double>(test::shape_of({12, 9, 4}, Activation::TANH), 2500, SampleSet::range(0, 2500));
  const auto rows = scattered(2500, 2500);
  check_against_cpu<float>(test::shape_of({12, 9, 4}, Activation::TANH), 2500, SampleSet::list(rows));
}

TEST_CASE("cuBLAS ReLU MLP matches the CPU over an index list longer than two chunks") {
  const auto rows = scattered(2100, 700);
  check_against_cpu<double>(test::shape_of({12, 9, 6, 4}, Activation::RELU), 700, SampleSet::list(rows));
}

TEST_CASE("cuBLAS MLP at the benchmark's shape matches the CPU on a mini-batch of 128 rows") {
  check_against_cpu<double>(test::shape_of({784, 256, 128, 10}, Activation::RELU), 1000,
                            SampleSet::list(scattered(128, 1000)));
}
