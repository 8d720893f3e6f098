// wait_for r < m in model averaging: each round averages the first r models to reach the aggregator, the m − r slowest
// are dropped (and adopt the average), and the round time is the r-th order statistic of the workers' step times.
#include <doctest/doctest.h>

#include <algorithm>

#include "cooperative_fixture.hpp"
#include "sgdsim/analysis/closed_forms.hpp"
#include "sim_fixture.hpp"

using namespace sgdsim;
using namespace sgdsim::testing;

namespace {

std::string cluster(bool numerics) {
  return std::string(R"({"workers": 6, "network": {"topology": "ideal"},
      "compute": {"seconds_per_pass": 1.0, "straggling": {"rate": 2.0}, "numerics": )") +
         (numerics ? "true" : "false") + "}}";
}

}  // namespace

TEST_CASE("local_sgd with wait_for 4 of 6 uses exactly the 4 fastest workers of each round and drops the 2 slowest") {
  const Scenario s = parse_scenario(scenario_text(
      cluster(true), R"({"name": "local_sgd", "batch_size": 12, "tau": 1, "wait_for": 4, "step_size": 0.5})",
      R"({"iterations": 40})", 1200, 4));
  const RunResults r = simulate_in_child(s, make_problem(s));
  REQUIRE(r.workers.size() == 40 * 6);
  for (std::int64_t t = 1; t <= 40; ++t) {
    CAPTURE(t);
    std::vector<WorkerRecord> round;
    for (const auto& w : r.workers)
      if (w.iteration == t) round.push_back(w);
    REQUIRE(round.size() == 6);
    std::sort(round.begin(), round.end(), [](const auto& a, const auto& b) { return a.compute < b.compute; });
    // Every worker starts the round together (τ = 1, ideal network): the first to finish are the fastest.
    for (std::size_t i = 0; i < 6; ++i) {
      CHECK(round[i].used == (i < 4));
      CHECK(round[i].dropped == (i >= 4));
      CHECK(std::isnan(round[i].arrival) == (i >= 4));
      if (i < 4) CHECK(round[i].arrival == doctest::Approx(round[i].start + round[i].compute).epsilon(1e-12));
    }
    const auto& row = r.iterations[static_cast<std::size_t>(t)];
    CHECK(row.waited_for == 4);
    // The round ends with the 4th arrival.
    CHECK(row.time == doctest::Approx(round[3].start + round[3].compute).epsilon(1e-12));
  }
  CHECK(std::isfinite(r.summaries[0].final_loss));
  // Per round: 4 models of d = 4 delivered and 6 averages of d + 6 values.
  CHECK(r.summaries[0].bytes == 40 * (4 * 4 + 6 * 10) * 8);
}

TEST_CASE("wait_for r: the mean round time is the r-th order statistic l(s + X_(r:m)) on an ideal network") {
  // l = B/N = 12/1200, λ = 2, m = 6, r = 4: ℓ·s + ℓ·X_(4:6), X ~ Exp(2); ℓ·X ~ Exp(2/ℓ).
  const double load = 12.0 / 1200.0;
  const analysis::Moments x = analysis::exp_order_statistic(6, 4, 2.0 / load);
  const Scenario s = parse_scenario(scenario_text(
      cluster(false), R"({"name": "ri_sgd", "batch_size": 12, "tau": 1, "wait_for": 4, "step_size": 0.5})",
      R"({"iterations": 3000})", 1200, 4));
  const RunResults r = sim::simulate(s, make_problem(s));
  const IterationStats st = iteration_stats(r);
  REQUIRE(st.count == 3000);
  const double expected = load * 1.0 + x.mean;
  const double standard_error = std::sqrt(x.variance / 3000);
  INFO("simulated mean " << st.mean << ", closed form " << expected << " ± " << standard_error);
  CHECK(std::abs(st.mean - expected) <= 5 * standard_error);
  CHECK(st.variance == doctest::Approx(x.variance).epsilon(0.25));
}
