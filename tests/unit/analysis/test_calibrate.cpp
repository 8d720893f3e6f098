// Calibration of the compute model: task durations from run records by hand; the model's parameters and a persistent
// straggler's slowdown recovered from tasks a parameter server waiting for the first r of k would have recorded.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <cmath>
#include <numeric>
#include <vector>

#include "sgdsim/analysis/calibrate.hpp"

using namespace sgdsim;
using namespace sgdsim::analysis;

namespace {

// `iterations` iterations of k workers; worker w's task of load ℓ takes slow[w]·ℓ·(s + X) (STRAGGLING) or
// slow[w]·ℓ·s + D (DELAY); the first r of each iteration are observed, the others censored at the r-th.
std::vector<TaskDuration> tasks(ComputeForm form, double load, double s, double rate_or_mean,
                                const std::vector<double>& slow, int iterations, int r) {
  boost::random::mt19937_64 rng(17);
  boost::random::exponential_distribution<double> exp(1.0);
  const int k = static_cast<int>(slow.size());
  std::vector<TaskDuration> out;
  for (int t = 0; t < iterations; ++t) {
    std::vector<double> time(static_cast<std::size_t>(k));
    for (int w = 0; w < k; ++w) {
      const double x = exp(rng);
      time[w] = form == ComputeForm::STRAGGLING ? slow[w] * load * (s + x / rate_or_mean)
                                                : slow[w] * load * s + rate_or_mean * x;
    }
    std::vector<int> order(static_cast<std::size_t>(k));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return time[a] < time[b]; });
    const double cut = time[order[r - 1]];
    for (int w = 0; w < k; ++w) out.push_back({w, time[w] <= cut ? Duration{time[w], true} : Duration{cut, false}});
  }
  return out;
}

}  // namespace

TEST_CASE("task durations: arrival - start when the result arrived, else censored at the iteration's end") {
  WorkerRecord arrived, late, missing;
  arrived.iteration = late.iteration = 1;
  arrived.start = 0.1;
  arrived.arrival = 0.5;
  late.worker = 1;
  late.start = 0.2;       // no arrival: censored at 0.6 − 0.2
  missing.iteration = 7;  // its iteration is not in the trace: skipped
  IterationRecord end;
  end.iteration = 1;
  end.time = 0.6;
  const auto d = task_durations({arrived, late, missing}, {end});
  REQUIRE(d.size() == 2);
  CHECK(d[0].duration.observed);
  CHECK(d[0].duration.value == doctest::Approx(0.4));
  CHECK_FALSE(d[1].duration.observed);
  CHECK(d[1].worker == 1);
  CHECK(d[1].duration.value == doctest::Approx(0.4));
}

namespace {

// 8 workers of the straggling model (load 1/4, s = 2, λ = 4), worker 3 `factor` times slower, the first `awaited` of
// each iteration observed: calibrated, with s and λ checked against the truth within 3 standard errors.
constexpr double LOAD = 0.25, S = 2.0, LAMBDA = 4.0;
Calibration slow_worker_calibrated(double factor, int iterations, int awaited) {
  std::vector<double> slow(8, 1.0);
  slow[3] = factor;
  const auto c = calibrate_compute(tasks(ComputeForm::STRAGGLING, LOAD, S, LAMBDA, slow, iterations, awaited), LOAD,
                                   ComputeForm::STRAGGLING, true);
  CHECK(std::abs(c.seconds_per_pass - S) <= 3 * c.seconds_per_pass_se);
  CHECK(std::abs(c.rate - LAMBDA) <= 3 * c.rate_se);
  return c;
}

}  // namespace

TEST_CASE("straggling model with a 1.5x slower worker, all awaited: s, lambda and the slowdown recovered") {
  const auto c = slow_worker_calibrated(1.5, 300, 8);
  REQUIRE(c.slowdown.size() == 1);
  REQUIRE(c.slowdown.count(3) == 1);
  CHECK(std::abs(c.slowdown.at(3) - 1.5) <= 3 * c.workers[3].slowdown_se);
  CHECK(c.ks_pvalue > 0.01);
  // Fitting no slowdown leaves the slow worker in the pool: the fit is visibly worse.
  std::vector<double> slow(8, 1.0);
  slow[3] = 1.5;
  const auto alike = calibrate_compute(tasks(ComputeForm::STRAGGLING, LOAD, S, LAMBDA, slow, 300, 8), LOAD,
                                       ComputeForm::STRAGGLING, false);
  CHECK(alike.slowdown.empty());
  CHECK(alike.ks_statistic > 2 * c.ks_statistic);
}

TEST_CASE("a 2.5x slower worker never awaited (6 of 8): left out of the fit, its slowdown bounded from below") {
  const auto c = slow_worker_calibrated(2.5, 600, 6);
  REQUIRE(c.workers[3].observed == 0);
  CHECK(c.workers[3].lower_bound);
  REQUIRE(c.slowdown.size() == 1);
  REQUIRE(c.slowdown.count(3) == 1);
  // Its tasks are censored at the 6th of the 7 others, mean ℓ(s + (H_7 − H_1)/λ), against a normal task's ℓ(s + 1/λ):
  // (2 + 1.5929/4)/(2 + 1/4) = 1.0659.
  CHECK(c.slowdown.at(3) == doctest::Approx(1.0659).epsilon(0.01));
}

TEST_CASE("delay model with identical workers: s and the delay mean recovered, no slowdown kept") {
  const double load = 0.5, s = 0.2, mean = 0.05;
  const auto t = tasks(ComputeForm::DELAY, load, s, mean, std::vector<double>(4, 1.0), 500, 4);
  const auto c = calibrate_compute(t, load, ComputeForm::DELAY, true);
  CHECK(std::abs(c.seconds_per_pass - s) <= 3 * c.seconds_per_pass_se);
  CHECK(std::abs(c.delay_mean - mean) <= 3 * c.delay_mean_se);
  CHECK(c.slowdown.empty());
  CHECK(std::isnan(c.rate));
  // QQ points lie near the diagonal for a correct model: within 15% over the central 90%.
  for (const auto& [fitted, observed] : c.qq)
    if (fitted < c.pooled.quantile(0.9)) CHECK(observed == doctest::Approx(fitted).epsilon(0.15));
}
