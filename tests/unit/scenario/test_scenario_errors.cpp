// Scenario validation: each kind of mistake gives "scenario.<path>: <expected>, got <found>".
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "scenario_test_util.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;

namespace {

const char* const BASE = R"({
  "problem": {"objective": "logistic", "data": {"synthetic": {"samples": 100, "features": 5}}},
  "cluster": {"workers": 30},
  "algorithm": {"name": "agc", "wait_for": 11, "step_size": 0.5},
  "stop": {"iterations": 10}
})";

// The ConfigError message of BASE with the overrides applied, or "(no error)".
std::string error_of(const std::vector<std::string>& overrides, const std::string& text = BASE) {
  return test::scenario_error(text, overrides);
}

}  // namespace

TEST_CASE("the base scenario of these tests is valid") { CHECK(error_of({}) == "(no error)"); }

TEST_CASE("unknown keys are errors naming their full path") {
  CHECK(error_of({"colour=1"}).starts_with("scenario.colour: unknown key (expected one of name, seed,"));
  CHECK(error_of({"cluster.compute.straggling.lambda=2"}) ==
        "scenario.cluster.compute.straggling.lambda: unknown key (expected one of rate)");
  CHECK(error_of({"problem.data.synthetic.rows=3"}).starts_with("scenario.problem.data.synthetic.rows: unknown key"));
  CHECK(error_of({"problem.data.hdf5={}"}).starts_with("scenario.problem.data.hdf5: unknown key"));
}

TEST_CASE("a key of another algorithm is an error for the chosen one") {
  CHECK(error_of({"algorithm.tau=20"}).starts_with("scenario.algorithm.tau: unknown key for algorithm agc"));
  CHECK(error_of({"algorithm.name=sync_sgd"})
            .starts_with("scenario.algorithm.wait_for: unknown key for algorithm sync_sgd"));
  CHECK(error_of({"algorithm.name=egc", "algorithm.wait_for=null", "algorithm.batch_size=4"})
            .starts_with("scenario.algorithm.batch_size: unknown key for algorithm egc"));
}

TEST_CASE("wrong JSON types name the expected type") {
  CHECK(error_of({"cluster.workers=many"}) == "scenario.cluster.workers: must be an integer >= 1, got \"many\"");
  CHECK(error_of({"cluster.compute.numerics=yes"}) ==
        "scenario.cluster.compute.numerics: must be a boolean, got \"yes\"");
  CHECK(error_of({"cluster.compute=[1,2]"}) == "scenario.cluster.compute: must be an object, got an array");
  CHECK(error_of({"cluster.network=5"}) ==
        "scenario.cluster.network: must be a platform file path or an object, got 5");
  CHECK(error_of({"problem.l2=\"small\""}) == "scenario.problem.l2: must be a number >= 0, got \"small\"");
  CHECK(error_of({}, "[1, 2]") == "scenario: must be an object, got an array");
}

TEST_CASE("integers must be integral") {
  CHECK(error_of({"cluster.workers=3.5"}) == "scenario.cluster.workers: must be an integer >= 1, got 3.5");
  CHECK(error_of({"stop.iterations=1e-1"}) == "scenario.stop.iterations: must be an integer >= 1, got 0.1");
  CHECK(error_of({"cluster.workers=30.0"}) == "(no error)");
}

TEST_CASE("out-of-range values are errors") {
  CHECK(error_of({"cluster.workers=0"}) == "scenario.cluster.workers: must be an integer >= 1, got 0");
  CHECK(error_of({"seed=-1"}) == "scenario.seed: must be an integer >= 0, got -1");
  CHECK(error_of({"repetitions=0"}) == "scenario.repetitions: must be an integer >= 1, got 0");
  CHECK(error_of({"problem.l2=-1"}) == "scenario.problem.l2: must be a number >= 0, got -1");
  CHECK(error_of({"problem.data.synthetic.density=1.5"}) ==
        "scenario.problem.data.synthetic.density: must be a number in (0, 1], got 1.5");
  CHECK(error_of({"algorithm.step_size=0"}).starts_with("scenario.algorithm.step_size: must be a number > 0, got 0"));
  CHECK(error_of({"cluster.compute.seconds_per_pass=-2"}) ==
        "scenario.cluster.compute.seconds_per_pass: must be a number > 0 and <= 1e6 (seconds), got -2");
  CHECK(error_of({"cluster.compute.slowdown.30=2"}) ==
        "scenario.cluster.compute.slowdown.30: must be a worker index in [0, cluster.workers = 30), got \"30\"");
  CHECK(error_of({"cluster.compute.slowdown.2=0"}) ==
        "scenario.cluster.compute.slowdown.2: must be a number >= 1e-6 and <= 1e6 (a factor), got 0");
  CHECK(error_of({"stop.time=0"}) == "scenario.stop.time: must be a number > 0, got 0");
  CHECK(error_of({"output.every=0"}) == "scenario.output.every: must be an integer >= 1, got 0");
  CHECK(error_of({"output.workers=0"}) ==
        "scenario.output.workers: must be true, false or an integer N >= 1 (every N-th iteration), got 0");
  CHECK(error_of({"output.workers=\"some\""}) ==
        "scenario.output.workers: must be true, false or an integer N >= 1 (every N-th iteration), got \"some\"");
}

TEST_CASE("enumerations list the allowed names") {
  CHECK(error_of({"cluster.network.topology=ring"}) ==
        "scenario.cluster.network.topology: must be one of star, cluster, ideal, got \"ring\"");
  CHECK(error_of({"cluster.network.broadcast=multicast"}) ==
        "scenario.cluster.network.broadcast: must be one of unicast, tree, got \"multicast\"");
  CHECK(error_of({"cluster.compute.device=gpu"}) ==
        "scenario.cluster.compute.device: must be one of reference, cpu, cuda, got \"gpu\"");
  CHECK(error_of({"algorithm.name=adam"}) ==
        "scenario.algorithm.name: must be one of sync_sgd, local_sgd, easgd, dpsgd, cooperative, ri_sgd, uncoded, egc, "
        "agc, ignore_stragglers, got \"adam\"");
  CHECK(error_of({"algorithm.step_size={\"schedule\": \"cosine\", \"eta0\": 1}"}) ==
        "scenario.algorithm.step_size.schedule: must be one of inverse, got \"cosine\"");
}

TEST_CASE("missing required keys are named") {
  CHECK(error_of({"cluster.workers=null"}).starts_with("scenario.cluster.workers: is required"));
  CHECK(error_of({"algorithm.name=null"}).starts_with("scenario.algorithm.name: is required"));
  CHECK(error_of({"algorithm.step_size=null"}).starts_with("scenario.algorithm.step_size: is required"));
  CHECK(error_of({"problem.objective=null"}).starts_with("scenario.problem.objective: is required"));
  CHECK(error_of({"stop=null"}) ==
        "scenario.stop: is required (at least one of iterations, time, target_loss, target_accuracy)");
  CHECK(error_of({"stop={}"}) == "scenario.stop: must have at least one of iterations, time, target_loss, target_accuracy, got none");
}

TEST_CASE("the data source must be exactly one of synthetic, libsvm, csv, idx") {
  CHECK(error_of({"problem.data={}"}) ==
        "scenario.problem.data: must have exactly one of synthetic, libsvm, csv, idx, got none");
  CHECK(error_of({"problem.data.csv.path=x.csv"}) ==
        "scenario.problem.data: must have exactly one of synthetic, libsvm, csv, idx, got synthetic and csv");
  CHECK(error_of({"problem.objective=least_squares", "problem.data.synthetic.separation=2"}) ==
        "scenario.problem.data.synthetic.separation: unknown key for objective least_squares");
  // With a model the objective is cross_entropy, not the logistic its synthetic labels come from.
  CHECK(error_of({"problem.objective=null", "problem.model={\"name\": \"softmax\"}", "problem.data.synthetic.noise=0.1"}) ==
        "scenario.problem.data.synthetic.noise: unknown key for objective cross_entropy (a model's synthetic data is "
        "the two-class logistic set, which takes separation)");
  CHECK(error_of({"problem.data={\"csv\": {\"path\": \"x.csv\", \"label_column\": -1}}"}) ==
        "scenario.problem.data.csv.label_column: must be a column name or a column index >= 0, got -1");
}

TEST_CASE("wait_for and tasks_per_worker are checked against the number of workers") {
  CHECK(error_of({"algorithm.wait_for=31"}) ==
        "scenario.algorithm.wait_for: must be between 1 and cluster.workers (30), got 31");
  CHECK(error_of({"algorithm.wait_for=0"}) ==
        "scenario.algorithm.wait_for: must be between 1 and cluster.workers (30), got 0");
  CHECK(error_of({"algorithm.wait_for=null"}).starts_with("scenario.algorithm.wait_for: is required"));
  CHECK(error_of({"algorithm.tasks_per_worker=7"}) ==
        "scenario.algorithm.tasks_per_worker: must divide cluster.workers (30), got 7");
  CHECK(error_of({"algorithm.name=egc", "algorithm.wait_for=null", "algorithm.tasks_per_worker=4"}) ==
        "scenario.algorithm.tasks_per_worker: must divide cluster.workers (30), got 4");
  CHECK(error_of({"algorithm.name=local_sgd", "algorithm.wait_for=null", "algorithm.tau=0"}) ==
        "scenario.algorithm.tau: must be an integer >= 1 or a schedule {\"schedule\": \"list\" | \"linear\" | "
        "\"loss\", ...}, got 0");
}

TEST_CASE("bad bandwidth and latency strings name their path") {
  CHECK(error_of({"cluster.network.bandwidth=fast"})
            .starts_with("scenario.cluster.network.bandwidth: must be a bandwidth > 0 with a unit"));
  CHECK(error_of({"cluster.network.bandwidth=fast"}).ends_with(", got \"fast\""));
  CHECK(error_of({"cluster.network.latency=5m"})
            .starts_with("scenario.cluster.network.latency: must be a duration >= 0"));
  CHECK(error_of({"cluster.network.latency=5m"}).ends_with(", got \"5m\""));
  CHECK(error_of({"cluster.network.bandwidth=1000000000"})
            .starts_with("scenario.cluster.network.bandwidth: must be a bandwidth string"));
}

TEST_CASE("cluster.failures: entries, their defaults in the resolved scenario, and their errors") {
  const Scenario s = parse_scenario(BASE, {R"(cluster.failures=[{"worker": 3, "at": 12.5},
      {"worker": 4, "at": {"iteration": 7}}, {"rate": 0.01}])"});
  REQUIRE(s.cluster.failures.listed.size() == 2);
  CHECK(s.cluster.failures.listed[0].worker == 3);
  CHECK(*s.cluster.failures.listed[0].time == 12.5);
  CHECK(*s.cluster.failures.listed[1].iteration == 7);
  CHECK(*s.cluster.failures.rate == 0.01);
  CHECK(s.resolved_json.find(R"("failures": [
      {
        "worker": 3,
        "at": 12.5
      },)") != std::string::npos);
  CHECK(parse_scenario(s.resolved_json).resolved_json == s.resolved_json);
  CHECK(parse_scenario(BASE).resolved_json.find("failures") == std::string::npos);  // absent when none

  CHECK(error_of({"cluster.failures=3"}) ==
        "scenario.cluster.failures: must be an array of {worker, at} and {rate} objects, got 3");
  CHECK(error_of({R"(cluster.failures=[{"worker": 30, "at": 1}])"}) ==
        "scenario.cluster.failures[0].worker: must be a worker index in [0, cluster.workers = 30), got 30");
  CHECK(error_of({R"(cluster.failures=[{"worker": 1, "at": -1}])"}) ==
        "scenario.cluster.failures[0].at: must be a number >= 0, got -1");
  CHECK(error_of({R"(cluster.failures=[{"worker": 1, "at": {"iteration": 0}}])"}) ==
        "scenario.cluster.failures[0].at.iteration: must be an integer >= 1, got 0");
  CHECK(error_of({R"(cluster.failures=[{"worker": 1, "at": 2}, {"worker": 1, "at": 3}])"}) ==
        "scenario.cluster.failures[1].worker: worker 1 fails twice");
  CHECK(error_of({R"(cluster.failures=[{"rate": 1}, {"rate": 2}])"}) ==
        "scenario.cluster.failures[1].rate: given twice: one {rate} entry applies to every worker");
  CHECK(error_of({R"(cluster.failures=[{"worker": 1}])"}).starts_with("scenario.cluster.failures[0].at: is required"));
  CHECK(error_of({R"(cluster.failures=[{"rate": 1, "worker": 2}])"})
            .starts_with("scenario.cluster.failures[0].worker: unknown key in a {rate} entry"));
  CHECK(error_of({R"(cluster.failures=[{"rate": 1}])", "algorithm={\"name\": \"dpsgd\", \"step_size\": 1}"}) ==
        "scenario.cluster.failures: dpsgd waits for every worker at every exchange and has no rule for a missing one "
        "(it would wait forever): failures apply to uncoded, egc, agc, ignore_stragglers, local_sgd and ri_sgd");
}
