// τ schedules: the linear rule's τ_i and its α solved from a round count, lists, and eq. (11) on known losses.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "sgdsim/core/algorithms/cooperative/tau_schedule.hpp"

using namespace sgdsim;

namespace {

TauSchedule linear(int tau0, double alpha) {
  TauSchedule t;
  t.kind = TauSchedule::Kind::LINEAR;
  t.tau0 = tau0;
  t.alpha = alpha;
  return t;
}

std::int64_t sum(const TauSchedule& t, int rounds) {
  std::int64_t s = 0;
  for (int i = 0; i < rounds; ++i) s += t.tau(i);
  return s;
}

}  // namespace

TEST_CASE("linear schedule: tau_i = ceil((1 + i alpha) tau0), the paper's tau0 = 91, alpha = 1.09") {
  // (1 + 1.09 i)·91 = 91, 190.19, 289.38, 388.57, 487.76, 586.95, 686.14, 785.33, 884.52, 983.71.
  const std::vector<std::int64_t> expected{91, 191, 290, 389, 488, 587, 687, 786, 885, 984};
  const TauSchedule t = linear(91, 1.09);
  for (int i = 0; i < 10; ++i) CHECK(t.tau(i) == expected[static_cast<std::size_t>(i)]);
  // Binary rounding does not push an integer over: (1 + 3·0.1)·10 is 13.000000000000002 and means 13.
  CHECK(linear(10, 0.1).tau(3) == 13);
  CHECK(linear(7, 0.0).tau(1000) == 7);
}

TEST_CASE("linear schedule by rounds: alpha makes E rounds cover the iterations, and E - 1 do not") {
  // τ0 = 5, E = 6, T = 200: α = 2(200 − 30)/(5·6·5) = 34/15; τ = 5, ⌈16.33⌉, ⌈27.67⌉, 39, ⌈50.33⌉, ⌈61.67⌉.
  const double alpha = solve_linear_alpha(5, 6, 200);
  CHECK(alpha == doctest::Approx(34.0 / 15));
  const TauSchedule t = linear(5, alpha);
  const std::vector<std::int64_t> expected{5, 17, 28, 39, 51, 62};
  for (int i = 0; i < 6; ++i) CHECK(t.tau(i) == expected[static_cast<std::size_t>(i)]);
  // The paper's shape: τ0 = 91, 10 rounds over 21875 iterations.
  const double paper = solve_linear_alpha(91, 10, 21875);
  CHECK(paper == doctest::Approx(2.0 * (21875 - 910) / (91.0 * 90)));
  CHECK(sum(linear(91, paper), 10) >= 21875);
  CHECK(sum(linear(91, paper), 9) < 21875);
  // E rounds of τ0 already cover T: α = 0.
  CHECK(solve_linear_alpha(50, 4, 200) == 0.0);
}

TEST_CASE("a list schedule takes its taus in order and repeats the last") {
  TauSchedule t;
  t.kind = TauSchedule::Kind::LIST;
  t.taus = {3, 5, 2};
  CHECK(t.tau(0) == 3);
  CHECK(t.tau(1) == 5);
  CHECK(t.tau(2) == 2);
  CHECK(t.tau(7) == 2);
  CHECK(TauSchedule::constant(4).tau(99) == 4);
}

TEST_CASE("loss rule, eq. (11): tau_i = ceil((F0 / Fi)^(1/3)) tau0 on known losses") {
  const double f0 = std::log(2.0);  // logistic loss at x = 0
  CHECK(loss_rule_tau(f0, f0, 5, 1000) == 5);          // ratio 1
  CHECK(loss_rule_tau(f0, f0 / 8, 5, 1000) == 10);     // ∛8 = 2 exactly
  CHECK(loss_rule_tau(f0, f0 / 9, 5, 1000) == 15);     // ∛9 = 2.08 → 3
  CHECK(loss_rule_tau(f0, f0 / 27.5, 5, 1000) == 20);  // ∛27.5 = 3.02 → 4
  CHECK(loss_rule_tau(0.6, 0.5, 91, 100000) == 182);   // ∛1.2 = 1.06 → 2
  CHECK(loss_rule_tau(f0, 2 * f0, 5, 1000) == 5);      // the loss went up: τ0
  CHECK(loss_rule_tau(f0, f0 / 1000, 5, 30) == 30);    // 10·5 capped at the remaining iterations
  CHECK(loss_rule_tau(f0, 0.0, 5, 30) == 30);          // solved exactly: the rest in one round
  CHECK(loss_rule_tau(f0, std::numeric_limits<double>::quiet_NaN(), 5, 1000) == 5);
}
