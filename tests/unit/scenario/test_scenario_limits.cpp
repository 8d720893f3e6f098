// Limits on scenario input: physically meaningful ranges, JSON nesting depth, numbers beyond a double, UTF-8.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "scenario_test_util.hpp"
#include "sgdsim/core/scenario/json_text.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;

namespace {

const char* const BASE = R"({
  "problem": {"objective": "logistic", "data": {"synthetic": {"samples": 100, "features": 5}}},
  "cluster": {"workers": 4},
  "algorithm": {"name": "sync_sgd", "step_size": 0.5},
  "stop": {"iterations": 10}
})";

std::string error_of(const std::vector<std::string>& overrides, const std::string& text = BASE) {
  return test::scenario_error(text, overrides);
}

// BASE with `depth` levels of arrays nested as the value of "name" (BASE itself is depth 1).
std::string nested(int depth) {
  return std::string(R"({"name": )") + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "," +
         std::string(BASE).substr(1);
}

}  // namespace

TEST_CASE("repetitions are at most MAX_STUDY_REPETITIONS") {
  CHECK(error_of({"repetitions=100000"}) == "(no error)");
  CHECK(error_of({"repetitions=2147483647"}) ==
        "scenario.repetitions: must be an integer between 1 and 100000, got 2147483647");
}

TEST_CASE("every worker needs a shard: at most as many workers as synthetic samples") {
  // Found by fuzzing: the shards' error came at run time without a path, and SimGrid runs of the parameter-server
  // algorithms crashed on it.
  CHECK(error_of({"cluster.workers=100"}) == "(no error)");
  CHECK(error_of({"cluster.workers=101"}) == "scenario.cluster.workers: every worker holds a shard of the 100 training "
                                             "rows of the synthetic data set: must be at most 100, got 101");
}

TEST_CASE("values that would overflow the simulated clock or bandwidth are errors naming their path") {
  CHECK(error_of({"cluster.network.bandwidth=1e308TBps"})
            .starts_with("scenario.cluster.network.bandwidth: must be a bandwidth > 0"));
  CHECK(error_of({"cluster.network.bandwidth=1e308TBps"}).find("1000TBps (1e15 bytes/s)") != std::string::npos);
  CHECK(error_of({"cluster.network.bandwidth=1000TBps"}) == "(no error)");
  CHECK(error_of({"cluster.network.bandwidth=1001TBps"}).starts_with("scenario.cluster.network.bandwidth:"));
  CHECK(error_of({"cluster.network.bandwidth=1bps"}) == "(no error)");
  CHECK(error_of({"cluster.network.bandwidth=0.5bps"}).starts_with("scenario.cluster.network.bandwidth:"));
  CHECK(error_of({"cluster.network.latency=1e6s"}) == "(no error)");
  CHECK(error_of({"cluster.network.latency=1e7s"}).starts_with("scenario.cluster.network.latency:"));
  CHECK(error_of({"cluster.compute.delay={\"mean\": 1e308}"}) ==
        "scenario.cluster.compute.delay.mean: must be a number > 0 and <= 1e6 (seconds), got 1e+308");
  CHECK(error_of({"cluster.compute.straggling.rate=1e-7"}) ==
        "scenario.cluster.compute.straggling.rate: must be a number >= 1e-6 (per second), got 1e-07");
  CHECK(error_of({"cluster.compute.seconds_per_pass=2e6"}).starts_with("scenario.cluster.compute.seconds_per_pass:"));
  CHECK(error_of({"cluster.compute.slowdown={\"1\": 1e7}"}).starts_with("scenario.cluster.compute.slowdown.1:"));
}

TEST_CASE("JSON nested deeper than MAX_JSON_DEPTH is an error naming line and column") {
  CHECK(error_of({}, nested(MAX_JSON_DEPTH)) == "scenario.name: must be a non-empty string, got an array");
  CHECK(error_of({}, nested(MAX_JSON_DEPTH + 1)) ==
        "scenario:1:" + std::to_string(10 + MAX_JSON_DEPTH - 1) + ": arrays and objects nested deeper than 64 levels");
  // 100 000 levels (the stack overflowed on this before the limit).
  CHECK(error_of({}, nested(100000)).starts_with("scenario:1:"));
  CHECK(error_of({"seed=" + std::string(100000, '[') + std::string(100000, ']')})
            .starts_with(
                "--set seed=[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["));
  std::string long_path = "a";
  for (int i = 0; i < 100000; ++i) long_path += ".a";
  CHECK(error_of({long_path + "=1"}).ends_with(": the path has 100001 components, more than 64"));
  // Brackets inside strings do not count.
  CHECK(error_of({}, std::string(R"({"name": ")") + std::string(1000, '[') + "\"," + std::string(BASE).substr(1)) ==
        "(no error)");
}

TEST_CASE("a number beyond a double is an error naming where it is, not a library exception") {
  const std::string text = std::string(BASE).replace(std::string(BASE).find("0.5"), 3, "1e400");
  CHECK(error_of({}, text) ==
        "scenario:4:50: number 1e400 is out of range (a double holds magnitudes up to about 1.8e308)");
  // In --set it is not JSON, so it is the string "1e400", which the key rejects.
  CHECK(error_of({"seed=1e400"}) == "scenario.seed: must be an integer >= 0, got \"1e400\"");
  CHECK(error_of({"seed=1e-400"}) == "(no error)");  // underflows to 0, which is a valid seed
}

TEST_CASE("--set text that is not UTF-8 is an error naming the option") {
  CHECK(error_of({"name=\xff"}) == "--set: is not valid UTF-8 (byte 0xFF at offset 5 of \"name=...\")");
  CHECK(error_of({"name=caf\xc3\xa9"}) == "(no error)");
}

TEST_CASE("invalid_utf8_at finds truncated, overlong, surrogate and out-of-range sequences") {
  CHECK(invalid_utf8_at("plain \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == std::string_view::npos);
  CHECK(invalid_utf8_at("ab\xc3") == 2);            // truncated
  CHECK(invalid_utf8_at("\xc0\xaf") == 0);          // overlong '/'
  CHECK(invalid_utf8_at("x\xed\xa0\x80") == 1);     // surrogate U+D800
  CHECK(invalid_utf8_at("\xf4\x90\x80\x80") == 0);  // above U+10FFFF
  CHECK(invalid_utf8_at("a\x80") == 1);             // lone continuation byte
}

TEST_CASE("problem.data.libsvm.zero_based is auto by default, true or false, and resolved as given") {
  const std::string libsvm = R"(problem.data={"libsvm": {"path": "a.svm"}})";
  CHECK(parse_scenario(BASE, {libsvm}).resolved_json.find("\"zero_based\": \"auto\"") != std::string::npos);
  const Scenario zero = parse_scenario(BASE, {libsvm, "problem.data.libsvm.zero_based=true"});
  CHECK(std::get<LibsvmData>(zero.problem.data).zero_based == true);
  CHECK(zero.resolved_json.find("\"zero_based\": true") != std::string::npos);
  CHECK(!std::get<LibsvmData>(parse_scenario(BASE, {libsvm}).problem.data).zero_based.has_value());
  CHECK(error_of({libsvm, "problem.data.libsvm.zero_based=1"}) ==
        "scenario.problem.data.libsvm.zero_based: must be \"auto\", true or false, got 1");
}
