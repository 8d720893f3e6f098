// The straggler model: sample mean and variance of task times against the closed forms; stream independence.
#include <doctest/doctest.h>

#include <cmath>

#include "sgdsim/core/comm/straggler.hpp"

using namespace sgdsim;

namespace {

ComputeSpec spec(double s, double rate, double delay_mean) {
  ComputeSpec c;
  c.seconds_per_pass = s;
  if (rate > 0) c.straggling_rate = rate;
  if (delay_mean > 0) c.delay_mean = delay_mean;
  return c;
}

// Draws n tasks and checks mean and variance against l(s + 1/λ) + m and (l/λ)² + m², within 5 standard errors
// (the variance's standard error from the fourth moment of an exponential: Var(X²-ish) ≈ 8σ⁴/n for one exponential
// part, so 5·sqrt(8/n)·σ² is a generous bound for the sum).
void check_moments(const ComputeSpec& c, double load, double mean, double variance) {
  StragglerModel model(c, 5, 0, 3);
  CHECK(model.mean(load) == doctest::Approx(mean).epsilon(1e-15));
  CHECK(model.variance(load) == doctest::Approx(variance).epsilon(1e-15));
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double t = model.draw(load).total();
    sum += t;
    sum2 += t * t;
  }
  const double m = sum / n, v = sum2 / n - m * m;
  CHECK(std::abs(m - mean) <= 5 * std::sqrt(variance / n));
  CHECK(std::abs(v - variance) <= 5 * std::sqrt(8.0 / n) * variance);
}

}  // namespace

TEST_CASE("shifted exponential l(s + X): mean l(s + 1/lambda), variance (l/lambda)^2") {
  check_moments(spec(2.0, 4.0, 0), 0.25, 0.25 * (2.0 + 0.25), std::pow(0.25 / 4.0, 2));
}

TEST_CASE("additive delay l s + D: mean l s + m, variance m^2") {
  check_moments(spec(1.0, 0, 2.0), 0.1, 0.1 + 2.0, 4.0);
}

TEST_CASE("both parts add: mean l(s + 1/lambda) + m, variance (l/lambda)^2 + m^2") {
  check_moments(spec(1.0, 2.0, 0.5), 0.5, 0.5 * 1.5 + 0.5, 0.0625 + 0.25);
}

TEST_CASE("no straggling: every task takes exactly l s, times the worker's slowdown") {
  ComputeSpec c = spec(3.0, 0, 0);
  c.slowdown[2] = 4.0;
  StragglerModel normal(c, 1, 0, 1), slow(c, 1, 0, 2);
  CHECK(normal.draw(0.5).total() == 1.5);
  CHECK(slow.draw(0.5).total() == 6.0);
}

TEST_CASE("workers and repetitions draw from different streams and the same key repeats") {
  const ComputeSpec c = spec(1.0, 1.0, 0);
  StragglerModel a(c, 9, 0, 0), b(c, 9, 0, 1), r(c, 9, 1, 0), again(c, 9, 0, 0);
  const double first = a.draw(1.0).total();
  CHECK(first != b.draw(1.0).total());
  CHECK(first != r.draw(1.0).total());
  CHECK(first == again.draw(1.0).total());
}
