// Estimators of beta, mu, sigma^2 and the optimum on tiny problems whose answers are known by hand.
#include <doctest/doctest.h>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <vector>

#include "hand_design.hpp"
#include "sgdsim/analysis/estimate.hpp"

using namespace sgdsim;
using namespace sgdsim::analysis;
using sgdsim::testing::hand_design;

namespace {

double gradient_norm(const Problem& p, const std::vector<double>& x) {
  std::vector<double> g(x.size());
  p.loss_grad(kernels::SampleSet::range(0, p.samples()), x, g);
  double s = 0;
  for (double v : g) s += v * v;
  return std::sqrt(s);
}

// F* is no larger than F at random points around x* (scale 1).
void check_minimum(const Problem& p, const Optimum& opt) {
  boost::random::mt19937_64 rng(7);
  boost::random::normal_distribution<double> normal;
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> y = opt.x;
    for (double& v : y) v += normal(rng);
    CHECK(opt.loss <= p.full_loss(y));
  }
}

}  // namespace

TEST_CASE("least squares beta and mu are the extreme eigenvalues of A'A/N plus l2, dense and CSR alike") {
  for (bool sparse : {false, true}) {
    CAPTURE(sparse);
    const Problem p(hand_design(sparse), kernels::Loss::LEAST_SQUARES, 0.1, kernels::Device::REFERENCE);
    CHECK(estimate_smoothness(p).value == doctest::Approx(10.0 / 4 + 0.1));
    CHECK(estimate_pl_constant(p, {}).value == doctest::Approx(2.0 / 4 + 0.1));
    const Problem logistic(hand_design(sparse), kernels::Loss::LOGISTIC, 0.1, kernels::Device::REFERENCE);
    CHECK(estimate_smoothness(logistic).value == doctest::Approx(10.0 / 16 + 0.1));
  }
}

TEST_CASE("least squares optimum: x* = (1.7, -0.3), F* = 0.025, gradient norm below 1e-9") {
  // AᵀA x = Aᵀb with Aᵀb = (9, 5): x = (6·9 − 4·5, 6·5 − 4·9)/20; residuals (0.4, 0, −0.2, 0).
  const Problem p(hand_design(false), kernels::Loss::LEAST_SQUARES, 0.0, kernels::Device::REFERENCE);
  const Optimum opt = solve_optimum(p);
  CHECK(opt.converged);
  REQUIRE(opt.x.size() == 2);
  CHECK(opt.x[0] == doctest::Approx(1.7).epsilon(1e-12));
  CHECK(opt.x[1] == doctest::Approx(-0.3).epsilon(1e-12));
  CHECK(opt.loss == doctest::Approx(0.025).epsilon(1e-12));
  CHECK(gradient_norm(p, opt.x) <= 1e-9);
  check_minimum(p, opt);
}

TEST_CASE("sigma^2 is the largest per-sample squared gradient norm over the given models") {
  const Problem p(hand_design(true), kernels::Loss::LEAST_SQUARES, 0.5, kernels::Device::REFERENCE);
  // x = 0: ‖b_i a_i‖² = 2, 8, 72, 0.
  CHECK(estimate_gradient_bound(p, {{0.0, 0.0}}).value == doctest::Approx(72.0));
  // x = (1, 0): (a_iᵀx − b_i) a_i + 0.5 x = (0.5, 0), (−0.5, 1), (−1.5, −2), (0.5, 0) → max 6.25.
  CHECK(estimate_gradient_bound(p, {{1.0, 0.0}}).value == doctest::Approx(6.25));
  CHECK(estimate_gradient_bound(p, {{1.0, 0.0}, {0.0, 0.0}}).value == doctest::Approx(72.0));
}

TEST_CASE("logistic optimum with l2 > 0 on overlapping classes: gradient norm below 1e-9, mu between l2 and beta") {
  // 200 samples, 5 features: labels alternate, features N(±0.8·e_1, I) (classes overlap, so with l2 the optimum is
  // unique and interior).
  Dataset d;
  d.rows = 200;
  d.cols = 5;
  boost::random::mt19937_64 rng(11);
  boost::random::normal_distribution<double> normal;
  for (int i = 0; i < d.rows; ++i) {
    const double y = i % 2 == 0 ? 1.0 : -1.0;
    d.labels.push_back(y);
    for (int j = 0; j < d.cols; ++j) d.dense.push_back(normal(rng) + (j == 0 ? 0.8 * y : 0.0));
  }
  const Problem p(std::move(d), kernels::Loss::LOGISTIC, 1e-2, kernels::Device::REFERENCE);
  const Optimum opt = solve_optimum(p);
  CHECK(opt.converged);
  CHECK(opt.iterations < 30);
  CHECK(gradient_norm(p, opt.x) <= 1e-9);
  CHECK(opt.loss == doctest::Approx(p.full_loss(opt.x)).epsilon(1e-12));
  check_minimum(p, opt);
  const double beta = estimate_smoothness(p).value;
  const double mu = estimate_pl_constant(p, opt.x).value;
  CHECK(mu > 1e-2);
  CHECK(mu < beta);
  // The optimum is where the curvature is measured: the objective's own gradient there is ~0 too.
  std::vector<double> g(5);
  objective(p, opt.x, g);
  for (double v : g) CHECK(std::abs(v) <= 1e-9);
}

TEST_CASE("above the dense limit: power iteration finds lambda_max and L-BFGS the optimum of a diagonal design") {
  // Row i has the single entry v_i at column i (v_0 = 3, others 1): A'A = diag(v²), λ_max = 9; d = 2001 > the limit.
  const std::int64_t n = DENSE_DIMENSION_LIMIT + 1;
  Dataset d;
  d.rows = n;
  d.cols = n;
  d.sparse = true;
  for (std::int64_t i = 0; i < n; ++i) {
    d.row_ptr.push_back(i);
    d.col_index.push_back(static_cast<std::int32_t>(i));
    d.values.push_back(i == 0 ? 3.0 : 1.0);
    d.labels.push_back(i % 3 == 0 ? 2.0 : -1.0);
  }
  d.row_ptr.push_back(n);
  const double l2 = 1e-4;
  const Problem p(std::move(d), kernels::Loss::LEAST_SQUARES, l2, kernels::Device::REFERENCE);
  const double nd = static_cast<double>(n);
  CHECK(estimate_smoothness(p).value == doctest::Approx(9.0 / nd + l2).epsilon(1e-8));
  CHECK(estimate_pl_constant(p, {}).value == doctest::Approx(l2));  // the lower bound l2 only
  // Coordinate-wise optimum: (v²/N + l2) x = v b / N.
  const Optimum opt = solve_optimum(p);
  CHECK(opt.converged);
  CHECK(opt.how.find("L-BFGS") != std::string::npos);
  CHECK(opt.x[0] == doctest::Approx((3.0 * 2.0 / nd) / (9.0 / nd + l2)).epsilon(1e-9));
  CHECK(opt.x[1] == doctest::Approx((-1.0 / nd) / (1.0 / nd + l2)).epsilon(1e-9));
  CHECK(gradient_norm(p, opt.x) <= 1e-9);
}
