// The CPU kernels' sums have one fixed order: 1 and 3 threads, the AVX2 and the baseline loops give bit-identical
// losses and gradients; so do 1 and 3 threads for the networks.
#include <doctest/doctest.h>
#include <omp.h>

#include "cpu_loops.hpp"
#include "network_cases.hpp"
#include "random_data.hpp"

namespace {

using namespace sgdsim;

struct Result {
  double loss = 0;
  std::vector<double> grad;
  bool operator==(const Result&) const = default;
};

template <class T>
Result run_with(int threads, const test::RandomData<T>& data, kernels::SampleSet rows, kernels::Loss loss) {
  const auto x = test::random_vector<T>(data.cols, 7);
  std::vector<T> grad(std::size_t(data.cols));
  omp_set_num_threads(threads);
  Result r;
  r.loss = double(kernels::cpu::loss_grad<T>(loss, data.view(), rows, x, T(0.01), grad));
  r.grad.assign(grad.begin(), grad.end());
  omp_set_num_threads(omp_get_num_procs());
  return r;
}

// Large enough for many chunks (and so for several threads before the fix), with rows that are not a multiple of
// any block size; ranges and index lists (with repeats).
template <class T>
void check_threads(const test::RandomData<T>& data, kernels::Loss loss) {
  std::vector<std::int64_t> list(std::size_t(data.rows));
  for (std::size_t i = 0; i < list.size(); ++i) list[i] = std::int64_t((i * 7919) % std::size_t(data.rows));
  for (const auto rows : {kernels::SampleSet::range(0, data.rows), kernels::SampleSet::range(5, data.rows - 3),
                          kernels::SampleSet::list(list)}) {
    const Result one = run_with(1, data, rows, loss);
    const Result three = run_with(3, data, rows, loss);
    CHECK(one.loss == three.loss);
    CHECK(one.grad == three.grad);
    CHECK(std::any_of(one.grad.begin(), one.grad.end(), [](double g) { return g != 0.0; }));
  }
}

TEST_CASE("cpu kernel: 1 and 3 threads give bit-identical dense results (double and float, both losses)") {
  for (const auto loss : {kernels::Loss::LOGISTIC, kernels::Loss::LEAST_SQUARES}) {
    check_threads(test::random_dense<double>(20011, 37, loss, 21), loss);
    check_threads(test::random_dense<float>(20011, 37, loss, 22), loss);
  }
}

TEST_CASE("cpu kernel: 1 and 3 threads give bit-identical sparse results") {
  check_threads(test::random_csr<double>(30011, 150, 0.1, kernels::Loss::LOGISTIC, 23), kernels::Loss::LOGISTIC);
}

// A network's loss, gradient and predictions with `threads` OpenMP threads.
struct NetworkResult {
  double loss = 0;
  std::vector<double> grad;
  std::vector<std::int32_t> predicted;
  bool operator==(const NetworkResult&) const = default;
};

NetworkResult network_with(int threads, const kernels::NetworkShape& shape, kernels::SampleSet rows) {
  const auto data = test::random_classes<double>(1500, shape.widths.front(), shape.widths.back(), 31);
  const auto x = test::random_parameters<double>(shape, 32);
  kernels::cpu::Network<double> net(shape, 0.01, data.view());
  NetworkResult r;
  r.grad.resize(x.size());
  r.predicted.resize(std::size_t(rows.size()));
  omp_set_num_threads(threads);
  r.loss = net.loss_grad(rows, x, r.grad, r.predicted);
  omp_set_num_threads(omp_get_num_procs());
  return r;
}

// The inner loops on 4 rows: dot products and the gradient update, compared bit for bit between two loop sets.
template <class T>
void check_same_loops(const kernels::cpu_detail::Loops& a, const kernels::cpu_detail::Loops& b) {
  for (const std::int64_t d : {1, 3, 8, 37, 1000, 1003}) {
    const auto rows = test::random_vector<T>(4 * d, std::uint64_t(d), 1.0);
    const auto x = test::random_vector<T>(d, std::uint64_t(d) + 1, 1.0);
    const T* r[4] = {rows.data(), rows.data() + d, rows.data() + 2 * d, rows.data() + 3 * d};
    const T w[4] = {T(0.3), T(-1.7), T(2.5), T(0.001)};
    T za[4], zb[4];
    std::vector<double> acc_a(std::size_t(d), 0.5), acc_b(std::size_t(d), 0.5);
    if constexpr (std::is_same_v<T, float>) {
      a.dot4_float(r, x.data(), d, za), b.dot4_float(r, x.data(), d, zb);
      a.axpy4_float(r, w, acc_a.data(), d), b.axpy4_float(r, w, acc_b.data(), d);
    } else {
      a.dot4_double(r, x.data(), d, za), b.dot4_double(r, x.data(), d, zb);
      a.axpy4_double(r, w, acc_a.data(), d), b.axpy4_double(r, w, acc_b.data(), d);
    }
    for (int i = 0; i < 4; ++i) CHECK(za[i] == zb[i]);
    CHECK(acc_a == acc_b);
  }
}

}  // namespace

#ifndef SGDSIM_NO_AVX2_LOOPS
TEST_CASE("cpu kernel: the AVX2 loops give the same bits as the baseline loops") {
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
    MESSAGE("no AVX2 here: nothing to compare");
    return;
  }
  check_same_loops<double>(kernels::cpu_detail::baseline_loops(), kernels::cpu_detail::avx2_loops());
  check_same_loops<float>(kernels::cpu_detail::baseline_loops(), kernels::cpu_detail::avx2_loops());
}
#endif

TEST_CASE("cpu networks: 1 and 3 threads give bit-identical losses, gradients and predictions") {
  // Layers wide enough, and chunks of rows long enough (1500 rows: two chunks), for Eigen to have split each product
  // over the threads; a range and an index list with repeats.
  std::vector<std::int64_t> list(1500);
  for (std::size_t i = 0; i < list.size(); ++i) list[i] = std::int64_t((i * 7919) % 1500);
  for (const auto activation : {kernels::Activation::RELU, kernels::Activation::TANH}) {
    const auto shape = test::shape_of({60, 70, 40, 5}, activation);
    for (const auto rows : {kernels::SampleSet::range(0, 1500), kernels::SampleSet::list(list)}) {
      const NetworkResult one = network_with(1, shape, rows);
      const NetworkResult three = network_with(3, shape, rows);
      CHECK(one.loss == three.loss);
      CHECK(one.grad == three.grad);
      CHECK(one.predicted == three.predicted);
    }
  }
}
