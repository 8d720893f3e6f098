// RI-SGD, the model-averaging family on redundant data: mu = 0 is local SGD bit for bit, the compute charged per
// iteration is q*B/N of a pass, eq. (3)'s sum against the iterate by hand, and the offline replication phase.
#include <doctest/doctest.h>

#include "cooperative_fixture.hpp"
#include "sgdsim/core/data/assignment.hpp"
#include "sim_fixture.hpp"

using namespace sgdsim;
using namespace sgdsim::testing;

namespace {

const std::string CLUSTER = R"({"workers": 4, "network": {"topology": "star", "bandwidth": "1Gbps", "latency": "50us"},
    "compute": {"seconds_per_pass": 2.0, "straggling": {"rate": 2.0}}})";

RunResults run(const std::string& algorithm, int iterations = 40, const std::string& cluster = CLUSTER) {
  Scenario s =
      parse_scenario(scenario_text(cluster, algorithm, R"({"iterations": )" + std::to_string(iterations) + "}"));
  return simulate_in_child(s, make_problem(s));
}

}  // namespace

TEST_CASE("ri_sgd with mu = 0 is local_sgd bit for bit (the same seed)") {
  const RunResults a = run(R"({"name": "ri_sgd", "batch_size": 8, "tau": 5, "redundancy": 0, "step_size": 0.3})");
  const RunResults b = run(R"({"name": "local_sgd", "batch_size": 8, "tau": 5, "step_size": 0.3})");
  REQUIRE(a.iterations.size() == b.iterations.size());
  for (std::size_t i = 0; i < a.iterations.size(); ++i) CHECK(same_rows(a.iterations[i], b.iterations[i]));
  REQUIRE(a.workers.size() == b.workers.size());
  for (std::size_t i = 0; i < a.workers.size(); ++i) CHECK(same_rows(a.workers[i], b.workers[i]));
  for (std::size_t i = 0; i < a.models[0].size(); ++i) CHECK(same_bits(a.models[0][i], b.models[0][i]));
  // Redundancy changes the iterates.
  const RunResults c = run(R"({"name": "ri_sgd", "batch_size": 8, "tau": 5, "redundancy": 0.25, "step_size": 0.3})");
  CHECK_FALSE(same_bits(c.models[0][0], b.models[0][0]));
}

TEST_CASE("the compute charged per iteration is q*B/N of a pass: ell*s without straggling") {
  // N = 600, p = 4, B = 10, s = 2: mu = 0.25 gives q = 2 (20 rows), mu = 0.1 gives q = 1.4 (10 + round(0.4*10) = 14
  // rows), heterogeneous mu_j each worker its own.
  const std::string cluster =
      R"({"workers": 4, "network": {"topology": "ideal"}, "compute": {"seconds_per_pass": 2.0}})";
  for (const auto& [mu, q] : std::vector<std::pair<double, double>>{{0.0, 1.0}, {0.25, 2.0}, {0.1, 1.4}, {0.75, 4.0}}) {
    CAPTURE(mu);
    const RunResults r = run(
        R"({"name": "ri_sgd", "batch_size": 10, "tau": 3, "step_size": 0.1, "redundancy": )" + std::to_string(mu) + "}",
        6, cluster);
    REQUIRE(r.workers.size() == 24);
    for (const auto& w : r.workers) CHECK(w.compute == doctest::Approx(q * 10 / 600 * 2.0).epsilon(1e-12));
    // Two rounds of three steps on an ideal network: the run takes 6 steps' compute.
    CHECK(r.summaries[0].time == doctest::Approx(6 * q * 10 / 600 * 2.0).epsilon(1e-12));
  }
  const Scenario s = parse_scenario(scenario_text(cluster, R"({"name": "ri_sgd", "batch_size": 10, "step_size": 0.1,
      "redundancy": 0.3, "replication": "heterogeneous", "redundancy_std": 0.2})",
                                                  R"({"iterations": 2})"));
  const RunResults r = simulate_in_child(s, make_problem(s));
  const auto mu = heterogeneous_redundancy(4, 0.3, 0.2, 7, 0);
  const Shards shards(600, 4, 7, 0);
  for (const auto& w : r.workers) {
    std::int64_t rows = 0;  // B per shard held whole, B·share of the partial one
    const double share = mu[static_cast<std::size_t>(w.worker)] * 4;
    rows = 10 * (1 + static_cast<std::int64_t>(std::floor(share + 1e-9)));
    const double frac = share - std::floor(share + 1e-9);
    if (frac > 1e-9) rows += std::lround(frac * 10);
    CHECK(w.compute == doctest::Approx(static_cast<double>(rows) / 600 * 2.0).epsilon(1e-12));
  }
}

TEST_CASE("eq. (3) by hand: with all data on both workers and one row per chunk, a step is the sum (or mean) of both") {
  // Seed 4 gives worker i row i: (1, 1) and (2, −1); mu = 1/2 = (p−1)/p, B = 1: each worker samples the one row of
  // each shard, so g = Σ_i a_i(a_i x − b_i) = 5x + 1 exactly, the same on both workers. η = 0.05, τ = 2.
  for (int i = 0; i < 2; ++i) REQUIRE(Shards(2, 2, 4, 0).shard(i)[0] == i);
  const Problem problem = scalar_problem({{1, 1}, {2, -1}});
  for (const char* combine : {"sum", "mean"}) {
    CAPTURE(combine);
    const Scenario s = parse_scenario(scalar_scenario(2,
                                                      std::string(R"({"name": "ri_sgd", "batch_size": 1,
        "step_size": 0.05, "tau": 2, "redundancy": 0.5, "combine": ")") +
                                                          combine + R"("})",
                                                      4, 4));
    const RunResults r = simulate_in_child(s, problem);
    const double scale = std::string(combine) == "sum" ? 1.0 : 0.5;
    double x = 0;
    for (int t = 0; t < 4; ++t) x -= 0.05 * scale * (5 * x + 1);
    CHECK(r.models[0][0] == doctest::Approx(x).epsilon(1e-14));
  }
}

TEST_CASE("replication_cost charges the transfer of the redundant rows once, before iteration 1") {
  // p = 4, mu = 0.25, N = 600: every worker receives one shard of 150 rows of 8 features + a label, 150·9·8 B.
  const std::string algorithm = R"({"name": "ri_sgd", "batch_size": 8, "tau": 5, "redundancy": 0.25,
      "step_size": 0.3, "replication_cost": )";
  const RunResults free = run(algorithm + "false}", 10);
  const RunResults paid = run(algorithm + "true}", 10);
  CHECK(paid.summaries[0].bytes == free.summaries[0].bytes + 4 * 150 * 9 * 8);
  // Each of the 4 transfers crosses two 1 Gbps links of the star, two flows per link (one in, one out): at least
  // 10800 B / 1.25e8 B/s.
  CHECK(paid.summaries[0].time > free.summaries[0].time + 10800 / 1.25e8);
  // The same iterates: the phase moves data, not the model.
  for (std::size_t i = 0; i < paid.models[0].size(); ++i) CHECK(same_bits(paid.models[0][i], free.models[0][i]));
}
