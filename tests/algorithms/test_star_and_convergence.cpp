// Communication time of a PS iteration on a star, and convergence of sync SGD to the optimum.
#include <doctest/doctest.h>

#include "sgdsim/analysis/estimate.hpp"
#include "sim_fixture.hpp"

using namespace sgdsim;
using namespace sgdsim::testing;

TEST_CASE("uncoded GD on a star: iteration time = broadcast + compute + gather, worked out by hand") {
  // k = 4 workers and the PS each on a 100 MB/s, 1 ms link to the center (routes of two links); d = 1000 features.
  // The PS sends [x, control] (1001 doubles) to all four at once: the four flows share the PS link, each gets 1/4 of
  // it, and all end together at 2·lat + 4·8008 B / 1e8 B/s. Every worker then computes load 1/4 of s = 0.2 s (no
  // straggling) and the four results (1000 doubles) share the PS link the same way.
  const std::string cluster = R"({"workers": 4,
      "network": {"topology": "star", "bandwidth": "100MBps", "latency": "1ms"},
      "compute": {"seconds_per_pass": 0.2, "numerics": false}})";
  const Scenario s = parse_scenario(
      scenario_text(cluster, R"({"name": "uncoded", "step_size": 0.1})", R"({"iterations": 5})", 400, 1000));
  const RunResults r = sim::simulate(s, make_problem(s));
  const double broadcast = 2 * 1e-3 + 4 * 1001 * 8 / 1e8;
  const double gather = 2 * 1e-3 + 4 * 1000 * 8 / 1e8;
  const double expected = broadcast + 0.25 * 0.2 + gather;
  REQUIRE(r.iterations.size() == 6);  // the starting point (iteration 0, time 0, no bytes) and 5 iterations
  CHECK(r.iterations[0].iteration == 0);
  CHECK(r.iterations[0].time == 0);
  CHECK(r.iterations[0].bytes == 0);
  for (std::size_t i = 1; i <= 5; ++i) CHECK(r.iterations[i].time == doctest::Approx(i * expected).epsilon(1e-9));
  // Bytes: per iteration 4 models out and 4 results in.
  CHECK(r.iterations[1].bytes == 4 * 1001 * 8 + 4 * 1000 * 8);
}

TEST_CASE("sync SGD on a small logistic problem ends within 1e-3 of the optimum from a full-batch solver") {
  const std::string cluster = R"({"workers": 4, "network": {"topology": "ideal"},
      "compute": {"seconds_per_pass": 1.0, "straggling": {"rate": 1.0}}})";
  const Scenario s = parse_scenario(scenario_text(
      cluster, R"({"name": "sync_sgd", "batch_size": 32, "step_size": {"schedule": "inverse", "eta0": 20, "a": 20}})",
      R"({"iterations": 3000})", 2000, 10));
  const Problem problem = make_problem(s);
  const RunResults r = sim::simulate(s, problem);
  const analysis::Optimum optimum = analysis::solve_optimum(problem);
  REQUIRE(optimum.converged);
  const double final_loss = r.summaries.at(0).final_loss;
  INFO("final loss " << final_loss << ", optimum " << optimum.loss);
  CHECK(final_loss >= optimum.loss - 1e-12);
  CHECK(final_loss - optimum.loss <= 1e-3);
}
