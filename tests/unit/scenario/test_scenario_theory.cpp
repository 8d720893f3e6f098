// The extension keys this layer adds: theory (constants for sgdsim bounds), description, agc's stop_when and l2_term,
// model averaging's sampling — defaults, resolved JSON and errors naming their path.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sgdsim/core/algorithms/gradient_coding.hpp"
#include "sgdsim/core/algorithms/cooperative/params.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;

namespace {

const char* const AGC = R"({
  "problem": {"objective": "logistic", "data": {"synthetic": {"samples": 100, "features": 5}}},
  "cluster": {"workers": 6},
  "algorithm": {"name": "agc", "tasks_per_worker": 2, "wait_for": 3, "step_size": 0.5},
  "stop": {"iterations": 10}
})";

std::string error_of(const std::vector<std::string>& overrides) {
  try {
    parse_scenario(AGC, overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("theory: given constants are read, resolved only when present, and round-trip") {
  const Scenario plain = parse_scenario(AGC);
  CHECK(plain.theory.empty());
  CHECK(plain.resolved_json.find("\"theory\"") == std::string::npos);
  const Scenario s = parse_scenario(AGC, {"theory={\"pl_constant\": 0.5, \"f_star\": -1.25, \"zeta\": 0}"});
  CHECK(s.theory.pl_constant == 0.5);
  CHECK(s.theory.f_star == -1.25);
  CHECK(s.theory.zeta == 0.0);
  CHECK_FALSE(s.theory.smoothness.has_value());
  const Scenario back = parse_scenario(s.resolved_json);
  CHECK(back.resolved_json == s.resolved_json);
  CHECK(back.theory.f_star == -1.25);
}

TEST_CASE("theory: unknown keys and out-of-range values name their path") {
  CHECK(error_of({"theory.kappa=3"}).starts_with("scenario.theory.kappa: unknown key (expected one of smoothness,"));
  CHECK(error_of({"theory.zeta=1"}) == "scenario.theory.zeta: must be a number in [0, 1), got 1");
  CHECK(error_of({"theory.zeta=-0.5"}) == "scenario.theory.zeta: must be a number in [0, 1), got -0.5");
  CHECK(error_of({"theory.gradient_bound=-1"}) == "scenario.theory.gradient_bound: must be a number >= 0, got -1");
  CHECK(error_of({"theory.smoothness=0"}) == "scenario.theory.smoothness: must be a number > 0, got 0");
  CHECK(error_of({"theory=3"}).starts_with("scenario.theory: must be an object"));
}

TEST_CASE("description is kept in the resolved scenario only when given") {
  const Scenario s = parse_scenario(AGC, {"description=\"not the paper's setting\""});
  CHECK(s.description == "not the paper's setting");
  CHECK(s.resolved_json.find("\"description\": \"not the paper's setting\"") != std::string::npos);
  CHECK(error_of({"description=3"}) == "scenario.description: must be a string, got 3");
}

TEST_CASE("agc: stop_when (r) and l2_term (covered) by default, the authors' rules on request") {
  const auto& p = parse_scenario(AGC).algorithm.params_as<CodingParams>();
  CHECK_FALSE(p.stop_when_covered);
  CHECK_FALSE(p.full_l2);
  const Scenario s = parse_scenario(AGC, {"algorithm.stop_when=r_or_covered", "algorithm.l2_term=full"});
  CHECK(s.algorithm.params_as<CodingParams>().stop_when_covered);
  CHECK(s.algorithm.params_as<CodingParams>().full_l2);
  CHECK(s.resolved_json.find("\"stop_when\": \"r_or_covered\"") != std::string::npos);
  CHECK(error_of({"algorithm.l2_term=half"}).starts_with("scenario.algorithm.l2_term: must be one of covered, full"));
  CHECK(error_of({"algorithm.name=egc", "algorithm.wait_for=null", "algorithm.stop_when=r"})
            .starts_with("scenario.algorithm.stop_when: unknown key for algorithm egc"));
}

TEST_CASE("model averaging: sampling shard by default, data_set on request") {
  const std::vector<std::string> local = {"algorithm={\"name\": \"local_sgd\", \"tau\": 2, \"step_size\": 0.1}"};
  CHECK_FALSE(parse_scenario(AGC, local).algorithm.params_as<CooperativeParams>().sample_data_set);
  CHECK(parse_scenario(AGC, local).resolved_json.find("sampling") == std::string::npos);  // the default: not written
  std::vector<std::string> data_set = local;
  data_set.push_back("algorithm.sampling=data_set");
  CHECK(parse_scenario(AGC, data_set).algorithm.params_as<CooperativeParams>().sample_data_set);
  // Every preset of the family takes it: D-PSGD on a ring too.
  const std::vector<std::string> dpsgd = {
      "algorithm={\"name\": \"dpsgd\", \"sampling\": \"data_set\", \"step_size\": 0.1}"};
  CHECK(parse_scenario(AGC, dpsgd).algorithm.params_as<CooperativeParams>().sample_data_set);
  CHECK(parse_scenario(AGC, dpsgd).resolved_json.find("\"sampling\": \"data_set\"") != std::string::npos);
  data_set.back() = "algorithm.sampling=everything";
  CHECK(error_of(data_set).starts_with("scenario.algorithm.sampling: must be one of shard, data_set"));
}
