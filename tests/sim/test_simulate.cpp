// simulate(): a whole scenario in SimGrid; sync SGD iteration times against the order statistics of the drawn tasks.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/core/comm/straggler.hpp"
#include "sgdsim/error.hpp"
#include "sgdsim/sim/simulate.hpp"

using namespace sgdsim;

TEST_CASE("simulated sync SGD on an ideal network: iteration k ends at the sum of per-iteration maxima of task times") {
  const Scenario scenario = parse_scenario(R"({
    "name": "sim-sync", "seed": 3, "repetitions": 2,
    "problem": {"objective": "logistic", "data": {"synthetic": {"samples": 100, "features": 5}}},
    "cluster": {"workers": 4, "network": {"topology": "ideal"},
                "compute": {"seconds_per_pass": 2.0, "straggling": {"rate": 5.0}}},
    "algorithm": {"name": "sync_sgd", "batch_size": 10, "step_size": 0.1},
    "stop": {"iterations": 5}
  })");
  const Problem problem = make_problem(scenario);
  const RunResults results = sim::simulate(scenario, problem);

  REQUIRE(results.summaries.size() == 2);
  const double load = 10.0 / 100.0;  // B / samples
  for (int repetition = 0; repetition < 2; ++repetition) {
    CAPTURE(repetition);
    // Every worker draws one task per iteration from its own streams; the all-reduce waits for the slowest, and the
    // ideal network adds (almost) nothing.
    std::vector<StragglerModel> models;
    for (int w = 0; w < 4; ++w) models.emplace_back(scenario.cluster.compute, scenario.seed, repetition, w);
    std::vector<double> expected;
    double t = 0;
    for (int k = 0; k < 5; ++k) {
      double slowest = 0;
      for (auto& m : models) slowest = std::max(slowest, m.draw(load).total());
      t += slowest;
      expected.push_back(t);
    }
    std::vector<double> times;
    for (const auto& record : results.iterations)
      if (record.run == repetition && record.iteration >= 1) times.push_back(record.time);
    REQUIRE(times.size() == 5);
    for (std::size_t k = 0; k < 5; ++k) CHECK(times[k] == doctest::Approx(expected[k]).epsilon(1e-9));
    CHECK(results.summaries[static_cast<std::size_t>(repetition)].iterations == 5);
  }
}

TEST_CASE("simulate with more ranks than a platform file's hosts is a ConfigError") {
  Scenario scenario = parse_scenario(R"({
    "name": "too-many", "seed": 1,
    "problem": {"objective": "logistic", "data": {"synthetic": {"samples": 40, "features": 3}}},
    "cluster": {"workers": 33, "compute": {"seconds_per_pass": 1.0}},
    "algorithm": {"name": "sync_sgd", "batch_size": 1, "step_size": 0.1},
    "stop": {"iterations": 1}
  })");
  scenario.cluster.network.platform_file = std::string(SGDSIM_SOURCE_DIR) + "/platforms/cluster32.xml";
  const Problem problem = make_problem(scenario);
  CHECK_THROWS_AS(sim::simulate(scenario, problem), ConfigError);
}

TEST_CASE("simulated ignore-stragglers GD on an ideal network: each iteration lasts the r-th fastest task time") {
  const Scenario scenario = parse_scenario(R"({
    "name": "sim-ignore", "seed": 5,
    "problem": {"objective": "logistic", "data": {"synthetic": {"samples": 120, "features": 4}}},
    "cluster": {"workers": 6, "network": {"topology": "ideal"},
                "compute": {"seconds_per_pass": 1.0, "straggling": {"rate": 2.0}}},
    "algorithm": {"name": "ignore_stragglers", "wait_for": 4, "step_size": 0.5},
    "stop": {"iterations": 6}
  })");
  const Problem problem = make_problem(scenario);
  const RunResults results = sim::simulate(scenario, problem);

  // Rank 0 is the PS; worker w (rank w+1) draws one task of load 20/120 per iteration. Late workers are interrupted
  // by the next model, so every iteration starts on all workers at once.
  std::vector<StragglerModel> models;
  for (int w = 0; w < 6; ++w) models.emplace_back(scenario.cluster.compute, scenario.seed, 0, w);
  std::vector<double> expected;
  double t = 0;
  for (int k = 0; k < 6; ++k) {
    std::vector<double> draws;
    for (auto& m : models) draws.push_back(m.draw(20.0 / 120.0).total());
    std::sort(draws.begin(), draws.end());
    t += draws[3];
    expected.push_back(t);
  }
  std::vector<double> times;
  for (const auto& record : results.iterations)
    if (record.iteration >= 1) times.push_back(record.time);
  REQUIRE(times.size() == 6);
  for (std::size_t k = 0; k < 6; ++k) CHECK(times[k] == doctest::Approx(expected[k]).epsilon(1e-9));
}
