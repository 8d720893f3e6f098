// Theorems 1 and 2 of the AGC paper: hand-computed values and each violated assumption.
#include <doctest/doctest.h>

#include <cmath>

#include "sgdsim/analysis/agc_bounds.hpp"

using namespace sgdsim::analysis;

namespace {

Theorem1Input theorem1_case() {
  Theorem1Input in;
  in.n = 4;
  in.c = 2;
  in.r = 2;
  in.beta = 2.0;
  in.mu = 1.0;
  in.sigma2 = 1.0;
  in.delta0 = 1.0;
  in.iterations = 2;
  in.step_size = 0.5;
  return in;
}

Theorem2Input theorem2_case() {
  Theorem2Input in;
  in.n = 4;
  in.r = 2;
  in.lambda = 0.5;  // c = 2
  in.seconds_per_pass = 1.0;
  in.beta = 2.0;
  in.mu = 1.0;  // κ = 1/2
  in.sigma2 = 0.0;
  in.delta0 = 4.0;
  in.epsilon = 1.0;
  return in;
}

}  // namespace

TEST_CASE("Theorem 1 gives (1 - (1 - e^{-cr/n}) mu/beta)^T Delta_0 + 2c e^{-cr/n} sigma^2/(mu n) by hand") {
  const Bound b = agc_theorem1(theorem1_case());
  // cr/n = 1: contraction 1 − (1 − e⁻¹)/2 = (1 + e⁻¹)/2; floor 2·2·e⁻¹·1/(1·4) = e⁻¹.
  const double e = std::exp(-1.0);
  CHECK(b.applies);
  CHECK(b.condition.empty());
  CHECK(b.value == doctest::Approx((1 + e) / 2 * (1 + e) / 2 + e).epsilon(1e-14));
  CHECK(agc_theorem1_floor(theorem1_case()) == doctest::Approx(e));
  Theorem1Input no_step = theorem1_case();
  no_step.step_size.reset();  // taken as 1/β
  CHECK(agc_theorem1(no_step).applies);
}

TEST_CASE("Theorem 1 names the violated condition: c >= n ln2/r, step 1/beta, beta >= mu > 0") {
  Theorem1Input in = theorem1_case();
  in.c = 1;  // n ln 2 / r = 1.386 > 1
  Bound b = agc_theorem1(in);
  CHECK_FALSE(b.applies);
  CHECK(b.condition.find("ln(2)") != std::string::npos);
  CHECK(std::isfinite(b.value));  // the formula's number is still reported

  in = theorem1_case();
  in.step_size = 0.3;
  b = agc_theorem1(in);
  CHECK_FALSE(b.applies);
  CHECK(b.condition.find("step size") != std::string::npos);

  in = theorem1_case();
  in.mu = 3.0;
  CHECK(agc_theorem1(in).condition.find("beta >= mu") != std::string::npos);
  in.mu = 0.0;
  CHECK(agc_theorem1(in).condition.find("mu > 0") != std::string::npos);
  CHECK(std::isnan(agc_theorem1(in).value));
}

TEST_CASE("Theorem 2 expected times match the paper's formulas by hand") {
  const Theorem2Bounds b = agc_theorem2(theorem2_case());
  REQUIRE(b.uncoded.applies);
  REQUIRE(b.egc.applies);
  REQUIRE(b.agc.applies);
  CHECK(b.c == doctest::Approx(2.0));
  // log(Δ0/ε)/log(1/(1−κ)) = log 4 / log 2 = 2 iterations.
  CHECK(b.uncoded.value == doctest::Approx(2.0 * (2.0 * std::log(4.0) + 2.0 + 1.0) / 4.0));
  CHECK(b.egc.value == doctest::Approx(2.0 * (2.0 * std::log(2.0) + 2.0 + 1.0) / 4.0));
  // η = 1 − e^{−cr/n} = 1 − e⁻¹, δ = 1/2.
  const double eta = 1.0 - std::exp(-1.0);
  const double iterations = std::log(12.0) / std::log(1.0 / (1.0 - eta * 0.5));
  CHECK(b.agc.value == doctest::Approx(iterations * (4.0 * std::log(2.0) + 4.0 + 2.0) / 4.0));
  // The shift s rescales time: s = 2 with λ = 1/4 is the same c, and every time doubles.
  Theorem2Input scaled = theorem2_case();
  scaled.seconds_per_pass = 2.0;
  scaled.lambda = 0.25;
  const Theorem2Bounds b2 = agc_theorem2(scaled);
  CHECK(b2.agc.value == doctest::Approx(2.0 * b.agc.value));
  CHECK(b2.uncoded.value == doctest::Approx(2.0 * b.uncoded.value));
}

TEST_CASE("Theorem 2 reports violated assumptions: integer c = 1/lambda, delta < 1, epsilon floor, c | n") {
  Theorem2Input in = theorem2_case();
  in.lambda = 0.4;  // c = 2.5
  CHECK(agc_theorem2(in).agc.condition.find("positive integer") != std::string::npos);

  in = theorem2_case();
  in.r = 4;  // δ = 1
  CHECK_FALSE(agc_theorem2(in).uncoded.applies);

  in = theorem2_case();
  in.sigma2 = 10.0;  // ε_min = 3·2·e⁻¹·10/4 ≈ 5.52 > 1
  Theorem2Bounds b = agc_theorem2(in);
  CHECK(b.epsilon_min == doctest::Approx(15.0 * std::exp(-1.0)));
  CHECK(b.agc.condition.find("epsilon") != std::string::npos);

  in = theorem2_case();
  in.n = 5;
  in.r = 2;  // c = 2 does not divide 5: the codes are not defined, uncoded still is
  b = agc_theorem2(in);
  CHECK(b.uncoded.applies);
  CHECK_FALSE(b.egc.applies);
  CHECK(b.egc.condition.find("divide") != std::string::npos);
}
