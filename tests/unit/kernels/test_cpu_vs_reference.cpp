// Optimized CPU kernels against the reference on random data: relative error ≤ 1e-12 (double), 1e-5 (float).
#include <doctest/doctest.h>

#include "kernel_cases.hpp"
#include "sgdsim/error.hpp"

namespace {

using namespace sgdsim;

const auto cpu_kernel = []<class T>(kernels::Loss loss, const kernels::Data<T>& data, kernels::SampleSet rows,
                                    std::span<const T> x, T l2, std::span<T> grad) {
  return kernels::cpu::loss_grad<T>(loss, data, rows, x, l2, grad);
};

TEST_CASE("cpu double matches reference (dense and csr, ranges, lists, empty and single sets)") {
  test::check_kernel<double>(cpu_kernel, 1013, 37, 11);
}

TEST_CASE("cpu float matches reference (dense and csr, ranges, lists, empty and single sets)") {
  test::check_kernel<float>(cpu_kernel, 1013, 37, 12);
}

TEST_CASE("cpu matches reference on a set large enough to run on all threads") {
  // 3001 × 129: above the serial threshold, rows not a multiple of the block, cols not a multiple of the SIMD width.
  test::check_kernel<double>(cpu_kernel, 3001, 129, 13);
  test::check_kernel<float>(cpu_kernel, 3001, 129, 14);
}

TEST_CASE("cpu kernel gives bit-identical results on repeated calls") {
  const auto d = test::random_dense<double>(2000, 100, kernels::Loss::LOGISTIC, 5);
  const auto x = test::random_vector<double>(100, 6);
  std::vector<double> g1(100);
  std::vector<double> g2(100);
  const auto rows = kernels::SampleSet::range(0, 2000);
  const double f1 = kernels::cpu::loss_grad<double>(kernels::Loss::LOGISTIC, d.view(), rows, x, 0.1, g1);
  const double f2 = kernels::cpu::loss_grad<double>(kernels::Loss::LOGISTIC, d.view(), rows, x, 0.1, g2);
  CHECK(f1 == f2);
  CHECK(g1 == g2);
}

TEST_CASE("cpu kernel rejects mismatched sizes and out-of-range rows") {
  const auto d = test::random_dense<double>(10, 4, kernels::Loss::LOGISTIC, 5);
  std::vector<double> x(4);
  std::vector<double> g(4);
  std::vector<double> short_x(3);
  const std::vector<std::int64_t> bad{3, 10};
  using kernels::Loss;
  using kernels::SampleSet;
  CHECK_THROWS_AS(kernels::cpu::loss_grad<double>(Loss::LOGISTIC, d.view(), SampleSet::range(0, 10), short_x, 0.0, g),
                  ConfigError);
  CHECK_THROWS_AS(kernels::cpu::loss_grad<double>(Loss::LOGISTIC, d.view(), SampleSet::range(2, 11), x, 0.0, g),
                  ConfigError);
  CHECK_THROWS_AS(kernels::cpu::loss_grad<double>(Loss::LOGISTIC, d.view(), SampleSet::list(bad), x, 0.0, g),
                  ConfigError);
}

}  // namespace
