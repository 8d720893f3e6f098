// τ schedules in runs: the linear schedule's rounds, and ADA-LUPA's loss rule (its τ from the losses, its cost charged).
#include <doctest/doctest.h>

#include "sgdsim/core/algorithms/cooperative/tau_schedule.hpp"
#include "cooperative_fixture.hpp"
#include "sim_fixture.hpp"

using namespace sgdsim;
using namespace sgdsim::testing;

namespace {

// No stragglers and an ideal network: iteration times are exact (B/N·s per step).
const std::string CLUSTER = R"({"workers": 4, "network": {"topology": "ideal"}, "compute": {"seconds_per_pass": 2.0}})";

std::vector<const IterationRecord*> round_rows(const RunResults& r) {
  std::vector<const IterationRecord*> rows;
  for (const auto& row : r.iterations)
    if (row.tau > 0) rows.push_back(&row);
  return rows;
}

}  // namespace

TEST_CASE("linear schedule by rounds: 6 rounds of ceil((1 + i alpha) tau0) steps cover 200 iterations") {
  const Scenario s = parse_scenario(scenario_text(
      CLUSTER, R"({"name": "local_sgd", "batch_size": 4, "step_size": 0.2,
                   "tau": {"schedule": "linear", "tau0": 5, "rounds": 6}})", R"({"iterations": 200})"));
  const RunResults r = simulate_in_child(s, make_problem(s));
  // α = 34/15: τ = 5, 17, 28, 39, 51, 62 — the last cut at iteration 200.
  const auto rows = round_rows(r);
  const std::vector<std::int64_t> taus{5, 17, 28, 39, 51, 60}, ends{5, 22, 50, 89, 140, 200};
  REQUIRE(rows.size() == 6);
  for (std::size_t i = 0; i < 6; ++i) {
    CHECK(rows[i]->tau == taus[i]);
    CHECK(rows[i]->iteration == ends[i]);
    CHECK(rows[i]->comm_rounds == static_cast<std::int64_t>(i + 1));
  }
  CHECK(r.summaries[0].comm_rounds == 6);
}

TEST_CASE("loss rule: every tau follows eq. (11) from the logged losses, and the evaluations are charged") {
  const std::string algorithm = R"({"name": "local_sgd", "batch_size": 4, "step_size": 0.5, "tau": )";
  const Scenario s = parse_scenario(scenario_text(CLUSTER, algorithm + R"({"schedule": "loss", "tau0": 3}})",
                                                  R"({"iterations": 150})", 2000, 10));
  const Problem problem = make_problem(s);
  const RunResults loss = simulate_in_child(s, problem);
  const auto rows = round_rows(loss);
  REQUIRE(rows.size() >= 3);
  const double f0 = problem.full_loss(std::vector<double>(10, 0.0));
  CHECK(rows[0]->tau == 3);
  bool grew = false;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    CAPTURE(i);
    // F(x̄ᵢ) is summed from the workers' shards; the logged loss over all rows at once agrees to rounding.
    const std::int64_t expected = loss_rule_tau(f0, rows[i - 1]->loss, 3, 150 - rows[i - 1]->iteration);
    CHECK(rows[i]->tau == expected);
    grew = grew || rows[i]->tau > 3;
  }
  CHECK(grew);

  // The same rounds as an explicit list: the same iterates, but no evaluations to pay for.
  std::string taus;
  for (const auto* row : rows) taus += (taus.empty() ? "" : ", ") + std::to_string(row->tau);
  const Scenario listed = parse_scenario(scenario_text(
      CLUSTER, algorithm + R"({"schedule": "list", "taus": [)" + taus + "]}}", R"({"iterations": 150})", 2000, 10));
  const RunResults list = simulate_in_child(listed, problem);
  REQUIRE(list.iterations.size() == loss.iterations.size());
  for (std::size_t i = 0; i < list.iterations.size(); ++i) {
    CHECK(same_bits(list.iterations[i].loss, loss.iterations[i].loss));
    CHECK(list.iterations[i].tau == loss.iterations[i].tau);
  }
  // F is evaluated at the start and after every round but the last: each time a pass over a quarter of the data per
  // worker (2.0 s / 4, all in parallel) and an all-reduce of one double (4 ranks: 2 exchanges of 8 B each).
  const auto evaluations = static_cast<double>(rows.size());
  CHECK(loss.summaries[0].time - list.summaries[0].time == doctest::Approx(evaluations * 0.5).epsilon(1e-9));
  CHECK(loss.summaries[0].bytes - list.summaries[0].bytes == rows.size() * 4 * 2 * 8);
}
