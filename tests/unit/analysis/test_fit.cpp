// The censored shifted-exponential fit (recovery within its standard errors, unbiasedness, standard errors that
// match the spread over replications), Kaplan–Meier by hand, and the Kolmogorov distribution at its known quantiles.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_01.hpp>
#include <cmath>
#include <vector>

#include "sgdsim/analysis/fit.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;
using namespace sgdsim::analysis;

namespace {

constexpr double SHIFT = 0.3, RATE = 5.0;

// `groups` groups of `k` draws of SHIFT + Exp(RATE); in each group the first r are observed and the others censored
// at the r-th (type II censoring, what a parameter server waiting for the first r of k makes).
std::vector<Duration> draws(boost::random::mt19937_64& rng, int groups, int k, int r) {
  boost::random::exponential_distribution<double> exp(RATE);
  std::vector<Duration> out;
  for (int g = 0; g < groups; ++g) {
    std::vector<double> group(static_cast<std::size_t>(k));
    for (auto& x : group) x = SHIFT + exp(rng);
    std::sort(group.begin(), group.end());
    for (int i = 0; i < k; ++i) out.push_back(i < r ? Duration{group[i], true} : Duration{group[r - 1], false});
  }
  return out;
}

struct Spread {
  double mean = 0, sd = 0;
};
Spread spread(const std::vector<double>& v) {
  Spread s;
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  for (double x : v) s.sd += (x - s.mean) * (x - s.mean);
  s.sd = std::sqrt(s.sd / static_cast<double>(v.size() - 1));
  return s;
}

}  // namespace

TEST_CASE("a shifted exponential is recovered within three standard errors, with and without censoring") {
  boost::random::mt19937_64 rng(7);
  for (int r : {4, 3}) {
    CAPTURE(r);
    const auto sample = draws(rng, 500, 4, r);
    const auto fit = fit_shifted_exponential(sample);
    CHECK(fit.count == 2000);
    CHECK(fit.observed == 500 * r);
    CHECK(std::abs(fit.shift - SHIFT) <= 3 * fit.shift_se);
    CHECK(std::abs(fit.rate - RATE) <= 3 * fit.rate_se);
    // The standard errors are the stated formulas: scale/n for the shift, rate/sqrt(d - 1) for the rate.
    CHECK(fit.shift_se == doctest::Approx(fit.scale() / 2000));
    CHECK(fit.rate_se == doctest::Approx(fit.rate / std::sqrt(500.0 * r - 1)));
  }
}

TEST_CASE("the scale and shift are unbiased, and their standard errors match the spread over replications") {
  // 2000 small samples (5 groups of 4, first 3 observed): the MLE's scale TTT/d would be low by 1/d (about 7%),
  // many standard errors of this average.
  boost::random::mt19937_64 rng(11);
  std::vector<double> scale, shift, rate_se;
  for (int rep = 0; rep < 2000; ++rep) {
    const auto fit = fit_shifted_exponential(draws(rng, 5, 4, 3));
    scale.push_back(fit.scale());
    shift.push_back(fit.shift);
    rate_se.push_back(fit.rate_se / fit.rate);  // relative: the scale's relative standard error
  }
  const Spread s = spread(scale), a = spread(shift);
  CHECK(std::abs(s.mean - 1 / RATE) <= 3 * s.sd / std::sqrt(2000.0));
  CHECK(std::abs(a.mean - SHIFT) <= 3 * a.sd / std::sqrt(2000.0));
  // The scale is Gamma(d - 1)/(d - 1) times the truth: relative sd 1/sqrt(d - 1) = 1/sqrt(14).
  CHECK(s.sd * RATE == doctest::Approx(1 / std::sqrt(14.0)).epsilon(0.1));
  CHECK(spread(rate_se).mean == doctest::Approx(1 / std::sqrt(14.0)));
}

TEST_CASE("a fit needs two distinct observed durations") {
  const std::vector<Duration> one = {{1.0, true}, {2.0, false}};
  CHECK_THROWS_AS(fit_shifted_exponential(one), DataError);
  const std::vector<Duration> equal = {{1.0, true}, {1.0, true}};
  CHECK_THROWS_AS(fit_shifted_exponential(equal), DataError);
}

TEST_CASE("Kaplan-Meier by hand: 1, 2 (censored), 3, 4") {
  const std::vector<Duration> sample = {{3, true}, {1, true}, {4, true}, {2, false}};
  const auto km = kaplan_meier(sample);
  REQUIRE(km.size() == 3);
  // At 1: 4 at risk, S = 3/4. At 3: 2 at risk (2 was censored), S = 3/4 * 1/2. At 4: S = 0.
  CHECK(km[0].t == 1);
  CHECK(km[0].before == 0);
  CHECK(km[0].after == doctest::Approx(0.25));
  CHECK(km[1].t == 3);
  CHECK(km[1].after == doctest::Approx(0.625));
  CHECK(km[2].after == doctest::Approx(1.0));
  // Without censoring it is the empirical CDF, ties counted together.
  const std::vector<Duration> plain = {{2, true}, {1, true}, {2, true}, {5, true}};
  const auto ecdf = kaplan_meier(plain);
  REQUIRE(ecdf.size() == 3);
  CHECK(ecdf[1].t == 2);
  CHECK(ecdf[1].before == doctest::Approx(0.25));
  CHECK(ecdf[1].after == doctest::Approx(0.75));
}

TEST_CASE("the KS statistic of one value at 0.5 against U(0,1) is 0.5") {
  const std::vector<Duration> one = {{0.5, true}};
  CHECK(ks_statistic(kaplan_meier(one), [](double t) { return std::clamp(t, 0.0, 1.0); }) == doctest::Approx(0.5));
}

TEST_CASE("the Kolmogorov distribution at its tabulated quantiles, continuous where its two series meet") {
  // P(K <= x) at the 50%, 90%, 95%, 99% and 99.9% points of Kolmogorov's limit law.
  CHECK(kolmogorov_cdf(0.8276) == doctest::Approx(0.50).epsilon(2e-4));
  CHECK(kolmogorov_cdf(1.2238) == doctest::Approx(0.90).epsilon(1e-4));
  CHECK(kolmogorov_cdf(1.3581) == doctest::Approx(0.95).epsilon(1e-4));
  CHECK(kolmogorov_cdf(1.6276) == doctest::Approx(0.99).epsilon(1e-4));
  CHECK(kolmogorov_cdf(1.9495) == doctest::Approx(0.999).epsilon(1e-4));
  CHECK(kolmogorov_cdf(1 - 1e-12) == doctest::Approx(kolmogorov_cdf(1 + 1e-12)).epsilon(1e-10));
  // Far in the lower tail only the first term of the small-x series counts: √(2π)/x · e^{−π²/(8x²)}.
  const double pi = 3.141592653589793;
  CHECK(kolmogorov_cdf(0.2) == doctest::Approx(std::sqrt(2 * pi) / 0.2 * std::exp(-pi * pi / 0.32)).epsilon(1e-12));
  CHECK(kolmogorov_smirnov_pvalue(0.0, 10) == 1.0);
}

TEST_CASE("KS p-values of samples from the tested law are uniform: 5% of them below 0.05") {
  boost::random::mt19937_64 rng(3);
  boost::random::uniform_01<double> u;
  const int trials = 2000, n = 50;
  int below = 0;
  for (int trial = 0; trial < trials; ++trial) {
    std::vector<Duration> sample;
    for (int i = 0; i < n; ++i) sample.push_back({u(rng), true});
    const double d = ks_statistic(kaplan_meier(sample), [](double t) { return t; });
    if (kolmogorov_smirnov_pvalue(d, n) < 0.05) ++below;
  }
  // Binomial(2000, 0.05): sd 0.0049; Stephens' correction keeps the level within about 1% of it.
  CHECK(std::abs(below / double(trials) - 0.05) <= 3 * 0.0049);
}
