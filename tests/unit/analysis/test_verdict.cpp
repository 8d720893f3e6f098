// Verdicts: the order in which conditions, violations, censoring and vacuity decide, and Student-t intervals.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "sgdsim/analysis/verdict.hpp"

using namespace sgdsim::analysis;

namespace {

TheoremCheck check_with(double bound, std::vector<double> measured, double trivial = UNBOUNDED) {
  TheoremCheck c;
  c.bound = bound;
  c.trivial = trivial;
  c.trivial_what = "Delta_0";
  c.conditions = {condition(true, "a", "1 >= 0"), unchecked("b", "not stated")};
  if (!measured.empty()) c.measured = measurement("gap", "test", measured);
  return c;
}

}  // namespace

TEST_CASE("verdict: holds with slack bound/measured, VIOLATED below the measurement, vacuous at the trivial value") {
  Verdict v = decide(check_with(2.0, {0.5}));
  CHECK(v.kind == VerdictKind::HOLDS);
  CHECK(v.slack == doctest::Approx(4.0));
  CHECK(verdict_word(v) == "holds (slack x4)");
  CHECK(decide(check_with(0.4, {0.5})).kind == VerdictKind::VIOLATED);
  CHECK(decide(check_with(3.0, {0.5}, 2.0)).kind == VerdictKind::VACUOUS);
  CHECK(decide(check_with(3.0, {}, 2.0)).kind == VerdictKind::VACUOUS);  // vacuous whatever is measured
  CHECK(decide(check_with(1.0, {})).kind == VerdictKind::UNMEASURED);
  // A violation wins over vacuity (a bound above the trivial value below the measurement is still broken).
  CHECK(decide(check_with(3.0, {4.0}, 2.0)).kind == VerdictKind::VIOLATED);
}

TEST_CASE("verdict: a failing condition makes it not applicable, naming the condition, before any comparison") {
  TheoremCheck c = check_with(0.1, {0.5});
  c.conditions.push_back(condition(false, "c >= n ln(2)/r", "1.89 > 1"));
  const Verdict v = decide(c);
  CHECK(v.kind == VerdictKind::NOT_APPLICABLE);
  CHECK(v.why == "c >= n ln(2)/r fails: 1.89 > 1");
  c.conditions.pop_back();
  c.bound = NO_VALUE;
  CHECK(decide(c).kind == VerdictKind::NOT_APPLICABLE);
}

TEST_CASE("verdict: censored repetitions make a lower bound: inconclusive under the bound, VIOLATED above") {
  TheoremCheck c = check_with(5.0, {});
  c.measured = measurement("time", "test", {2.0, 3.0}, {false, true});
  CHECK(c.measured->censored_count() == 1);
  CHECK(decide(c).kind == VerdictKind::INCONCLUSIVE);
  c.bound = 2.0;
  CHECK(decide(c).kind == VerdictKind::VIOLATED);
}

TEST_CASE("measurement: mean and the Student-t 95% half-width t_{0.975, n-1} s/sqrt(n)") {
  const Measurement m = measurement("x", "test", {1.0, 2.0, 3.0});
  CHECK(m.mean == doctest::Approx(2.0));
  // s = 1, t_{0.975, 2} = 4.302653
  CHECK(m.ci == doctest::Approx(4.302653 / std::sqrt(3.0)).epsilon(1e-6));
  CHECK(std::isnan(measurement("x", "test", {1.0}).ci));
  CHECK(measurement("x", "test", {2.0, 2.0}).ci == 0.0);
}
