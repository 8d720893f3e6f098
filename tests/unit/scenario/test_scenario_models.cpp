// problem.model, problem.test / holdout, the idx source and stop.target_accuracy: defaults, resolved JSON, errors.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sgdsim/core/models/model.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;

namespace {

const char* const MODEL = R"({
  "problem": {"model": {"name": "mlp"}, "data": {"synthetic": {"samples": 100, "features": 5}}},
  "cluster": {"workers": 4},
  "algorithm": {"name": "sync_sgd", "step_size": 0.1},
  "stop": {"iterations": 10}
})";

std::string error_of(const std::vector<std::string>& overrides) {
  try {
    parse_scenario(MODEL, overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

nlohmann::json problem_of(const std::vector<std::string>& overrides) {
  return nlohmann::json::parse(parse_scenario(MODEL, overrides).resolved_json)["problem"];
}

}  // namespace

TEST_CASE("an mlp gets its defaults, objective cross_entropy, and the init that suits its activation") {
  const auto p = problem_of({});
  CHECK(p["objective"] == "cross_entropy");
  CHECK(p["model"] == nlohmann::json::parse(R"({"name": "mlp", "hidden": [256, 128], "activation": "relu",
                                                "init": {"scheme": "he", "gain": 1.0}})"));
  CHECK(p["data"]["synthetic"].contains("separation"));
  CHECK(problem_of({"problem.model.activation=tanh"})["model"]["init"]["scheme"] == "xavier");
  CHECK(problem_of({R"(problem.model={"name": "softmax"})"})["model"] == nlohmann::json::parse(R"({"name": "softmax"})"));
  const Scenario s = parse_scenario(MODEL, {"problem.model.hidden=[8]", "problem.holdout=0.25"});
  REQUIRE(s.problem.model);
  CHECK(s.problem.model->def->name == "mlp");
  CHECK(s.problem.holdout == 0.25);
}

TEST_CASE("a linear scenario's resolved problem has no model, test or holdout key") {
  const auto p = problem_of({"problem.model=null", "problem.objective=logistic"});
  CHECK(p.size() == 3);
  CHECK(p["objective"] == "logistic");
}

TEST_CASE("objective and model: a model takes cross_entropy or nothing, cross_entropy needs a model") {
  CHECK(error_of({"problem.objective=cross_entropy"}) == "(no error)");
  CHECK(error_of({"problem.objective=logistic"}) ==
        "scenario.problem.objective: must be \"cross_entropy\" or absent with problem.model, got \"logistic\"");
  CHECK(error_of({"problem.model=null", "problem.objective=cross_entropy"}) ==
        "scenario.problem.objective: cross_entropy needs problem.model (one of softmax, mlp)");
}

TEST_CASE("model keys are checked with their paths") {
  CHECK(error_of({"problem.model.name=cnn"}) == "scenario.problem.model.name: must be one of softmax, mlp, got \"cnn\"");
  CHECK(error_of({"problem.model.depth=3"}) ==
        "scenario.problem.model.depth: unknown key for model mlp (expected one of name, hidden, activation, init)");
  CHECK(error_of({R"(problem.model={"name": "softmax", "hidden": [3]})"})
            .starts_with("scenario.problem.model.hidden: unknown key for model softmax"));
  CHECK(error_of({"problem.model.hidden=[]"}) ==
        "scenario.problem.model.hidden: must be a non-empty array of layer widths (integers >= 1), got an array");
  CHECK(error_of({"problem.model.hidden=[4, 0]"}) ==
        "scenario.problem.model.hidden[1]: must be a non-empty array of layer widths (integers >= 1), got 0");
  CHECK(error_of({"problem.model.activation=sigmoid"}) ==
        "scenario.problem.model.activation: must be one of relu, tanh, got \"sigmoid\"");
  CHECK(error_of({"problem.model.init.gain=0"}) == "scenario.problem.model.init.gain: must be a number > 0, got 0");
  CHECK(error_of({"problem.model.init.scheme=orthogonal"}) ==
        "scenario.problem.model.init.scheme: must be one of he, xavier, got \"orthogonal\"");
}

TEST_CASE("test sets: holdout is a fraction, test is a file source, not both, models only") {
  CHECK(error_of({"problem.holdout=1"}) == "scenario.problem.holdout: must be a fraction in (0, 1), got 1");
  CHECK(error_of({R"(problem.test={"synthetic": {"samples": 3, "features": 5}})"}) ==
        "scenario.problem.test.synthetic: a test set is read from a file (for synthetic data use problem.holdout)");
  CHECK(error_of({R"(problem.test={"csv": {"path": "t.csv"}})", "problem.holdout=0.1"}) ==
        "scenario.problem.holdout: give problem.test or problem.holdout, not both");
  CHECK(error_of({"problem.model=null", "problem.objective=logistic", "problem.holdout=0.1"}) ==
        "scenario.problem.holdout: needs problem.model (held-out evaluation is for classifiers)");
}

TEST_CASE("a holdout of synthetic data must leave a test row and a training row per worker") {
  // 100 samples: 0.004 holds out round(0.4) = 0 rows; 0.97 leaves 3 training rows for the 4 workers.
  CHECK(error_of({"problem.holdout=0.004"}) ==
        "scenario.problem.holdout: holds out round(0.004 x 100) = 0 of the 100 rows of the synthetic data set: it "
        "must leave at least one test row and one training row");
  CHECK(error_of({"problem.holdout=0.005"}) == "(no error)");
  CHECK(error_of({"problem.holdout=0.97"}) ==
        "scenario.cluster.workers: every worker holds a shard of the 3 training rows of the synthetic data set: must "
        "be at most 3, got 4");
  CHECK(error_of({"problem.holdout=0.96"}) == "(no error)");
}

TEST_CASE("the idx source: images and labels required, limit and scale optional, paths resolved") {
  const std::string idx = R"(problem.data={"idx": {"images": "a.gz", "labels": "b.gz", "limit": 500}})";
  const auto p = problem_of({idx});
  CHECK(p["data"]["idx"]["limit"] == 500);
  CHECK(!p["data"]["idx"].contains("scale"));
  CHECK(p["data"]["idx"]["images"].get<std::string>().ends_with("/a.gz"));
  CHECK(error_of({R"(problem.data={"idx": {"images": "a.gz"}})"}) ==
        "scenario.problem.data.idx.labels: is required (a file path)");
  CHECK(error_of({R"(problem.data={"idx": {"images": "a", "labels": "b", "scale": -1}})"}) ==
        "scenario.problem.data.idx.scale: must be a number > 0, got -1");
}

TEST_CASE("stop.target_accuracy is a fraction and needs a test set") {
  CHECK(error_of({"stop.target_accuracy=0.8"}) ==
        "scenario.stop.target_accuracy: needs a test set (problem.test or problem.holdout)");
  CHECK(error_of({"stop.target_accuracy=80", "problem.holdout=0.2"}) ==
        "scenario.stop.target_accuracy: must be a number in (0, 1], got 80");
  const Scenario s = parse_scenario(MODEL, {"stop.target_accuracy=0.8", "problem.holdout=0.2", "stop.iterations=null"});
  CHECK(s.stop.target_accuracy == 0.8);
}
