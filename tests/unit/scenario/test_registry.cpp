// The algorithm registry: the built-in entries and their rank layouts, and an algorithm registered from outside taking
// its own keys through the scenario parser (defaults, errors with paths, resolved JSON) like a built-in one.
#include <doctest/doctest.h>

#include <string>

#include "sgdsim/core/algorithms/registry.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;

namespace {

std::string scenario_with(const std::string& algorithm, int workers = 4) {
  return R"({"problem": {"objective": "logistic", "data": {"synthetic": {"samples": 40, "features": 3}}},
             "cluster": {"workers": )" +
         std::to_string(workers) + R"(}, "algorithm": )" + algorithm + R"(, "stop": {"iterations": 5}})";
}

std::string error_of(const std::string& text) {
  try {
    parse_scenario(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

// A toy algorithm with one optional and one required key: what an external project declares.
struct ToyParams : AlgorithmParams {
  double momentum = 0.9;
  int lag = 0;
};

AlgorithmDef toy_algorithm(const std::string& name) {
  return make_algorithm<ToyParams>(
      name, "a toy for the registry tests", CommShape::PARAMETER_SERVER,
      {{"momentum", "0.9", "heavy-ball coefficient"}, {"lag", "required", "iterations of delay, < workers"}},
      [](const config::Object& o, const Scenario& s) {
        ToyParams p;
        p.momentum = o.number_or("momentum", p.momentum, config::Bound::NON_NEGATIVE);
        p.lag = config::read_int32(o.require("lag", "an integer"), o.at("lag"), 0, s.cluster.workers - 1);
        return p;
      },
      [](const ToyParams& p, config::ordered_json& out) {
        out["momentum"] = p.momentum;
        out["lag"] = p.lag;
      },
      [](const RunContext&, const ToyParams& p) {
        RunOutcome outcome;
        outcome.model = {p.momentum, static_cast<double>(p.lag)};
        return outcome;
      });
}

}  // namespace

TEST_CASE("the built-in algorithms are registered in order with their rank layouts") {
  const auto names = AlgorithmRegistry::instance().names();
  REQUIRE(names.size() >= 10);
  CHECK(std::vector<std::string_view>(names.begin(), names.begin() + 10) ==
        std::vector<std::string_view>{"sync_sgd", "local_sgd", "easgd", "dpsgd", "cooperative", "ri_sgd", "uncoded",
                                      "egc", "agc", "ignore_stragglers"});
  for (const char* peer : {"sync_sgd", "local_sgd", "dpsgd", "cooperative"}) {
    const Scenario s = parse_scenario(scenario_with(R"({"name": ")" + std::string(peer) + R"(", "step_size": 1})"));
    CHECK(find_algorithm(peer).shape == CommShape::PEERS);
    CHECK(ranks_needed(s) == 4);
    CHECK(worker_of_rank(s, 0) == 0);
    CHECK(worker_of_rank(s, 3) == 3);
  }
  // easgd's anchor on a server is one more rank, after the workers (rank 0 stays worker 0); replicated, none.
  const Scenario server = parse_scenario(scenario_with(R"({"name": "easgd", "step_size": 1, "alpha": 0.1})"));
  CHECK(comm_shape(server) == CommShape::PEERS_AND_SERVER);
  CHECK(ranks_needed(server) == 5);
  CHECK(worker_of_rank(server, 0) == 0);
  CHECK(worker_of_rank(server, 4) == -1);
  const Scenario replicated =
      parse_scenario(scenario_with(R"({"name": "easgd", "step_size": 1, "alpha": 0.1, "anchor": "replicated"})"));
  CHECK(ranks_needed(replicated) == 4);
  // local_sgd and ri_sgd leaving workers behind (wait_for < workers) average through an aggregator rank after them.
  for (const char* name : {"local_sgd", "ri_sgd"}) {
    const std::string head = R"({"name": ")" + std::string(name) + R"(", "step_size": 1, "wait_for": )";
    const Scenario s = parse_scenario(scenario_with(head + "3}"));
    CHECK(comm_shape(s) == CommShape::PEERS_AND_SERVER);
    CHECK(ranks_needed(s) == 5);
    CHECK(worker_of_rank(s, 4) == -1);
    CHECK(ranks_needed(parse_scenario(scenario_with(head + "4}"))) == 4);
  }
  const Scenario agc = parse_scenario(scenario_with(R"({"name": "agc", "step_size": 1, "wait_for": 3})"));
  CHECK(agc.algorithm.def->shape == CommShape::PARAMETER_SERVER);
  CHECK(ranks_needed(agc) == 5);
  CHECK(worker_of_rank(agc, 0) == -1);
  CHECK(worker_of_rank(agc, 4) == 3);
  for (const auto& def : AlgorithmRegistry::instance().all()) CHECK_FALSE(def.description.empty());
}

TEST_CASE("an algorithm registered from outside is parsed, validated and resolved through the registry") {
  register_algorithm(toy_algorithm("toy_ps"));
  const Scenario s = parse_scenario(scenario_with(R"({"name": "toy_ps", "step_size": 0.5, "lag": 2})"));
  CHECK(s.algorithm.name() == "toy_ps");
  CHECK(s.algorithm.params_as<ToyParams>().momentum == 0.9);  // the declared default
  CHECK(s.algorithm.params_as<ToyParams>().lag == 2);
  CHECK(ranks_needed(s) == 5);
  // The resolved scenario carries its keys after name and step_size, and parses back to the same.
  CHECK(s.resolved_json.find(R"("name": "toy_ps",
    "step_size": 0.5,
    "momentum": 0.9,
    "lag": 2)") != std::string::npos);
  CHECK(parse_scenario(s.resolved_json).resolved_json == s.resolved_json);
  // Its errors name the JSON path, and keys it does not declare are rejected like any algorithm's.
  CHECK(error_of(scenario_with(R"({"name": "toy_ps", "step_size": 1, "lag": 4})")) ==
        "scenario.algorithm.lag: must be an integer between 0 and 3, got 4");
  CHECK(error_of(scenario_with(R"({"name": "toy_ps", "step_size": 1})")).starts_with("scenario.algorithm.lag: is required"));
  CHECK(error_of(scenario_with(R"({"name": "toy_ps", "step_size": 1, "lag": 0, "tau": 2})")) ==
        "scenario.algorithm.tau: unknown key for algorithm toy_ps (expected one of name, step_size, momentum, lag)");
  // The listing of valid names includes it; another type of parameters is refused, not reinterpreted.
  CHECK(error_of(scenario_with(R"({"name": "adam", "step_size": 1})")).find("ignore_stragglers, toy_ps") !=
        std::string::npos);
  struct Other : AlgorithmParams {};
  CHECK_THROWS_AS(s.algorithm.params_as<Other>(), ConfigError);
  CHECK(s.algorithm.params_if<Other>() == nullptr);
}

TEST_CASE("registration refuses taken, malformed and incomplete definitions") {
  CHECK_THROWS_WITH_AS(register_algorithm(toy_algorithm("agc")),
                       "register_algorithm(\"agc\"): an algorithm of this name is already registered", ConfigError);
  CHECK_THROWS_AS(register_algorithm(toy_algorithm("Bad-Name")), ConfigError);
  CHECK_THROWS_AS(register_algorithm(toy_algorithm("")), ConfigError);
  AlgorithmDef no_run = toy_algorithm("toy_no_run");
  no_run.run = nullptr;
  CHECK_THROWS_WITH_AS(register_algorithm(no_run), "register_algorithm(\"toy_no_run\"): parse, resolve and run are required",
                       ConfigError);
  AlgorithmDef common_key = toy_algorithm("toy_common_key");
  common_key.keys.push_back({"step_size", "1", "declared again"});
  CHECK_THROWS_AS(register_algorithm(common_key), ConfigError);
  CHECK(AlgorithmRegistry::instance().find("toy_no_run") == nullptr);
  CHECK_THROWS_WITH_AS(find_algorithm("nope"), doctest::Contains("unknown algorithm \"nope\" (registered: sync_sgd"),
                       ConfigError);
}
