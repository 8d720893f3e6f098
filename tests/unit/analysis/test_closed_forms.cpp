// Closed forms: harmonic numbers, exponential order statistics (hand cases and Monte Carlo), iteration and network
// times.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <cmath>
#include <functional>
#include <vector>

#include "sgdsim/analysis/closed_forms.hpp"
#include "sgdsim/core/algorithms/cooperative/params.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;
using namespace sgdsim::analysis;

namespace {

// Sample mean and variance of `draws` draws of a random time.
Moments monte_carlo(const std::function<double(boost::random::mt19937_64&)>& draw, int draws) {
  boost::random::mt19937_64 rng(20190609);
  double sum = 0, sum2 = 0;
  for (int i = 0; i < draws; ++i) {
    const double x = draw(rng);
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / draws;
  return {mean, (sum2 - draws * mean * mean) / (draws - 1)};
}

// Checks a Monte Carlo estimate against the closed form within 5 standard errors. The standard error of the sample
// mean is σ/√n; that of the sample variance is √((μ4 − σ⁴)/n) ≤ √(8/n)·σ² for these laws (sums of independent
// exponentials have kurtosis at most 9, the exponential's).
void check_against(const Moments& closed, const Moments& mc, int draws) {
  CHECK(std::abs(mc.mean - closed.mean) <= 5.0 * std::sqrt(closed.variance / draws));
  CHECK(std::abs(mc.variance - closed.variance) <= 5.0 * std::sqrt(8.0 / draws) * closed.variance);
}

}  // namespace

TEST_CASE("harmonic numbers: H_0 = 0, H_1 = 1, H_4 = 25/12, and the sums of inverse squares") {
  CHECK(harmonic(0) == 0.0);
  CHECK(harmonic(1) == 1.0);
  CHECK(harmonic(4) == doctest::Approx(25.0 / 12.0).epsilon(1e-15));
  CHECK(harmonic_squares(3) == doctest::Approx(49.0 / 36.0).epsilon(1e-15));
  // H_m − ln m → Euler–Mascheroni γ, with error ≈ 1/(2m).
  CHECK(harmonic(1000000) - std::log(1e6) == doctest::Approx(0.5772156649 + 0.5e-6).epsilon(1e-9));
}

TEST_CASE("order statistics of exponentials match hand-computed small cases") {
  const double lambda = 2.0;
  const Moments max2 = exp_order_statistic(2, 2, lambda);  // E[max of 2] = 1.5/λ, Var = (1 + 1/4)/λ²
  CHECK(max2.mean == doctest::Approx(1.5 / lambda));
  CHECK(max2.variance == doctest::Approx(1.25 / (lambda * lambda)));
  const Moments min2 = exp_order_statistic(2, 1, lambda);  // the min of 2 is Exp(2λ)
  CHECK(min2.mean == doctest::Approx(0.5 / lambda));
  CHECK(min2.variance == doctest::Approx(0.25 / (lambda * lambda)));
  const Moments second_of_3 = exp_order_statistic(3, 2, 1.0);  // 1/3 + 1/2, 1/9 + 1/4
  CHECK(second_of_3.mean == doctest::Approx(5.0 / 6.0));
  CHECK(second_of_3.variance == doctest::Approx(13.0 / 36.0));
  const Moments none = exp_order_statistic(5, 5, std::numeric_limits<double>::infinity());
  CHECK(none.mean == 0.0);
  CHECK(none.variance == 0.0);
  CHECK_THROWS_AS(exp_order_statistic(3, 4, 1.0), ConfigError);
  CHECK_THROWS_AS(exp_order_statistic(3, 2, 0.0), ConfigError);
}

TEST_CASE("order statistic and max-of-group-minima closed forms agree with Monte Carlo within 5 standard errors") {
  constexpr int DRAWS = 40000;
  SUBCASE("7th smallest of 10 Exp(2)") {
    const Moments mc = monte_carlo(
        [](boost::random::mt19937_64& rng) {
          boost::random::exponential_distribution<double> exp(2.0);
          std::vector<double> x(10);
          for (auto& v : x) v = exp(rng);
          std::nth_element(x.begin(), x.begin() + 6, x.end());
          return x[6];
        },
        DRAWS);
    check_against(exp_order_statistic(10, 7, 2.0), mc, DRAWS);
  }
  SUBCASE("EGC: max over 4 groups of the min over 3 Exp(0.5)") {
    const Moments mc = monte_carlo(
        [](boost::random::mt19937_64& rng) {
          boost::random::exponential_distribution<double> exp(0.5);
          double worst = 0;
          for (int g = 0; g < 4; ++g) worst = std::max(worst, std::min({exp(rng), exp(rng), exp(rng)}));
          return worst;
        },
        DRAWS);
    check_against(exp_max_of_group_minima(4, 3, 0.5), mc, DRAWS);
  }
}

TEST_CASE("iteration times of uncoded, EGC, AGC, ignore-stragglers and sync SGD match hand-computed values") {
  // uncoded, k = 2, s = 1, λ = 1: (1/2)(1 + 3/2); variance (1/2)²(1 + 1/4).
  CHECK(uncoded_time(2, 1.0, 1.0).mean == doctest::Approx(1.25));
  CHECK(uncoded_time(2, 1.0, 1.0).variance == doctest::Approx(0.3125));
  // egc, k = 4, c = 2: (2/4)(1 + H_2/2) = 0.875; variance (1/2)² (1 + 1/4)/2².
  CHECK(egc_time(4, 2, 1.0, 1.0).mean == doctest::Approx(0.875));
  CHECK(egc_time(4, 2, 1.0, 1.0).variance == doctest::Approx(0.078125));
  // agc, k = 4, c = 2, r = 2: (1/2)(1 + 1/4 + 1/3) = 19/24; variance (1/4)(1/16 + 1/9) = 25/576.
  CHECK(agc_time(4, 2, 2, 1.0, 1.0).mean == doctest::Approx(19.0 / 24.0));
  CHECK(agc_time(4, 2, 2, 1.0, 1.0).variance == doctest::Approx(25.0 / 576.0));
  // ignore stragglers, k = 4, r = 2, s = 2: (1/4)(2 + 7/12) = 31/48.
  CHECK(ignore_stragglers_time(4, 2, 2.0, 1.0).mean == doctest::Approx(31.0 / 48.0));
  // sync SGD, k = 2, load 0.1: 0.1 (1 + 3/2).
  CHECK(sync_sgd_time(2, 0.1, 1.0, 1.0).mean == doctest::Approx(0.25));
  // Additive delay: task ℓ s + D, D ~ Exp(mean 2), ℓ = 1/2: max of 2 → 1/2 + 1.5·2.
  CHECK(wait_all_iteration(2, delayed_task(0.5, 1.0, 2.0)).mean == doctest::Approx(3.5));
  CHECK(wait_all_iteration(2, delayed_task(0.5, 1.0, 2.0)).variance == doctest::Approx(1.25 * 4.0));
  CHECK(wait_all_iteration(3, deterministic_task(0.5, 4.0)).mean == doctest::Approx(2.0));
  CHECK_THROWS_AS(egc_time(5, 2, 1.0, 1.0), ConfigError);  // c must divide k
}

TEST_CASE("ring all-reduce and star transfers follow the CM02 formulas") {
  CHECK(ring_allreduce_time(4, 4e6, 1e9, 1e-5) == doctest::Approx(6.0 * (1e-5 + 1e-3)));
  CHECK(ring_allreduce_time(1, 4e6, 1e9, 1e-5) == 0.0);
  // 10 flows of 1 MB through a 1 Gbps PS link, 50 µs per link: 2·50 µs + 10·1e6/1.25e8.
  CHECK(star_concurrent_transfer_time(10, 1e6, 1.25e8, 50e-6) == doctest::Approx(1e-4 + 0.08));
  Cm02Options cross;
  cross.crosstraffic = true;  // back-route traffic weighs 5% on the same shared links
  CHECK(star_concurrent_transfer_time(10, 1e6, 1.25e8, 50e-6, cross) == doctest::Approx(1e-4 + 0.084));
  // TCP-gamma binds on a fast link with a long route: ρ = γ/(2·2·lat).
  CHECK(star_concurrent_transfer_time(1, 1e6, 1e10, 1e-3) == doctest::Approx(2e-3 + 1e6 / (4194304.0 / 4e-3)));
  CHECK(star_broadcast_gather_time(10, 1e6, 1.25e8, 50e-6) == doctest::Approx(2.0 * (1e-4 + 0.08)));
}

TEST_CASE("the scenario's compute spec selects the multiplicative, additive or no closed form") {
  Scenario s;
  s.cluster.workers = 4;
  s.cluster.compute.seconds_per_pass = 1.0;
  s.algorithm = algorithm_spec("agc", CodingParams::agc(4, 2, 2));
  s.cluster.compute.straggling_rate = 1.0;
  CHECK(scenario_iteration_time(s, 100).time->mean == doctest::Approx(19.0 / 24.0));
  s.cluster.compute.straggling_rate.reset();
  s.cluster.compute.delay_mean = 2.0;  // ℓ s + D: 1/2 + (H_4 − H_2)·2
  CHECK(scenario_iteration_time(s, 100).time->mean == doctest::Approx(0.5 + 7.0 / 6.0));
  s.cluster.compute.straggling_rate = 1.0;  // both: no closed form
  CHECK_FALSE(scenario_iteration_time(s, 100).time.has_value());
  s.cluster.compute.straggling_rate.reset();
  s.cluster.compute.slowdown[1] = 3.0;
  CHECK_FALSE(scenario_iteration_time(s, 100).time.has_value());
  s.cluster.compute.slowdown.clear();
  s.cluster.compute.delay_mean.reset();
  s.cluster.compute.straggling_rate = 1.0;
  CooperativeParams sync_params;
  sync_params.average_gradients = true;
  sync_params.batch_size = 10;  // ℓ = 10/100, all 4 waited for: 0.1 (1 + H_4)
  s.algorithm = algorithm_spec("sync_sgd", sync_params);
  CHECK(scenario_iteration_time(s, 100).time->mean == doctest::Approx(0.1 * (1.0 + 25.0 / 12.0)));
}
