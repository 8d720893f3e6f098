// Theorems 1 and 2 of the AGC paper: hand-computed values, each condition, and Theorem 2's expression as printed
// against the corrected one.
#include <doctest/doctest.h>

#include <cmath>

#include "sgdsim/analysis/agc_bounds.hpp"
#include "sgdsim/analysis/closed_forms.hpp"

using namespace sgdsim::analysis;

namespace {

AgcTheorem1Input theorem1_case() {
  AgcTheorem1Input in;
  in.n = 4;
  in.c = 2;
  in.r = 2;
  in.beta = 2.0;
  in.mu = 1.0;
  in.sigma2 = 1.0;
  in.delta0 = 1.0;
  in.iterations = 2;
  return in;
}

AgcTheorem2Input theorem2_case() {
  AgcTheorem2Input in;
  in.n = 4;
  in.r = 2;
  in.lambda = 0.5;  // c = 2
  in.seconds_per_pass = 1.0;
  in.beta = 2.0;
  in.mu = 1.0;  // kappa = 1/2
  in.sigma2 = 0.0;
  in.delta0 = 4.0;
  in.epsilon = 1.0;
  return in;
}

// The first failing condition's statement, "" when all hold.
std::string failing(const std::vector<Condition>& conditions) {
  for (const auto& c : conditions) {
    if (c.status == Condition::Status::FAILS) return c.statement;
  }
  return "";
}

}  // namespace

TEST_CASE("Theorem 1 gives (1 - (1 - e^{-cr/n}) mu/beta)^T Delta_0 + 2c e^{-cr/n} sigma^2/(mu n) by hand") {
  const AgcTheorem1 b = agc_theorem1(theorem1_case());
  // cr/n = 1: contraction 1 - (1 - e^-1)/2 = (1 + e^-1)/2; floor 2·2·e^-1·1/(1·4) = e^-1.
  const double e = std::exp(-1.0);
  CHECK(failing(b.conditions).empty());
  CHECK(b.bound == doctest::Approx((1 + e) / 2 * (1 + e) / 2 + e).epsilon(1e-14));
  CHECK(b.floor == doctest::Approx(e));
}

TEST_CASE("Theorem 1 names the failing condition: c >= n ln2/r, beta >= mu > 0, c | n") {
  AgcTheorem1Input in = theorem1_case();
  in.c = 1;  // n ln 2 / r = 1.386 > 1
  AgcTheorem1 b = agc_theorem1(in);
  CHECK(failing(b.conditions) == "c >= n ln(2)/r");
  CHECK(std::isfinite(b.bound));  // the formula's number is still reported
  in = theorem1_case();
  in.mu = 3.0;
  CHECK(failing(agc_theorem1(in).conditions) == "beta >= mu > 0");
  in.mu = 0.0;
  CHECK(std::isnan(agc_theorem1(in).bound));
  in = theorem1_case();
  in.c = 3;
  CHECK(failing(agc_theorem1(in).conditions) == "c | n (fractional repetition code)");
}

TEST_CASE("Theorem 2 as printed, and corrected with whole iterations and exact expected iteration times") {
  const AgcTheorem2 b = agc_theorem2(theorem2_case());
  CHECK(b.c == doctest::Approx(2.0));
  CHECK(failing(b.uncoded.conditions).empty());
  CHECK(failing(b.egc.conditions).empty());
  CHECK(failing(b.agc.conditions).empty());
  // log(Delta_0/eps)/log(1/(1-kappa)) = log 4/log 2 = 2 iterations.
  CHECK(b.uncoded.paper == doctest::Approx(2.0 * (2.0 * std::log(4.0) + 2.0 + 1.0) / 4.0));
  CHECK(b.egc.paper == doctest::Approx(2.0 * (2.0 * std::log(2.0) + 2.0 + 1.0) / 4.0));
  const double eta = 1.0 - std::exp(-1.0);  // eta = 1 - e^{-cr/n}, delta = 1/2
  const double agc_iterations = std::log(12.0) / std::log(1.0 / (1.0 - eta * 0.5));  // 6.54
  CHECK(b.agc.paper == doctest::Approx(agc_iterations * (4.0 * std::log(2.0) + 4.0 + 2.0) / 4.0));
  // Corrected: uncoded (1/4)(1 + H_4/0.5) = 31/24, EGC (2/4)(1 + H_2/(2·0.5)) = 5/4, AGC (2/4)(1 + (H_4 - H_2)/0.5).
  CHECK(b.uncoded.corrected == doctest::Approx(2 * 31.0 / 24));
  CHECK(b.egc.corrected == doctest::Approx(2 * 1.25));
  CHECK(b.agc.corrected == doctest::Approx(7 * 0.5 * (1 + 2 * 7.0 / 12)));
  // A network term is added to every corrected iteration.
  AgcTheorem2Input with_network = theorem2_case();
  with_network.network = 0.1;
  CHECK(agc_theorem2(with_network).egc.corrected == doctest::Approx(2 * 1.35));
  // The shift s rescales time: s = 2 with lambda = 1/4 is the same c, and every time doubles.
  AgcTheorem2Input scaled = theorem2_case();
  scaled.seconds_per_pass = 2.0;
  scaled.lambda = 0.25;
  const AgcTheorem2 b2 = agc_theorem2(scaled);
  CHECK(b2.agc.paper == doctest::Approx(2.0 * b.agc.paper));
  CHECK(b2.egc.corrected == doctest::Approx(2.0 * b.egc.corrected));
}

TEST_CASE("the paper's EGC time per iteration is below the exact expectation for every c >= 2 (n = 30)") {
  for (int c : {2, 3, 5, 6, 10, 15}) {
    CAPTURE(c);
    const double paper = (c * std::log(30.0 / c) + c + 1) / 30.0;
    CHECK(paper < egc_time(30, c, 1.0, 1.0 / c).mean);
  }
  CHECK((std::log(30.0) + 2) / 30.0 >= uncoded_time(30, 1.0, 1.0).mean);  // the uncoded one is an upper bound
}

TEST_CASE("pinned: the uncorrected EGC expression is below the time any run needs to reach epsilon") {
  // Delta_0/eps = sqrt(2), kappa = 1/2: the paper counts 0.5 iterations, but x_0 is not within eps, so a run makes at
  // least one, whose expected time is the exact EGC iteration time 5/4.
  AgcTheorem2Input in = theorem2_case();
  in.epsilon = in.delta0 / std::sqrt(2.0);
  const AgcTheorem2 b = agc_theorem2(in);
  CHECK(b.egc.iterations == doctest::Approx(0.5));
  CHECK(b.egc.paper == doctest::Approx(0.5 * (2 * std::log(2.0) + 3) / 4));
  CHECK(b.egc.paper < egc_time(4, 2, 1.0, 0.5).mean);  // violated by every run
  CHECK(b.egc.corrected == doctest::Approx(1.25));     // one whole iteration
}

TEST_CASE("Theorem 2's conditions apply per member: uncoded needs no integer c, no r, no epsilon floor") {
  AgcTheorem2Input in = theorem2_case();
  in.lambda = 0.4;  // c = 2.5
  AgcTheorem2 b = agc_theorem2(in);
  CHECK(failing(b.egc.conditions) == "c = 1/(lambda s) a positive integer dividing n");
  CHECK(failing(b.agc.conditions) == "c = 1/(lambda s) a positive integer dividing n");
  CHECK(failing(b.uncoded.conditions).empty());

  in = theorem2_case();
  in.r = 4;  // delta = 1: only AGC is concerned
  b = agc_theorem2(in);
  CHECK(failing(b.agc.conditions) == "r = delta n with delta in (0, 1)");
  CHECK(failing(b.uncoded.conditions).empty());
  CHECK(failing(b.egc.conditions).empty());

  in = theorem2_case();
  in.r = 1;  // c r/n = 1/2 < ln 2: Theorem 1, on which the AGC line rests, does not apply
  CHECK(failing(agc_theorem2(in).agc.conditions) == "c >= n ln(2)/r (Theorem 1, which the AGC line uses)");

  // The epsilon floor with the 1/mu the proof needs: mu = 1/2 doubles it. 3c e^{-1} sigma^2/n = 1.5 e^{-1} sigma^2.
  in = theorem2_case();
  in.mu = 0.5;
  in.sigma2 = 1.0;
  in.epsilon = 1.0;  // above the printed floor 0.552, below the proof's 1.104
  b = agc_theorem2(in);
  CHECK(b.epsilon_min_paper == doctest::Approx(1.5 * std::exp(-1.0)));
  CHECK(b.epsilon_min_proof == doctest::Approx(3.0 * std::exp(-1.0)));
  CHECK(failing(b.agc.conditions) == "epsilon >= 3c e^{-cr/n} sigma^2/(mu n) (the proof's condition)");
  CHECK(failing(b.egc.conditions).empty());
}
