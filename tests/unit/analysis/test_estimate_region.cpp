// Estimators over points: the PL ratio over the sublevel set (a quadratic's exact constant, a 1-D logistic's by a
// dense grid), gradient variances exactly and by Monte Carlo, and chunk gradients by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "hand_design.hpp"
#include "sgdsim/analysis/estimate.hpp"

using namespace sgdsim;
using namespace sgdsim::analysis;
using sgdsim::testing::hand_least_squares;

TEST_CASE("PL ratio of a quadratic over its sublevel set is lambda_min(A'A/N) + l2, reached along the eigenvector") {
  const Problem p = hand_least_squares(0.1);
  const Optimum opt = solve_optimum(p);
  const std::vector<double> x0 = {0.0, 0.0};
  const PointSample sample = sublevel_set_points(p, opt, x0, 4, 3);
  const double f0 = p.full_loss(x0);
  for (const auto& x : sample.points) CHECK(p.full_loss(x) <= f0 * (1 + 1e-9));
  const Estimate mu = estimate_pl_ratio(p, opt.loss, sample.points);
  CHECK(mu.value == doctest::Approx(2.0 / 4 + 0.1).epsilon(1e-8));
  CHECK(mu.sample_size > 8);
}

TEST_CASE("PL ratio of a 1-D logistic objective: the estimate matches a dense grid of its sublevel interval") {
  // F(x) = (1/N) sum log(1 + exp(-b_i a_i x)) + l2/2 x^2 with overlapping classes.
  Dataset d;
  d.rows = 6;
  d.cols = 1;
  d.dense = {2.0, 1.0, -0.5, -1.5, 0.3, -2.5};
  d.labels = {1, 1, 1, -1, -1, -1};
  const Problem p(std::move(d), kernels::Loss::LOGISTIC, 0.01, kernels::Device::REFERENCE);
  const Optimum opt = solve_optimum(p);
  const std::vector<double> x0 = {3.0};  // start away from x* on one side
  const double f0 = p.full_loss(x0);
  // Grid over [x* - 40, x* + 40], restricted to F <= F(x0).
  double grid_min = INFINITY;
  for (int i = -40000; i <= 40000; ++i) {
    const double x = opt.x[0] + i * 1e-3;
    const std::vector<double> v = {x};
    std::vector<double> g(1);
    const double f = objective(p, v, g);
    if (f > f0 || f - opt.loss < 1e-6 * (f0 - opt.loss)) continue;
    grid_min = std::min(grid_min, g[0] * g[0] / (2 * (f - opt.loss)));
  }
  const PointSample sample = sublevel_set_points(p, opt, x0, 2, 5);
  const Estimate mu = estimate_pl_ratio(p, opt.loss, sample.points);
  // A minimum over fewer points (the boundary itself is sampled exactly, between two grid points).
  CHECK(mu.value >= grid_min * (1 - 1e-3));
  CHECK(mu.value == doctest::Approx(grid_min).epsilon(0.01));  // the infimum sits on the boundary, which is sampled
}

TEST_CASE("one sample's gradient variance: exact by hand, and the Monte Carlo estimate within 4 standard errors") {
  const Problem p = hand_least_squares(0.5);  // the l2 terms cancel in the deviations
  // At x = 0 the sample gradients are -b_i a_i: (-1,-1), (-2,2), (-6,-6), (0,0): mean (-9/4, -5/4);
  // mean squared norm 82/4, squared mean norm 106/16: v = 20.5 - 6.625 = 13.875.
  const std::vector<double> x0 = {0.0, 0.0};
  CHECK(gradient_variance(p, {}, x0) == doctest::Approx(13.875));
  const Estimate mc = minibatch_variance_monte_carlo(p, {}, x0, 2, 20000, 42);
  CHECK(mc.sample_size == 20000);
  CHECK(mc.standard_error > 0);
  CHECK(std::abs(mc.value - 13.875) <= 4 * mc.standard_error);
  // Rows {0, 1} only: gradients (-1,-1), (-2,2): v = 5 - 2.5.
  const std::vector<std::int64_t> rows = {0, 1};
  CHECK(gradient_variance(p, rows, x0) == doctest::Approx(2.5));
}

TEST_CASE("chunk statistics: each chunk's mean gradient (with l2 x) and within-chunk variance by hand") {
  const Problem p = hand_least_squares(0.5);
  const std::vector<std::int64_t> first = {0, 1}, second = {2, 3};
  const std::vector<double> x = {1.0, 0.0};
  // At x = (1, 0): residuals a_i x - b_i = 0, -1, -1, 0; sample gradients (0,0), (-1,1), (-2,-2), (0,0); l2 x = (0.5, 0).
  const ChunkStatistics s = chunk_statistics(p, {first, second}, x);
  REQUIRE(s.gradients.size() == 2);
  CHECK(s.gradients[0][0] == doctest::Approx(-0.5 + 0.5));
  CHECK(s.gradients[0][1] == doctest::Approx(0.5));
  CHECK(s.gradients[1][0] == doctest::Approx(-1.0 + 0.5));
  CHECK(s.gradients[1][1] == doctest::Approx(-1.0));
  CHECK(s.variances[0] == doctest::Approx(1.0 - 0.5));  // mean |.|^2 = 1, |mean|^2 = 0.5
  CHECK(s.variances[1] == doctest::Approx(4.0 - 2.0));
}

TEST_CASE("RI-SGD's beta, G~ and rho at a point from its chunk gradients, by hand") {
  ChunkStatistics s;
  s.gradients = {{1, 0}, {0, 2}, {1, 1}, {3, 0}};  // squared norms 1, 4, 2, 9
  // Inner products of the pairs: 0, 1, 3, 2, 0, 3: the largest is 3.
  CHECK(largest_inner_product(s) == doctest::Approx(3.0));
  // q = 1: worker j holds chunk j; G~_j = min over the others: j=0 -> 2, j=1 -> 1, j=2 -> 1, j=3 -> 1.
  CHECK(g_tilde_at(s, 1, 4) == doctest::Approx(5.0));
  CHECK(g_tilde_at(s, 1, 2) == doctest::Approx(3.0));  // the first two workers only (two failed)
  // q = 2: worker j holds j, j+1: j=0 -> min(2, 9), j=1 -> min(9, 1), j=2 -> min(1, 4), j=3 -> min(4, 2).
  CHECK(g_tilde_at(s, 2, 4) == doctest::Approx(2 + 1 + 1 + 2));
  CHECK(g_tilde_at(s, 4, 4) == 0.0);  // every worker holds every chunk
  // rho = |(5, 3)|^2 / 16 = 34/16.
  CHECK(rho_at(s) == doctest::Approx(34.0 / 16));
}

TEST_CASE("sigma^2 of a design whose per-sample variance does not depend on x: a_i = +-1 gives Var(a_i b_i)") {
  // 1-D least squares with a_i in {1, -1}: grad f_i(x) = a_i (a_i x - b_i) = x - a_i b_i, so v(x) = Var(a_i b_i).
  Dataset d;
  d.rows = 4;
  d.cols = 1;
  d.dense = {1, -1, 1, -1};
  d.labels = {2, 1, -1, 3};  // a b = 2, -1, -1, -3: mean -0.75, variance (7.5625 + 0.0625 + 0.0625 + 5.0625)/4
  const Problem p(std::move(d), kernels::Loss::LEAST_SQUARES, 0.3, kernels::Device::REFERENCE);
  for (double x : {-4.0, 0.0, 2.5}) {
    const std::vector<double> point = {x};
    CHECK(gradient_variance(p, {}, point) == doctest::Approx(12.75 / 4));
  }
}
