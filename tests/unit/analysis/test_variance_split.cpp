// The split of the mini-batch gradient variance into (C1, sigma^2), E||g~ - g||^2 <= C1 ||g||^2 + sigma^2/B, on
// problems where it is known in closed form: every per-sample gradient vanishing at one x* (sigma^2 = 0, C1 the
// relative spread of a_i^2), and per-sample deviations that do not depend on x (C1 = 0).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "hand_design.hpp"
#include "sgdsim/analysis/estimate.hpp"

using namespace sgdsim;
using namespace sgdsim::analysis;

namespace {

// 1-D least squares f_i(x) = 1/2 (a_i x - b_i)^2 + l2/2 x^2 (l2 shifts every per-sample gradient alike).
Problem scalar_least_squares(const std::vector<double>& a, const std::vector<double>& b, double l2) {
  Dataset d;
  d.rows = static_cast<std::int64_t>(a.size());
  d.cols = 1;
  d.dense = a;
  d.labels = b;
  return Problem(std::move(d), kernels::Loss::LEAST_SQUARES, l2, kernels::Device::REFERENCE);
}

struct AtPoints {
  std::vector<double> v, s;
};

// One sample's variance v(x) and ||grad F(x)||^2 at each point.
AtPoints at_points(const Problem& p, const std::vector<double>& xs) {
  AtPoints out;
  for (double x : xs) {
    const std::vector<double> point = {x};
    std::vector<double> g(1);
    objective(p, point, g);
    out.v.push_back(gradient_variance(p, {}, point));
    out.s.push_back(g[0] * g[0]);
  }
  return out;
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

}  // namespace

TEST_CASE("b_i = c a_i: every sample's gradient vanishes at x* = c, C1 = Var(a^2)/(B mean(a^2)^2), sigma^2 = 0") {
  // grad f_i(x) = a_i (a_i x - b_i) = a_i^2 (x - c), grad F = mean(a^2)(x - c), so one sample's variance is
  // v(x) = Var(a^2)(x - c)^2 = Var(a^2)/mean(a^2)^2 ||grad F||^2. Mini-batches of B rows drawn with replacement (the
  // samplers' rule: core/data/assignment.hpp) have E||g~ - g||^2 = v/B, no finite-population factor.
  const std::vector<double> a = {1, 2, 3, 0.5, 1.5};
  std::vector<double> a2, b;
  for (double x : a) a2.push_back(x * x), b.push_back(2 * x);
  double var = 0;
  for (double x : a2) var += (x - mean(a2)) * (x - mean(a2));
  var /= static_cast<double>(a2.size());
  const Problem p = scalar_least_squares(a, b, 0.0);
  const AtPoints at = at_points(p, {-3, -1, 0, 1.5, 2, 2.5, 4, 7});
  for (std::size_t k = 0; k < at.v.size(); ++k)
    CHECK(at.v[k] == doctest::Approx(var / (mean(a2) * mean(a2)) * at.s[k]).epsilon(1e-12));
  for (int batch : {1, 4, 16}) {
    CAPTURE(batch);
    const VarianceSplit split = split_variance(at.v, std::vector<double>(at.v.size(), 0.0), at.s, batch);
    CHECK(split.c1.value == doctest::Approx(var / (batch * mean(a2) * mean(a2))).epsilon(1e-12));
    CHECK(split.sigma2.value <= 1e-12 * *std::max_element(at.v.begin(), at.v.end()));
    CHECK(split.c1.standard_error == 0);
    CHECK(split.c1.sample_size == 8);
  }
}

TEST_CASE("a_i all equal: the per-sample deviations do not depend on x, C1 = 0 and sigma^2 = a^2 Var(b)") {
  // grad f_i(x) - grad F(x) = -a (b_i - mean b) at every x (the l2 term cancels).
  const std::vector<double> b = {1, -2, 0.5, 3};
  double var = 0;
  for (double x : b) var += (x - mean(b)) * (x - mean(b));
  var /= static_cast<double>(b.size());
  const Problem p = scalar_least_squares({1.5, 1.5, 1.5, 1.5}, b, 0.2);
  const AtPoints at = at_points(p, {-3, -1, 0, 0.3, 1.5, 4});
  const VarianceSplit split = split_variance(at.v, std::vector<double>(at.v.size(), 0.0), at.s, 8);
  CHECK(split.c1.value == 0);
  CHECK(split.sigma2.value == doctest::Approx(2.25 * var).epsilon(1e-12));
}

TEST_CASE("the split is valid at every point and no looser on average than the bounded-variance form (C1 = 0)") {
  const Problem p = sgdsim::testing::hand_least_squares(0.1);
  AtPoints at;
  for (const std::vector<double>& x : std::vector<std::vector<double>>{
           {0, 0}, {1.7, -0.3}, {3, 1}, {-2, 0.5}, {0.5, 4}, {1, 1}, {2, -2}, {10, 3}}) {
    std::vector<double> g(2);
    objective(p, x, g);
    at.v.push_back(gradient_variance(p, {}, x));
    at.s.push_back(g[0] * g[0] + g[1] * g[1]);
  }
  const int batch = 3;
  const VarianceSplit split = split_variance(at.v, std::vector<double>(at.v.size(), 0.0), at.s, batch);
  CHECK(split.c1.value > 0);  // v grows away from x*: part of it is relative
  double slack = 0, flat = 0;
  const double max_v = *std::max_element(at.v.begin(), at.v.end());
  for (std::size_t k = 0; k < at.v.size(); ++k) {
    const double bound = split.c1.value * at.s[k] + split.sigma2.value / batch;
    CHECK(at.v[k] / batch <= bound * (1 + 1e-12));
    slack += bound - at.v[k] / batch;
    flat += max_v / batch - at.v[k] / batch;
  }
  CHECK(slack <= flat);
  // Standard errors carried from the points that decide the pair: 1 on each gives a positive one.
  const VarianceSplit noisy = split_variance(at.v, std::vector<double>(at.v.size(), 1.0), at.s, batch);
  CHECK(noisy.c1.value == split.c1.value);
  CHECK(noisy.c1.standard_error > 0);
  CHECK(noisy.sigma2.standard_error > 0);
}
