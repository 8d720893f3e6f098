// The theorem table: which theorems concern which algorithm (by its parameters), and verdicts end to end on a tiny
// problem with a hand-made trace, including a wrong constant given through `theory` that makes a bound VIOLATED.
#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <string>

#include "hand_design.hpp"
#include "sgdsim/analysis/report.hpp"
#include "sgdsim/analysis/ri_sgd_bounds.hpp"
#include "sgdsim/analysis/theory.hpp"
#include "sgdsim/core/algorithms/gradient_coding.hpp"
#include "sgdsim/core/algorithms/cooperative/params.hpp"

using namespace sgdsim;
using namespace sgdsim::analysis;

namespace {

IterationRecord record(int run, std::int64_t iteration, double time, double loss = NOT_EVALUATED) {
  IterationRecord r;
  r.run = run;
  r.iteration = iteration;
  r.time = time;
  r.loss = loss;
  return r;
}

std::set<std::string> concerned(const Scenario& s) {
  std::set<std::string> ids;
  for (const auto& c : theorem_checkers()) {
    if (c.concerns(s)) ids.insert(c.id);
  }
  return ids;
}

// A 4-worker AGC scenario on the hand least-squares problem below (L = 10/4, mu = 2/4, F* = 0.025).
Scenario agc_scenario() {
  Scenario s;
  s.name = "tiny-agc";
  s.cluster.workers = 4;
  s.cluster.network.topology = Topology::IDEAL;
  s.cluster.compute.straggling_rate = 1.0;
  StepSize step;
  step.eta = 0.4;  // 1/L
  s.algorithm = algorithm_spec("agc", CodingParams::agc(4, 2, 3), step);
  s.stop.iterations = 3;
  return s;
}

const TheoremCheck& find(const TheoryReport& r, const std::string& id) {
  for (const auto& c : r.checks) {
    if (c.id == id) return c;
  }
  FAIL("no check " << id);
  throw;
}

}  // namespace

TEST_CASE("observed iteration time is total time over total iterations, runs counted from time 0") {
  RunResults results;
  results.iterations = {record(0, 2, 3.0), record(0, 1, 1.0), record(1, 1, 2.0)};
  ObservedIterationTime obs = observed_iteration_time(results);
  CHECK(obs.iterations == 3);
  CHECK(obs.mean == doctest::Approx(5.0 / 3.0));  // increments 1, 2 (run 0) and 2 (run 1)
  CHECK(obs.standard_error == doctest::Approx(1.0 / 3.0));
}

TEST_CASE("theorems are chosen by the algorithm's parameters: coding family, model averaging, neither") {
  Scenario s = agc_scenario();
  CHECK(concerned(s) == std::set<std::string>{"agc.theorem1", "agc.theorem2"});
  s.algorithm = algorithm_spec("egc", CodingParams::egc(4, 2));
  CHECK(concerned(s).count("agc.theorem2") == 1);
  s.algorithm = algorithm_spec("ignore_stragglers", CodingParams::ignore_stragglers(4, 2));
  CHECK(concerned(s).empty());  // rescaled by k/r: not the code's decoder
  CooperativeParams local;
  local.tau = TauSchedule::constant(4);
  local.mixing = MixingMatrix::average(4);
  s.algorithm = algorithm_spec("local_sgd", local);
  CHECK(concerned(s) == std::set<std::string>{"lupa.theorem1", "lupa.theorem2", "ri_sgd.theorem41",
                                              "ri_sgd.theorem42", "cooperative.main"});
  // D-PSGD on a ring: not local SGD (W != J), so only Cooperative SGD's theorem; EASGD (v = 1) likewise.
  CooperativeParams ring = local;
  ring.mixing = topology_matrix(TopologySpec{}, 4, "test");
  s.algorithm = algorithm_spec("dpsgd", ring);
  CHECK(concerned(s) == std::set<std::string>{"cooperative.main"});
  CooperativeParams elastic = local;
  elastic.mixing = elastic_matrix(4, 0.1);
  s.algorithm = algorithm_spec("easgd", elastic);
  CHECK(concerned(s) == std::set<std::string>{"cooperative.main"});
}

TEST_CASE("AGC Theorem 1 on a hand trace: holds, then VIOLATED with a wrong PL constant given through theory") {
  const Problem p = sgdsim::testing::hand_least_squares(0.0);
  Scenario s = agc_scenario();
  RunResults run;
  run.iterations = {record(0, 1, 1.0, 0.5), record(0, 2, 2.0, 0.2), record(0, 3, 3.0, 0.1)};
  TheoryReport r = theory_report(s, p, &run, "hand");
  const TheoremCheck& t1 = find(r, "agc.theorem1");
  CAPTURE(report_text(r));
  REQUIRE(t1.measured);
  CHECK(t1.measured->mean == doctest::Approx(0.1 - 0.025));
  CHECK(t1.verdict.kind != VerdictKind::VIOLATED);
  CHECK_FALSE(r.violated());

  // mu = beta = 1/gamma and sigma^2 = 0 make the bound e^{-T cr/n} Delta_0 = e^{-4.5} 1.725 = 0.019 < 0.075.
  s.theory.pl_constant = 2.5;
  s.theory.gradient_bound = 0.0;
  r = theory_report(s, p, &run, "hand");
  const TheoremCheck& wrong = find(r, "agc.theorem1");
  CHECK(wrong.verdict.kind == VerdictKind::VIOLATED);
  CHECK(r.violated());
  bool given = false;
  for (const auto& c : r.constants) given = given || (c.symbol == "mu" && c.origin == Origin::GIVEN);
  CHECK(given);
  CHECK(report_text(r).find("VIOLATED") != std::string::npos);
  CHECK(report_json(r).find("\"kind\": \"violated\"") != std::string::npos);
  CHECK(report_markdown_rows(r).find("| tiny-agc | AGC Theorem 1") != std::string::npos);
}

TEST_CASE("a failing condition gives not applicable naming it: Theorem 1's c >= n ln2/r, LUPA's constant step") {
  const Problem p = sgdsim::testing::hand_least_squares(0.0);
  Scenario s = agc_scenario();
  s.algorithm = algorithm_spec("agc", CodingParams::agc(4, 2, 1), s.algorithm.step);  // n ln2/r = 2.77 > 2
  TheoryReport r = theory_report(s, p, nullptr, "none");
  const TheoremCheck& t1 = find(r, "agc.theorem1");
  CHECK(t1.verdict.kind == VerdictKind::NOT_APPLICABLE);
  CHECK(t1.verdict.why.find("c >= n ln(2)/r fails") != std::string::npos);

  CooperativeParams local;
  local.tau = TauSchedule::constant(2);
  local.mixing = MixingMatrix::average(4);
  local.batch_size = 2;
  s.algorithm = algorithm_spec("local_sgd", local, s.algorithm.step);  // a constant step
  r = theory_report(s, p, nullptr, "none");
  CHECK(find(r, "lupa.theorem1").verdict.why.find("eta_t = 4/(mu (t + a))") != std::string::npos);
  CHECK(find(r, "cooperative.main").verdict.why.find("A2: mini-batches drawn from the whole data set") !=
        std::string::npos);
  CHECK(find(r, "ri_sgd.theorem41").verdict.kind != VerdictKind::VIOLATED);
}

TEST_CASE("RI-SGD's theorems take q = mu p + 1 from an ri_sgd scenario, and need whole, equal chunk sets") {
  const Problem p = sgdsim::testing::hand_least_squares(0.0);
  Scenario s = agc_scenario();
  s.stop.iterations = 40;
  s.theory.smoothness = 2.0;
  s.theory.relative_variance = 0.1;
  s.theory.chunk_variance = 0.5;
  s.theory.gradient_inner_product = 0.01;
  s.theory.g_tilde = 0.3;
  s.theory.rho = 0.5;
  CooperativeParams ri;
  ri.tau = TauSchedule::constant(2);
  ri.mixing = MixingMatrix::average(4);
  ri.batch_size = 2;
  ri.redundancy = Redundancy{};
  ri.redundancy->mu = 0.5;  // q = 0.5 * 4 + 1 = 3
  StepSize step;
  step.eta = 0.01;
  s.algorithm = algorithm_spec("ri_sgd", ri, step);
  TheoryReport r = theory_report(s, p, nullptr, "none");
  const TheoremCheck& t = find(r, "ri_sgd.theorem41");
  CHECK(t.title.find("q = 3 of p = 4") != std::string::npos);
  RiSgdInput in{.p = 4, .q = 3, .tau = 2, .eta = 0.01, .L = 2.0, .c1 = 0.1, .c2sq = 0.5, .beta = 0.01,
                .g_tilde = 0.3, .delta1 = NO_VALUE, .T = 40};
  for (const auto& c : t.constants) {
    if (c.symbol == "Delta_0") in.delta1 = c.value;
  }
  CHECK(t.bound == doctest::Approx(ri_sgd_theorem41(in)));
  RiSgdInput pr_sgd = in;
  pr_sgd.q = 1;
  CHECK(t.bound != doctest::Approx(ri_sgd_theorem41(pr_sgd)));
  CHECK(t.verdict.kind != VerdictKind::NOT_APPLICABLE);

  ri.redundancy->mu = 0.1;  // mu p = 0.4: a partial shard
  s.algorithm = algorithm_spec("ri_sgd", ri, step);
  r = theory_report(s, p, nullptr, "none");
  CHECK(find(r, "ri_sgd.theorem41").verdict.kind == VerdictKind::NOT_APPLICABLE);
  CHECK(find(r, "ri_sgd.theorem41").verdict.why.find("q whole chunks") != std::string::npos);
  ri.redundancy->mu = 0.5;
  ri.redundancy->sum = false;  // combine = mean
  s.algorithm = algorithm_spec("ri_sgd", ri, step);
  r = theory_report(s, p, nullptr, "none");
  CHECK(find(r, "ri_sgd.theorem42").verdict.why.find("eq. (3)") != std::string::npos);
}

TEST_CASE("C1 is estimated over the region's points (the closed form where it is known) unless given, 0 included") {
  // b_i = 2 a_i: every sample's gradient vanishes at x* = 2, and C1 = Var(a^2)/(B mean(a^2)^2), sigma^2 = 0
  // (tests/unit/analysis/test_variance_split.cpp derives it). a^2 = 1, 4, 9, 1/4: mean 3.5625, variance 11.82421875.
  Dataset d;
  d.rows = 4;
  d.cols = 1;
  d.dense = {1, 2, 3, 0.5};
  d.labels = {2, 4, 6, 1};
  const Problem p(std::move(d), kernels::Loss::LEAST_SQUARES, 0.0, kernels::Device::REFERENCE);
  Scenario s = agc_scenario();
  CooperativeParams local;
  local.tau = TauSchedule::constant(2);
  local.mixing = MixingMatrix::average(4);
  local.batch_size = 2;
  local.sample_data_set = true;
  s.algorithm = algorithm_spec("local_sgd", local, s.algorithm.step);
  auto constant = [](const TheoryReport& r, const std::string& symbol, const std::string& meaning) {
    for (const auto& c : r.constants) {
      if (c.symbol == symbol && c.meaning.starts_with(meaning)) return c;
    }
    FAIL("no constant " << symbol);
    throw;
  };
  TheoryReport r = theory_report(s, p, nullptr, "none");
  const Constant c1 = constant(r, "C1", "relative variance");
  CHECK(c1.origin == Origin::ESTIMATED);
  CHECK(c1.value == doctest::Approx(11.82421875 / (2 * 3.5625 * 3.5625)).epsilon(1e-9));
  CHECK(c1.sample_size > 10);
  CHECK(constant(r, "sigma^2", "one sample's").value <= 1e-9);
  // Given 0: the bounded-variance form, sigma^2 the largest one-sample variance over the points (> 0 off x*).
  s.theory.relative_variance = 0.0;
  r = theory_report(s, p, nullptr, "none");
  CHECK(constant(r, "C1", "relative variance").origin == Origin::GIVEN);
  CHECK(constant(r, "C1", "relative variance").value == 0);
  CHECK(constant(r, "sigma^2", "one sample's").value > 0.1);
}
