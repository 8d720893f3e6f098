// The CDF of the order-statistic law of an iteration: hand cases, its mean by numerical integration against the
// closed-form moments, and Monte Carlo draws.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "sgdsim/analysis/closed_forms.hpp"

using namespace sgdsim::analysis;

namespace {

// ∫ (1 − F(t)) dt from 0 to where 1 − F < 1e-16 (the mean of a non-negative variable), composite Simpson.
double integrated_mean(const OrderStatisticLaw& law) {
  const double hi = law.shift + 50.0 / law.rate;
  const int steps = 200000;
  const double h = hi / steps;
  double sum = 0;
  for (int i = 0; i <= steps; ++i) {
    const double w = i == 0 || i == steps ? 1 : (i % 2 == 1 ? 4 : 2);
    sum += w * (1 - law.cdf(i * h));
  }
  return sum * h / 3;
}

}  // namespace

TEST_CASE("order-statistic CDF by hand: one draw, the max of two, a deterministic law") {
  const OrderStatisticLaw one{0.5, 2.0, 1, 1};
  CHECK(one.cdf(0.4) == 0);
  CHECK(one.cdf(1.0) == doctest::Approx(1 - std::exp(-1.0)));
  const OrderStatisticLaw max2{0.0, 1.0, 2, 2};
  CHECK(max2.cdf(1.0) == doctest::Approx(std::pow(1 - std::exp(-1.0), 2)));
  const OrderStatisticLaw min2{0.0, 1.0, 2, 1};  // the min of two Exp(1) is Exp(2)
  CHECK(min2.cdf(0.7) == doctest::Approx(1 - std::exp(-1.4)));
  const OrderStatisticLaw fixed{0.25, std::numeric_limits<double>::infinity(), 4, 3};
  CHECK(fixed.cdf(0.2499) == 0);
  CHECK(fixed.cdf(0.25) == 1);
}

TEST_CASE("the mean of the CDF, integrated numerically, is the closed-form mean") {
  for (const auto& law : {first_r_law(30, 11, {0.1, 4.0}), wait_all_law(16, {0.05, 0.5}), egc_law(30, 3, {0.2, 1.0}),
                          first_r_law(4, 3, {0.1, 20.0})}) {
    CAPTURE(law.n);
    CAPTURE(law.r);
    CHECK(integrated_mean(law) == doctest::Approx(law.moments().mean).epsilon(1e-7));
  }
}

TEST_CASE("the CDF matches Monte Carlo draws of the r-th of k and of EGC's max of group minima") {
  boost::random::mt19937_64 rng(5);
  const int draws = 20000;
  const TaskLaw task{0.1, 3.0};
  const auto agc = first_r_law(12, 8, task);
  const auto egc = egc_law(12, 3, task);
  std::vector<double> agc_draws, egc_draws;
  boost::random::exponential_distribution<double> exp(task.rate);
  for (int i = 0; i < draws; ++i) {
    std::vector<double> t(12);
    for (auto& x : t) x = task.shift + exp(rng);
    std::vector<double> sorted = t;
    std::sort(sorted.begin(), sorted.end());
    agc_draws.push_back(sorted[7]);
    double worst_group = 0;
    for (int g = 0; g < 4; ++g)
      worst_group = std::max(worst_group, *std::min_element(t.begin() + 3 * g, t.begin() + 3 * g + 3));
    egc_draws.push_back(worst_group);
  }
  for (double q : {0.2, 0.5, 0.8}) {
    for (const auto& [law, sample] : {std::pair{agc, &agc_draws}, std::pair{egc, &egc_draws}}) {
      std::vector<double> s = *sample;
      std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(q * draws), s.end());
      const double t = s[static_cast<std::size_t>(q * draws)];  // the empirical q-quantile
      // The fraction of draws at or below t has standard deviation sqrt(q(1 − q)/draws) <= 0.0036.
      CHECK(std::abs(law.cdf(t) - q) <= 4 * std::sqrt(q * (1 - q) / draws));
    }
  }
}
