// LUPA-SGD Theorem 1 / Corollary 1 and ADA-LUPA Theorem 2: hand-computed values, the paper's choices of tau, and
// each condition failing where it must.
#include <doctest/doctest.h>

#include <cmath>

#include "sgdsim/analysis/lupa_bounds.hpp"

using namespace sgdsim::analysis;

namespace {

LupaConstants constants() {
  LupaConstants k;
  k.p = 4;
  k.batch = 8;
  k.L = 2.0;
  k.mu = 0.5;  // kappa = 4
  k.c1 = 0.0;
  k.sigma2 = 3.0;
  k.delta0 = 1.5;
  return k;
}

bool holds(const std::vector<sgdsim::analysis::Condition>& conditions, std::size_t i) {
  return conditions.at(i).status == Condition::Status::HOLDS;
}

}  // namespace

TEST_CASE("Corollary 1 on the paper's epsilon setting: tau* = T^(2/3)/(pB)^(1/3) rounds to 91, Stich's is ~5") {
  // Section 6: p = 5 machines, B = 128, T = 21875 (7 epochs of 400 000 samples).
  const double star = lupa_tau_star(21875, 5, 128);
  CHECK(std::lround(star) == 91);
  CHECK(star == doctest::Approx(std::pow(21875.0, 2.0 / 3.0) / std::cbrt(640.0)).epsilon(1e-12));
  const double stich = stich_tau(21875, 5, 128);
  CHECK(stich == doctest::Approx(std::sqrt(21875.0 / 640.0)).epsilon(1e-12));  // 5.85
  CHECK(static_cast<int>(std::floor(stich)) == 5);
}

TEST_CASE("Theorem 1 eq. (8) by hand") {
  // mu B p = 16, a = 6: (16·216·1.5 + 4·4·3·10·22 + 256·16·3·10·1) / (16·16³) for T = 10, tau = 2.
  const double expected = (16.0 * 216 * 1.5 + 4 * 4 * 3 * 10 * 22 + 256 * 16 * 3 * 10 * 1) / (16.0 * 4096);
  CHECK(lupa_theorem1_bound(constants(), 10, 2, 6.0) == doctest::Approx(expected).epsilon(1e-14));
  // tau = 1 drops the last term; as T grows the bound falls like 4 kappa sigma^2/(mu B p T).
  const double large = lupa_theorem1_bound(constants(), 1000000, 1, 6.0);
  CHECK(large * 1000000 == doctest::Approx(4 * 4 * 3.0 / 16.0).epsilon(1e-4));
}

TEST_CASE("eq. (7) and the conditions on alpha and tau") {
  // K = ((p+1)/p) 192 kappa^2 e^(4/alpha); with alpha = 4: K = 1.25·192·16·e = 10437.95...
  const double k = 1.25 * 192 * 16 * std::exp(1.0);
  const double alpha = 4.0;
  const double expected =
      (k + 6 * alpha + std::sqrt((k + 6 * alpha) * (k + 6 * alpha) + 20 * (k - alpha * alpha))) / (2 * (k - alpha * alpha));
  CHECK(lupa_eq7_tau_min(4, 4.0, alpha) == doctest::Approx(expected).epsilon(1e-12));
  CHECK(expected > 1.0);  // so tau = 1 never meets eq. (7)
  CHECK(lupa_eq7_tau_min(4, 4.0, 1e-3) == doctest::Approx(1.0));  // K overflows: the limit 1

  // tau = 2, a = alpha tau + 4 = 12: every condition holds.
  auto c = lupa_tau_conditions(constants(), 2, 12.0, alpha);
  REQUIRE(c.size() == 4);
  for (std::size_t i = 0; i < c.size(); ++i) CHECK(holds(c, i));
  // tau = 1: the first inequality's right-hand side and eq. (7) fail.
  c = lupa_tau_conditions(constants(), 1, 8.0, alpha);
  CHECK_FALSE(holds(c, 1));
  CHECK(holds(c, 2));
  CHECK_FALSE(holds(c, 3));
  // C1 > 2 tau fails the second inequality.
  LupaConstants k2 = constants();
  k2.c1 = 5.0;
  CHECK_FALSE(holds(lupa_tau_conditions(k2, 2, 12.0, alpha), 2));
  // alpha exp(-2/alpha) >= kappa sqrt(192 (p+1)/p) = 4·15.49: alpha = 100 fails, alpha <= 0 fails.
  CHECK_FALSE(holds(lupa_tau_conditions(constants(), 2, 204.0, 100.0), 0));
  CHECK_FALSE(holds(lupa_tau_conditions(constants(), 2, 4.0, 0.0), 0));
  // The first inequality in logarithms: large tau does not overflow and still decides.
  CHECK(holds(lupa_tau_conditions(constants(), 5000, 4.0 + 0.01 * 5000, 0.01), 1));
}

TEST_CASE("ADA-LUPA eq. (12) with a constant tau is Theorem 1's eq. (8), and conditions are checked per tau_i") {
  const LupaConstants k = constants();
  const std::vector<std::int64_t> constant(5, 4);  // T = 20
  CHECK(ada_lupa_bound(k, constant, 10.0) == doctest::Approx(lupa_theorem1_bound(k, 20, 4, 10.0)).epsilon(1e-14));
  // A schedule with a tau_i = 1 round fails the first inequality at that round only.
  const std::vector<std::int64_t> taus = {2, 3, 1, 4};
  const auto c = ada_lupa_conditions(k, taus, 4.0 + 1.0 * 4, 1.0);
  CHECK(c.at(1).status == Condition::Status::FAILS);
  CHECK(c.at(1).numbers.find("fails for 1 of 4 rounds, first at round 3") != std::string::npos);
  CHECK(c.at(2).status == Condition::Status::HOLDS);
  // Linear speed-up ratios: sum tau_i = 10, sum tau_i (tau_i - 1) = 2 + 6 + 0 + 12 = 20, (max tau)^3 p B = 64·32.
  const SpeedupConditions s = ada_lupa_speedup(taus, 4, 8);
  CHECK(s.sum == 10);
  CHECK(s.ratio_ii == doctest::Approx(20.0 / 100));
  CHECK(s.ratio_iii == doctest::Approx(64.0 * 32 / 100));
}
