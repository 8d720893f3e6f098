// Presets of one framework: cooperative with W = J is local SGD bit for bit; EASGD's two anchor placements give the
// same iterates with different traffic; EASGD with α = 0 leaves every worker on its own.
#include <doctest/doctest.h>

#include "cooperative_fixture.hpp"
#include "sgdsim/core/algorithms/cooperative/params.hpp"
#include "sim_fixture.hpp"

using namespace sgdsim;
using namespace sgdsim::testing;

namespace {

const std::string CLUSTER = R"({"workers": 6, "network": {"topology": "star", "bandwidth": "1Gbps", "latency": "50us"},
    "compute": {"seconds_per_pass": 1.0, "straggling": {"rate": 2.0}}})";

RunResults run(const std::string& algorithm, int iterations = 60, int every = 1) {
  Scenario s = parse_scenario(scenario_text(CLUSTER, algorithm, R"({"iterations": )" + std::to_string(iterations) + "}"));
  s.output.every = every;
  return simulate_in_child(s, make_problem(s));
}

void check_identical(const RunResults& a, const RunResults& b) {
  REQUIRE(a.iterations.size() == b.iterations.size());
  for (std::size_t i = 0; i < a.iterations.size(); ++i) {
    CAPTURE(i);
    CHECK(same_rows(a.iterations[i], b.iterations[i]));
  }
  REQUIRE(a.workers.size() == b.workers.size());
  for (std::size_t i = 0; i < a.workers.size(); ++i) CHECK(same_rows(a.workers[i], b.workers[i]));
  REQUIRE(a.models.size() == b.models.size());
  for (std::size_t i = 0; i < a.models[0].size(); ++i) CHECK(same_bits(a.models[0][i], b.models[0][i]));
}

}  // namespace

TEST_CASE("cooperative with W = J (a complete graph) is local SGD bit for bit, with a constant tau and a schedule") {
  check_identical(run(R"({"name": "cooperative", "batch_size": 8, "tau": 3, "step_size": 0.3})"),
                  run(R"({"name": "local_sgd", "batch_size": 8, "tau": 3, "step_size": 0.3})"));
  const std::string linear = R"("tau": {"schedule": "linear", "tau0": 2, "alpha": 0.5})";
  check_identical(run(R"({"name": "cooperative", "batch_size": 8, "topology": "complete", )" + linear +
                      R"(, "step_size": 0.3})"),
                  run(R"({"name": "local_sgd", "batch_size": 8, )" + linear + R"(, "step_size": 0.3})"));
}

TEST_CASE("EASGD's anchor on a server or replicated: the same iterates, the traffic of each placement") {
  const std::string easgd = R"({"name": "easgd", "batch_size": 8, "tau": 2, "alpha": 0.1, "step_size": 0.3, "anchor": )";
  const RunResults server = run(easgd + R"("server"})", 40, 2);
  const RunResults replicated = run(easgd + R"("replicated"})", 40, 2);
  REQUIRE(server.iterations.size() == replicated.iterations.size());
  for (std::size_t i = 0; i < server.iterations.size(); ++i) {
    const auto& a = server.iterations[i];
    const auto& b = replicated.iterations[i];
    if (std::isnan(a.loss) || a.iteration == 0) continue;  // iteration 0: the common starting point
    // Σ x_j: summed in worker order on the server, by the all-reduce's schedule and scaled back when replicated.
    CHECK(a.loss == doctest::Approx(b.loss).epsilon(1e-12));
    CHECK(a.consensus == doctest::Approx(b.consensus).epsilon(1e-9));
  }
  // Per round, d = 8: the server sends z to 6 workers and gets 6 models (12·64 B); replicated, an all-reduce of 8
  // doubles over 6 ranks by recursive doubling (ranks 4, 5 fold in and out: 2·2 + 4·2 = 12 messages of 64 B).
  CHECK(server.summaries[0].bytes == 20 * 12 * 64);
  CHECK(replicated.summaries[0].bytes == 20 * 12 * 64);
  CHECK(server.summaries[0].zeta == doctest::Approx(0.9));
}

TEST_CASE("EASGD with alpha = 0 leaves the workers independent: the run of cooperative with W = I") {
  // α = 0 is outside the scenario's range (it is not EASGD any more); set in code.
  Scenario s = parse_scenario(scenario_text(
      CLUSTER, R"({"name": "easgd", "batch_size": 8, "tau": 2, "alpha": 0.1, "step_size": 0.3})", R"({"iterations": 30})"));
  CooperativeParams p = s.algorithm.params_as<CooperativeParams>();
  p.mixing = elastic_matrix(6, 0.0);
  s.algorithm.params = std::make_shared<const CooperativeParams>(p);
  const RunResults easgd = simulate_in_child(s, make_problem(s));
  std::string identity = "[";
  for (int i = 0; i < 6; ++i) {
    identity += i ? ", [" : "[";
    for (int j = 0; j < 6; ++j) identity += std::string(j ? ", " : "") + (i == j ? "1" : "0");
    identity += "]";
  }
  const RunResults alone = run(R"({"name": "cooperative", "batch_size": 8, "tau": 2, "step_size": 0.3, "mixing": )" +
                               identity + "]}", 30);
  REQUIRE(easgd.iterations.size() == alone.iterations.size());
  for (std::size_t i = 0; i < easgd.iterations.size(); ++i) {
    CAPTURE(i);
    // Worker 0's loss, and through the consensus distance every worker's model, as if nobody mixed.
    CHECK(same_bits(easgd.iterations[i].loss, alone.iterations[i].loss));
    CHECK(same_bits(easgd.iterations[i].consensus, alone.iterations[i].consensus));
  }
  CHECK(easgd.iterations.back().consensus > 0);
  for (std::size_t i = 0; i < easgd.models[0].size(); ++i) CHECK(same_bits(easgd.models[0][i], alone.models[0][i]));
  CHECK(alone.summaries[0].bytes == 0);  // W = I: no neighbours, nothing sent
  CHECK(alone.summaries[0].zeta == doctest::Approx(1.0));
}
