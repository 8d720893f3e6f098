// Reference kernels against hand-computed values: both losses, dense and CSR, empty sets, extreme logistic margins.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "sgdsim/error.hpp"
#include "sgdsim/kernels/kernels.hpp"

namespace {

using namespace sgdsim::kernels;

// A = [[1, 2], [3, -1]] as dense and as CSR.
const std::vector<double> A_DENSE = {1, 2, 3, -1};
const std::vector<std::int64_t> A_ROW_PTR = {0, 2, 4};
const std::vector<std::int32_t> A_COLS = {0, 1, 0, 1};

Data<double> dense_data(const std::vector<double>& labels) {
  return {Dense<double>{A_DENSE.data(), 2, 2}, labels.data()};
}
Data<double> csr_data(const std::vector<double>& labels) {
  return {Csr<double>{A_ROW_PTR.data(), A_COLS.data(), A_DENSE.data(), 2, 2}, labels.data()};
}

TEST_CASE("least squares loss and gradient match the hand-computed 2x2 case, dense and csr") {
  // z = A x = (1, 1.25), residuals (0, 1.25): f = (0 + 1.25²/2)/2 + 0.1/2·(0.25 + 0.0625) = 0.40625,
  // ∇f = (1.25·(3, −1))/2 + 0.1·x = (1.925, −0.6).
  const std::vector<double> b = {1, 0};
  const std::vector<double> x = {0.5, 0.25};
  for (const auto& data : {dense_data(b), csr_data(b)}) {
    std::vector<double> g(2);
    const double f = reference::loss_grad<double>(Loss::LEAST_SQUARES, data, SampleSet::range(0, 2), x, 0.1, g);
    CHECK(f == doctest::Approx(0.40625).epsilon(1e-15));
    CHECK(g[0] == doctest::Approx(1.925).epsilon(1e-15));
    CHECK(g[1] == doctest::Approx(-0.6).epsilon(1e-15));
  }
}

TEST_CASE("logistic loss at x = 0 is log 2 and the gradient is -mean(b a)/2") {
  // σ(0) = 1/2: ∇f = (−½·(1, 2) + ½·(3, −1))/2 = (0.5, −0.75).
  const std::vector<double> b = {1, -1};
  const std::vector<double> x = {0, 0};
  for (const auto& data : {dense_data(b), csr_data(b)}) {
    std::vector<double> g(2);
    const double f = reference::loss_grad<double>(Loss::LOGISTIC, data, SampleSet::range(0, 2), x, 0.0, g);
    CHECK(f == doctest::Approx(std::log(2.0)).epsilon(1e-15));
    CHECK(g[0] == doctest::Approx(0.5).epsilon(1e-15));
    CHECK(g[1] == doctest::Approx(-0.75).epsilon(1e-15));
  }
}

TEST_CASE("index list with a duplicate weighs that row twice") {
  // Rows {1, 1, 0}: least squares with residuals (1.25, 1.25, 0): f = (2·1.25²/2)/3, ∇f = 2·1.25·(3, −1)/3.
  const std::vector<double> b = {1, 0};
  const std::vector<double> x = {0.5, 0.25};
  const std::vector<std::int64_t> idx = {1, 1, 0};
  std::vector<double> g(2);
  const double f = reference::loss_grad<double>(Loss::LEAST_SQUARES, dense_data(b), SampleSet::list(idx), x, 0.0, g);
  CHECK(f == doctest::Approx(1.5625 / 3).epsilon(1e-15));
  CHECK(g[0] == doctest::Approx(7.5 / 3).epsilon(1e-15));
  CHECK(g[1] == doctest::Approx(-2.5 / 3).epsilon(1e-15));
}

TEST_CASE("an empty sample set gives the L2 term only") {
  const std::vector<double> b = {1, -1};
  const std::vector<double> x = {2, -4};
  std::vector<double> g(2);
  const double f = reference::loss_grad<double>(Loss::LOGISTIC, dense_data(b), SampleSet::range(1, 1), x, 0.5, g);
  CHECK(f == doctest::Approx(0.25 * 20).epsilon(1e-15));
  CHECK(g[0] == doctest::Approx(1.0).epsilon(1e-15));
  CHECK(g[1] == doctest::Approx(-2.0).epsilon(1e-15));
}

TEST_CASE("logistic loss stays finite for huge margins of either sign") {
  // One feature a = 1, x = 1000: b = +1 gives loss ≈ e^-1000 = 0 and gradient ≈ 0; b = −1 gives loss 1000, gradient 1.
  const std::vector<double> a = {1.0};
  const std::vector<double> x = {1000.0};
  for (const double label : {1.0, -1.0}) {
    const std::vector<double> b = {label};
    const Data<double> data{Dense<double>{a.data(), 1, 1}, b.data()};
    std::vector<double> g(1);
    const double f = reference::loss_grad<double>(Loss::LOGISTIC, data, SampleSet::range(0, 1), x, 0.0, g);
    CHECK(f == doctest::Approx(label > 0 ? 0.0 : 1000.0));
    CHECK(g[0] == doctest::Approx(label > 0 ? 0.0 : 1.0));
    const float ff = reference::loss_grad<float>(
        Loss::LOGISTIC,
        Data<float>{Dense<float>{std::vector<float>{1.0f}.data(), 1, 1}, std::vector<float>{float(label)}.data()},
        SampleSet::range(0, 1), std::vector<float>{1000.0f}, 0.0f, {});
    CHECK(std::isfinite(ff));
    CHECK(ff == doctest::Approx(label > 0 ? 0.0 : 1000.0));
  }
}

TEST_CASE("csr rows without entries contribute the loss at z = 0") {
  // Rows: empty, then (0, 2). Least squares, b = (3, 1), x = (5, 1): residuals (−3, 1): f = (4.5 + 0.5)/2 = 2.5,
  // ∇f = (0 + 1·(0, 2))/2 = (0, 1).
  const std::vector<std::int64_t> row_ptr = {0, 0, 1};
  const std::vector<std::int32_t> cols = {1};
  const std::vector<double> vals = {2};
  const std::vector<double> b = {3, 1};
  const std::vector<double> x = {5, 1};
  const Data<double> data{Csr<double>{row_ptr.data(), cols.data(), vals.data(), 2, 2}, b.data()};
  std::vector<double> g(2);
  const double f = reference::loss_grad<double>(Loss::LEAST_SQUARES, data, SampleSet::range(0, 2), x, 0.0, g);
  CHECK(f == doctest::Approx(2.5).epsilon(1e-15));
  CHECK(g[0] == 0.0);
  CHECK(g[1] == doctest::Approx(1.0).epsilon(1e-15));
}

}  // namespace
