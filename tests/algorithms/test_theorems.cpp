// The shipped theory scenarios, simulated: each theorem applies and its bound is at or above the measurement where
// the scenario is built for it, and is not applicable, naming the condition, where a variant breaks one.
#include <doctest/doctest.h>

#include <cmath>
#include <utility>
#include <string>

#include "sgdsim/analysis/report.hpp"
#include "sgdsim/analysis/theory.hpp"
#include "sgdsim/core/scenario/variants.hpp"
#include "sim_fixture.hpp"

using namespace sgdsim;
using namespace sgdsim::analysis;

namespace {

// One variant of scenarios/<file>, simulated once (SimGrid allows one engine per process), then handed to `use`.
template <class Use>
auto with_variant(const std::string& file, const std::string& label, Use use) {
  const std::filesystem::path path = std::filesystem::path(SGDSIM_SOURCE_DIR) / "scenarios" / file;
  const Study study = read_study(path);
  for (const auto& v : study.variants) {
    if (v.label != label) continue;
    const Scenario s = parse_scenario(study.base_json, v.overrides, path.parent_path());
    const Problem problem = make_problem(s);
    RunResults run = sim::simulate(s, problem);
    return use(s, problem, run);
  }
  FAIL("no variant " << label << " in " << file);
  throw;
}

// The variant with every theorem checked against the run.
TheoryReport check_variant(const std::string& file, const std::string& label) {
  return with_variant(file, label, [](const Scenario& s, const Problem& problem, RunResults& run) {
    return theory_report(s, problem, &run, "simulated");
  });
}

const TheoremCheck& theorem(const TheoryReport& r, const std::string& id) {
  for (const auto& c : r.checks) {
    if (c.id == id) return c;
  }
  FAIL("no theorem " << id);
  throw;
}

// The theorem applies (every condition holds) and its bound is at or above the measured mean.
void check_holds(const TheoryReport& r, const std::string& id, bool vacuous = false) {
  const TheoremCheck& c = theorem(r, id);
  CAPTURE(report_text(r));
  CHECK(c.verdict.kind == (vacuous ? VerdictKind::VACUOUS : VerdictKind::HOLDS));
  REQUIRE(c.measured);
  CHECK(c.measured->mean <= c.bound);
  for (const auto& cond : c.conditions) CHECK(cond.status != Condition::Status::FAILS);
}

void check_not_applicable(const TheoryReport& r, const std::string& id, const std::string& condition) {
  const TheoremCheck& c = theorem(r, id);
  CAPTURE(c.verdict.why);
  CHECK(c.verdict.kind == VerdictKind::NOT_APPLICABLE);
  CHECK(c.verdict.why.rfind(condition, 0) == 0);
}

}  // namespace

TEST_CASE("theory-lupa: LUPA-SGD Theorem 1 and ADA-LUPA Theorem 2 hold on local SGD sampling the whole data set") {
  const TheoryReport r = check_variant("theory-lupa.json", "tau8");
  check_holds(r, "lupa.theorem1");
  check_holds(r, "lupa.theorem2");
  CHECK(theorem(r, "lupa.theorem1").bound == doctest::Approx(theorem(r, "lupa.theorem2").bound));
  CHECK_FALSE(r.violated());
}

TEST_CASE("theory-lupa: sampling from the shard breaks Assumption 1") {
  const TheoryReport r = check_variant("theory-lupa.json", "tau8-shard");
  check_not_applicable(r, "lupa.theorem1", "Assumption 1");
  check_not_applicable(r, "lupa.theorem2", "Assumption 1");
}

// One simulation per test case: SimGrid allows one engine per process, and each case is its own process.
TEST_CASE("theory-cooperative: the main result holds for local SGD, tau = 8, W = J") {
  check_holds(check_variant("theory-cooperative.json", "tau8"), "cooperative.main");
}

TEST_CASE("theory-cooperative: the main result holds for sync SGD (tau = 1, zeta = 0: no network error)") {
  const TheoryReport r = check_variant("theory-cooperative.json", "sync");
  check_holds(r, "cooperative.main");
  CHECK(theorem(r, "cooperative.main").lines.at(0).value == 0.0);
}

TEST_CASE("theory-cooperative: sampling from the shard breaks A2") {
  check_not_applicable(check_variant("theory-cooperative.json", "tau8-shard"), "cooperative.main", "A2");
}

TEST_CASE("theory-ring-tau8: on a ring (zeta = 1/3) the main result holds, measured at the workers' average") {
  const TheoryReport r = check_variant("theory-cooperative.json", "ring-tau8");
  check_holds(r, "cooperative.main");
  const TheoremCheck& c = theorem(r, "cooperative.main");
  CHECK(c.measured->how.starts_with("trace.csv: mean of average_grad_norm^2"));
  // zeta from the scenario's W: a uniform ring of 4, eigenvalues 1, 1/3, 1/3, -1/3.
  bool zeta = false;
  for (const auto& k : c.constants) zeta = zeta || (k.symbol == "zeta" && std::abs(k.value - 1.0 / 3) < 1e-12);
  CHECK(zeta);
  CHECK(c.lines.at(1).label == "the lemma's network error, measured");
  CHECK(c.lines.at(1).value > 0);
  // Not local SGD: the LUPA and RI-SGD theorems do not concern it.
  CHECK(r.checks.size() == 1);
}

TEST_CASE("theory-ring-tau8: a trace without average_grad_norm (an older run directory) is bracketed from worker 0's") {
  // The same run checked twice: as written now, and without the column.
  const auto [now, before] = with_variant(
      "theory-cooperative.json", "ring-tau8", [](const Scenario& s, const Problem& problem, RunResults& run) {
        TheoryReport with_column = theory_report(s, problem, &run, "simulated");
        for (auto& row : run.iterations) row.average_grad_norm = NOT_EVALUATED;
        return std::pair{std::move(with_column), theory_report(s, problem, &run, "simulated")};
      });
  const TheoremCheck& exact = theorem(now, "cooperative.main");
  const TheoremCheck& bracket = theorem(before, "cooperative.main");
  REQUIRE(exact.measured);
  REQUIRE(bracket.measured);
  CHECK(bracket.measured->how.starts_with("an upper bound"));
  // The bracket's upper end is above the mean at the average it bounds, in every repetition.
  REQUIRE(exact.measured->values.size() == bracket.measured->values.size());
  for (std::size_t i = 0; i < exact.measured->values.size(); ++i)
    CHECK(exact.measured->values[i] <= bracket.measured->values[i]);
  CHECK(bracket.verdict.kind == VerdictKind::HOLDS);
}

TEST_CASE("theory-cooperative: EASGD (v = 1, the anchor on a server) is measured at the average of workers and z") {
  const TheoryReport r = check_variant("theory-cooperative.json", "easgd");
  check_holds(r, "cooperative.main");
  const TheoremCheck& c = theorem(r, "cooperative.main");
  CHECK(c.measured->how.find("the average of all m + v models") != std::string::npos);
  CHECK(c.title.find("v = 1") != std::string::npos);
  // zeta of W_alpha over 4 workers and the anchor, alpha = 0.2: eigenvalues 1, 1 - alpha (x3), 1 - 5 alpha = 0.
  bool zeta = false;
  for (const auto& k : c.constants) zeta = zeta || (k.symbol == "zeta" && std::abs(k.value - 0.8) < 1e-12);
  CHECK(zeta);
}

TEST_CASE("theory-cooperative: a tau schedule breaks the main result's fixed tau") {
  check_not_applicable(check_variant("theory-cooperative.json", "tau-list"), "cooperative.main", "a fixed period tau");
}

TEST_CASE("theory-lupa: with a linear tau schedule ADA-LUPA Theorem 2 holds on the run's taus, Theorem 1 does not apply") {
  const TheoryReport r = check_variant("theory-lupa.json", "linear");
  check_holds(r, "lupa.theorem2");
  check_not_applicable(r, "lupa.theorem1", "a constant tau");
}

TEST_CASE("theory-ri-sgd: Theorems 4.1 and 4.2 apply to PR-SGD (q = 1) and are above the measurement, vacuously") {
  const TheoryReport r = check_variant("theory-ri-sgd.json", "pr-sgd-tau4");
  check_holds(r, "ri_sgd.theorem41", true);
  check_holds(r, "ri_sgd.theorem42", true);
}

TEST_CASE("theory-ri-sgd: eta = 0.5 breaks the learning-rate conditions") {
  const TheoryReport r = check_variant("theory-ri-sgd.json", "pr-sgd-tau4-eta05");
  check_not_applicable(r, "ri_sgd.theorem41", "learning-rate condition <= 1");
  check_not_applicable(r, "ri_sgd.theorem42", "rho^(t) > 0 and the learning-rate condition");
}

TEST_CASE("theory-agc: Theorems 1 and 2 hold for AGC, c = 3, r = 20") {
  const TheoryReport r = check_variant("theory-agc.json", "agc-c3-r20");
  check_holds(r, "agc.theorem1");
  check_holds(r, "agc.theorem2");
}

TEST_CASE("theory-agc: Theorems 1 and 2 hold for EGC, c = 3") {
  const TheoryReport r = check_variant("theory-agc.json", "egc-c3");
  check_holds(r, "agc.theorem1");
  check_holds(r, "agc.theorem2");
}

TEST_CASE("theory-agc: Theorems 1 and 2 hold for uncoded GD") {
  const TheoryReport r = check_variant("theory-agc.json", "uncoded");
  check_holds(r, "agc.theorem1");
  check_holds(r, "agc.theorem2");
}

TEST_CASE("theory-agc: r = 6 breaks c >= n ln2/r, for Theorem 1 and for Theorem 2's AGC line") {
  const TheoryReport r = check_variant("theory-agc.json", "agc-c3-r6");
  check_not_applicable(r, "agc.theorem1", "c >= n ln(2)/r");
  check_not_applicable(r, "agc.theorem2", "c >= n ln(2)/r");
}
