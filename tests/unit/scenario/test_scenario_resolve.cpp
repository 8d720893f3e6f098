// Scenario defaults, the resolved JSON round trip, and loading from a file.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "sgdsim/core/algorithms/gradient_coding.hpp"
#include "sgdsim/core/algorithms/cooperative/params.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;

namespace {

const char* const MINIMAL = R"({
  "problem": {"objective": "logistic", "data": {"synthetic": {"samples": 100, "features": 5}}},
  "cluster": {"workers": 30},
  "algorithm": {"name": "sync_sgd", "step_size": 0.5},
  "stop": {"iterations": 10}
})";

std::filesystem::path fresh_dir() {
  std::random_device rd;
  auto dir =
      std::filesystem::temp_directory_path() / ("sgdsim_scenario_" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir;
}

void write_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
}

}  // namespace

TEST_CASE("defaults are filled in for every optional key") {
  const Scenario s = parse_scenario(MINIMAL);
  CHECK(s.name == "scenario");
  CHECK(s.seed == 1);
  CHECK(s.repetitions == 1);
  CHECK(s.problem.objective == kernels::Loss::LOGISTIC);
  CHECK(s.problem.l2 == 0.0);
  const auto& d = std::get<SyntheticData>(s.problem.data);
  CHECK(d.samples == 100);
  CHECK(d.features == 5);
  CHECK(d.separation == 1.0);
  CHECK(d.density == 1.0);
  CHECK(s.cluster.workers == 30);
  CHECK(s.cluster.network.platform_file.empty());
  CHECK(s.cluster.network.topology == Topology::STAR);
  CHECK(s.cluster.network.bandwidth == 1.25e8);
  CHECK(s.cluster.network.latency == 5e-5);
  CHECK(s.cluster.network.bandwidth_text == "1Gbps");
  CHECK(s.cluster.network.latency_text == "50us");
  CHECK(s.cluster.compute.seconds_per_pass == 1.0);
  CHECK_FALSE(s.cluster.compute.straggling_rate.has_value());
  CHECK_FALSE(s.cluster.compute.delay_mean.has_value());
  CHECK(s.cluster.compute.slowdown.empty());
  CHECK(s.cluster.compute.inject == Inject::NONE);
  CHECK(s.cluster.compute.device == kernels::Device::CPU);
  CHECK(s.cluster.compute.numerics);
  CHECK(s.algorithm.name() == "sync_sgd");
  CHECK_FALSE(s.algorithm.step.inverse);
  CHECK(s.algorithm.step.at(7) == 0.5);
  CHECK(s.algorithm.params_as<CooperativeParams>().batch_size == 32);
  CHECK(s.algorithm.params_as<CooperativeParams>().average_gradients);
  CHECK(s.stop.iterations == 10);
  CHECK_FALSE(s.stop.time.has_value());
  CHECK(s.output.dir == std::filesystem::path("results/scenario"));
  CHECK(s.output.every == 1);
  CHECK(s.output.workers_every == 1);
  CHECK(s.source.empty());
}

TEST_CASE("resolved_json lists the defaults in canonical order") {
  const Scenario s = parse_scenario(MINIMAL);
  const std::string& j = s.resolved_json;
  CHECK(j.find("  \"name\": \"scenario\"") != std::string::npos);  // 2-space indent
  CHECK(j.find("\"bandwidth\": \"1Gbps\"") != std::string::npos);
  CHECK(j.find("\"latency\": \"50us\"") != std::string::npos);
  CHECK(j.find("\"batch_size\": 32") != std::string::npos);
  CHECK(j.find("\"dir\": \"results/scenario\"") != std::string::npos);
  CHECK(j.find("\"workers\": true") != std::string::npos);
  CHECK(j.find("wait_for") == std::string::npos);  // not a key of sync_sgd
  const char* order[] = {"\"name\"",    "\"seed\"",      "\"repetitions\"", "\"problem\"",
                         "\"cluster\"", "\"algorithm\"", "\"stop\"",        "\"output\""};
  for (std::size_t i = 0; i + 1 < std::size(order); ++i) CHECK(j.find(order[i]) < j.find(order[i + 1]));
}

TEST_CASE("parsing resolved_json again gives an identical scenario") {
  const char* text = R"({
    "name": "full", "seed": 18446744073709551615, "repetitions": 3,
    "problem": {"objective": "least_squares", "l2": 1e-4,
                "data": {"csv": {"path": "data/x.csv", "label_column": "y", "header": true}}},
    "cluster": {"workers": 12,
                "network": {"topology": "cluster", "bandwidth": "10MiBps", "latency": "1.5ms"},
                "compute": {"seconds_per_pass": 0.3, "straggling": {"rate": 2.5}, "delay": {"mean": 0.01},
                            "slowdown": {"3": 4.0, "11": 0.5}, "inject": "model", "device": "cuda",
                            "numerics": false}},
    "algorithm": {"name": "agc", "tasks_per_worker": 3, "wait_for": 7,
                  "step_size": {"schedule": "inverse", "eta0": 2.0, "a": 10}},
    "stop": {"iterations": 500, "time": 12.5, "target_loss": 0.1},
    "output": {"dir": "out/full", "every": 5, "workers": 10}
  })";
  const Scenario a = parse_scenario(text, {}, "/base");
  const Scenario b = parse_scenario(a.resolved_json, {}, "/elsewhere");
  CHECK(b.resolved_json == a.resolved_json);
  CHECK(b.name == "full");
  CHECK(b.seed == 18446744073709551615ULL);
  CHECK(b.repetitions == 3);
  CHECK(b.problem.objective == kernels::Loss::LEAST_SQUARES);
  CHECK(b.problem.l2 == 1e-4);
  const auto& csv = std::get<CsvData>(b.problem.data);
  CHECK(csv.path == std::filesystem::path("/base/data/x.csv"));  // resolved against the scenario's folder
  CHECK(std::get<std::string>(csv.label_column) == "y");
  CHECK(csv.header);
  CHECK(b.cluster.network.topology == Topology::CLUSTER);
  CHECK(b.cluster.network.bandwidth == 10.0 * 1024 * 1024);
  CHECK(b.cluster.network.bandwidth_text == "10MiBps");
  CHECK(b.cluster.network.latency == 1.5e-3);
  CHECK(b.cluster.compute.seconds_per_pass == 0.3);
  CHECK(b.cluster.compute.straggling_rate == 2.5);
  CHECK(b.cluster.compute.delay_mean == 0.01);
  CHECK(b.cluster.compute.slowdown == std::map<int, double>{{3, 4.0}, {11, 0.5}});
  CHECK(b.cluster.compute.inject == Inject::MODEL);
  CHECK(b.cluster.compute.device == kernels::Device::CUDA);
  CHECK_FALSE(b.cluster.compute.numerics);
  CHECK(b.algorithm.name() == "agc");
  CHECK(b.algorithm.params_as<CodingParams>().rule == WaitRule::FIRST_R);
  CHECK(b.algorithm.params_as<CodingParams>().tasks_per_worker == 3);
  CHECK(b.algorithm.params_as<CodingParams>().wait_for == 7);
  CHECK(b.algorithm.step.inverse);
  CHECK(b.algorithm.step.at(0) == doctest::Approx(0.2));  // 2 / (0 + 10)
  CHECK(b.stop.iterations == 500);
  CHECK(b.stop.time == 12.5);
  CHECK(b.stop.target_loss == 0.1);
  CHECK(b.output.dir == std::filesystem::path("out/full"));  // stays relative to the current directory
  CHECK(b.output.every == 5);
  CHECK(b.output.workers_every == 10);
}

TEST_CASE("round trip keeps a platform file, libsvm data and local_sgd keys") {
  const char* text = R"({
    "problem": {"objective": "logistic", "data": {"libsvm": {"path": "/data/a9a.svm", "features": 123}}},
    "cluster": {"workers": 4, "network": "platforms/star.xml"},
    "algorithm": {"name": "local_sgd", "tau": 8, "batch_size": 16, "step_size": 0.1},
    "stop": {"time": 60}
  })";
  const Scenario a = parse_scenario(text, {}, "/scen");
  const Scenario b = parse_scenario(a.resolved_json);
  CHECK(b.resolved_json == a.resolved_json);
  CHECK(b.cluster.network.platform_file == std::filesystem::path("/scen/platforms/star.xml"));
  const auto& l = std::get<LibsvmData>(b.problem.data);
  CHECK(l.path == std::filesystem::path("/data/a9a.svm"));
  CHECK(l.features == 123);
  CHECK(b.algorithm.name() == "local_sgd");
  CHECK(b.algorithm.params_as<CooperativeParams>().tau.tau(0) == 8);
  CHECK(b.algorithm.params_as<CooperativeParams>().batch_size == 16);
  CHECK_FALSE(b.algorithm.params_as<CooperativeParams>().average_gradients);
  CHECK(b.stop.time == 60.0);
}

TEST_CASE("load_scenario names the scenario after the file and resolves data paths against its folder") {
  const auto dir = fresh_dir();
  write_file(dir / "my-run.json", R"({
    "problem": {"objective": "logistic", "data": {"libsvm": {"path": "data/train.svm"}}},
    "cluster": {"workers": 2},
    "algorithm": {"name": "uncoded", "step_size": 1},
    "stop": {"iterations": 1}
  })");
  const Scenario s = load_scenario(dir / "my-run.json", {"seed=7"});
  CHECK(s.name == "my-run");
  CHECK(s.seed == 7);
  CHECK(s.source == dir / "my-run.json");
  CHECK(std::get<LibsvmData>(s.problem.data).path == (dir / "data/train.svm").lexically_normal());
  CHECK(s.output.dir == std::filesystem::path("results/my-run"));
  CHECK(s.algorithm.name() == "uncoded");
  CHECK(ranks_needed(s) == 3);  // the parameter server and 2 workers
  std::filesystem::remove_all(dir);
}

TEST_CASE("load_scenario reports a missing file and a JSON syntax error with file, line and column") {
  const auto dir = fresh_dir();
  const auto error_of = [](const std::filesystem::path& file) -> std::string {
    try {
      load_scenario(file);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "(no error)";
  };
  CHECK(error_of(dir / "nope.json").starts_with((dir / "nope.json").string() + ": cannot read the scenario file"));
  write_file(dir / "bad.json", "{\n  \"name\": ,\n}");
  CHECK(error_of(dir / "bad.json").starts_with((dir / "bad.json").string() + ":2:11: invalid JSON"));
  write_file(dir / "comment.json", "{\n  // no comments in JSON\n}");
  CHECK(error_of(dir / "comment.json").starts_with((dir / "comment.json").string() + ":2:3: invalid JSON"));
  std::filesystem::remove_all(dir);
}
