// Scenario fingerprints: what the ranks of a real run compare, and the first path where two differ.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <utility>

#include "sgdsim/core/scenario/fingerprint.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;

TEST_CASE("first_difference names the first differing path in document order, with both values") {
  CHECK(first_difference(R"({"a": 1, "b": {"c": [1, 2]}})", R"({"a": 1, "b": {"c": [1, 2]}})").empty());
  CHECK(first_difference(R"({"seed": 1, "b": 2})", R"({"seed": 2, "b": 3})") == "scenario.seed: 1 against 2");
  CHECK(first_difference(R"({"b": {"c": [1, 2]}})", R"({"b": {"c": [1, 3]}})") == "scenario.b.c[1]: 2 against 3");
  CHECK(first_difference(R"({"b": {"c": [1]}})", R"({"b": {"c": [1, 3]}})") == "scenario.b.c[1]: (absent) against 3");
  CHECK(first_difference(R"({"a": 1})", R"({"a": 1, "z": "x"})") == "scenario.z: (absent) against \"x\"");
  CHECK(first_difference(R"({"a": 1})", R"({"a": "1"})") == "scenario.a: 1 against \"1\"");
}

TEST_CASE("the fingerprint of a scenario reading a data file changes with the file's contents, at its path") {
  const auto dir = std::filesystem::temp_directory_path() / ("sgdsim_fingerprint_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto data = dir / "d.svm";
  std::ofstream(data) << "1 1:0.5\n-1 2:1\n";
  const std::string text = R"({"problem": {"objective": "logistic", "data": {"libsvm": {"path": "d.svm"}}},
      "cluster": {"workers": 2}, "algorithm": {"name": "sync_sgd", "step_size": 0.1}, "stop": {"iterations": 1}})";
  const std::string before = scenario_fingerprint(parse_scenario(text, {}, dir));
  CHECK(before == scenario_fingerprint(parse_scenario(text, {}, dir)));
  std::ofstream(data) << "1 1:0.5\n-1 2:2\n";  // same size, one byte different
  const std::string after = scenario_fingerprint(parse_scenario(text, {}, dir));
  const std::string where = first_difference(before, after);
  CHECK(where.find("scenario.problem.data.libsvm.path: \"" + data.string() + " (crc32 ") == 0);
  // Synthetic data is generated from the seed, which the resolved scenario holds already.
  const std::string synthetic = R"({"problem": {"objective": "logistic", "data": {"synthetic": {"samples": 10,
      "features": 2}}}, "cluster": {"workers": 2}, "algorithm": {"name": "sync_sgd", "step_size": 0.1},
      "stop": {"iterations": 1}})";
  CHECK(first_difference(scenario_fingerprint(parse_scenario(synthetic)),
                         scenario_fingerprint(parse_scenario(synthetic, {"seed=2"}))) == "scenario.seed: 1 against 2");
  std::filesystem::remove_all(dir);
}

TEST_CASE("the fingerprint covers every data file: both IDX files and the test set") {
  const auto dir = std::filesystem::temp_directory_path() / ("sgdsim_fingerprint_idx_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (const char* name : {"i.idx", "l.idx", "t.svm"}) std::ofstream(dir / name) << "contents";
  const std::string text = R"({"problem": {"model": {"name": "softmax"},
      "data": {"idx": {"images": "i.idx", "labels": "l.idx"}}, "test": {"libsvm": {"path": "t.svm"}}},
      "cluster": {"workers": 2}, "algorithm": {"name": "sync_sgd", "step_size": 0.1}, "stop": {"iterations": 1}})";
  // Each file changed in turn (same size) makes the fingerprint differ first at that file's path.
  for (const auto& [name, path] : {std::pair{"i.idx", "problem.data.idx.images"}, {"l.idx", "problem.data.idx.labels"},
                                   {"t.svm", "problem.test.libsvm.path"}}) {
    const std::string before = scenario_fingerprint(parse_scenario(text, {}, dir));
    std::ofstream(dir / name) << "Contents";
    const std::string where = first_difference(before, scenario_fingerprint(parse_scenario(text, {}, dir)));
    CHECK(where.find(std::string("scenario.") + path + ": \"" + (dir / name).string() + " (crc32 ") == 0);
  }
  std::filesystem::remove_all(dir);
}
