// --set overrides applied before validation, and the SimGrid-style bandwidth/duration strings.
#include <doctest/doctest.h>

#include <string>

#include "sgdsim/core/algorithms/cooperative/params.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;

namespace {

const char* const BASE = R"({
  "name": "base",
  "problem": {"objective": "logistic", "data": {"synthetic": {"samples": 100, "features": 5}}},
  "cluster": {"workers": 30},
  "algorithm": {"name": "local_sgd", "step_size": 0.5},
  "stop": {"iterations": 10}
})";

}  // namespace

TEST_CASE("overrides set numbers, fall back to strings and create missing objects") {
  const Scenario s =
      parse_scenario(BASE, {"cluster.workers=64", "algorithm.tau=20", "name=foo", "cluster.network.topology=ideal",
                            "cluster.compute.straggling.rate=2", "cluster.compute.slowdown.63=4", "output.every=3"});
  CHECK(s.cluster.workers == 64);
  CHECK(s.algorithm.params_as<CooperativeParams>().tau.tau(0) == 20);
  CHECK(s.name == "foo");
  CHECK(s.output.dir == std::filesystem::path("results/foo"));  // the default follows the overridden name
  CHECK(s.cluster.network.topology == Topology::IDEAL);
  CHECK(s.cluster.compute.straggling_rate == 2.0);
  CHECK(s.cluster.compute.slowdown.at(63) == 4.0);
  CHECK(s.output.every == 3);
  CHECK(s.resolved_json.find("\"name\": \"foo\"") != std::string::npos);
}

TEST_CASE("override values are JSON when they parse, later overrides win, and '=' may occur in the value") {
  const Scenario s =
      parse_scenario(BASE, {"cluster.compute.delay={\"mean\": 0.25}", "cluster.workers=8", "cluster.workers=9",
                            "name=a=b", "cluster.compute.numerics=false", "name=12abc"});
  CHECK(s.cluster.compute.delay_mean == 0.25);
  CHECK(s.cluster.workers == 9);
  CHECK_FALSE(s.cluster.compute.numerics);
  CHECK(s.name == "12abc");
  CHECK(parse_scenario(BASE, {"name=a=b"}).name == "a=b");
  // null removes an optional key again.
  CHECK_FALSE(parse_scenario(BASE, {"cluster.compute.delay=null"}).cluster.compute.delay_mean.has_value());
}

TEST_CASE("a malformed override names the --set option") {
  CHECK_THROWS_WITH_AS(parse_scenario(BASE, {"cluster.workers"}),
                       "--set cluster.workers: must be path=value (e.g. cluster.workers=64)", ConfigError);
  CHECK_THROWS_WITH_AS(parse_scenario(BASE, {"cluster..workers=3"}), doctest::Contains("--set cluster..workers=3:"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(parse_scenario(BASE, {"=3"}), doctest::Contains("--set =3:"), ConfigError);
  CHECK_THROWS_WITH_AS(parse_scenario(BASE, {"cluster.workers.x=3"}),
                       "--set cluster.workers.x=3: scenario.cluster.workers is not an object, got 30", ConfigError);
  // A bad value is caught by the normal validation, with its path.
  CHECK_THROWS_WITH_AS(parse_scenario(BASE, {"cluster.workers=-4"}),
                       "scenario.cluster.workers: must be an integer >= 1, got -4", ConfigError);
}

TEST_CASE("bandwidth strings convert to bytes per second") {
  CHECK(parse_bandwidth("1Gbps") == 1.25e8);
  CHECK(parse_bandwidth("100MBps") == 1e8);
  CHECK(parse_bandwidth("10Mbps") == 1.25e6);
  CHECK(parse_bandwidth("8bps") == 1.0);
  CHECK(parse_bandwidth("1Kbps") == 125.0);
  CHECK(parse_bandwidth("1Tbps") == 1.25e11);
  CHECK(parse_bandwidth("1.5GBps") == 1.5e9);
  CHECK(parse_bandwidth("2KBps") == 2000.0);
  CHECK(parse_bandwidth("1TBps") == 1e12);
  CHECK(parse_bandwidth("3Bps") == 3.0);
  CHECK(parse_bandwidth("1KiBps") == 1024.0);
  CHECK(parse_bandwidth("2MiBps") == 2.0 * 1048576.0);
  CHECK(parse_bandwidth("1GiBps") == 1073741824.0);
  CHECK(parse_bandwidth("1e3Mbps") == 1.25e8);
}

TEST_CASE("invalid bandwidth strings are config errors") {
  for (const char* bad : {"", "Gbps", "1Gb", "1 Gbps", "-1Gbps", "0Gbps", "1gbps", "1e999Gbps", "12"}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH_AS(parse_bandwidth(bad), doctest::Contains("bandwidth: must be a bandwidth > 0"), ConfigError);
  }
}

TEST_CASE("duration strings convert to seconds and plain numbers are seconds") {
  CHECK(parse_duration("50us") == 5e-5);
  CHECK(parse_duration("1ms") == 1e-3);
  CHECK(parse_duration("0.1s") == 0.1);
  CHECK(parse_duration("10ns") == 1e-8);
  CHECK(parse_duration("2") == 2.0);
  CHECK(parse_duration("0") == 0.0);
  for (const char* bad : {"", "s", "5m", "1h", "-1s", "1 ms", "fast", "1us5"}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH_AS(parse_duration(bad), doctest::Contains("duration: must be a duration >= 0"), ConfigError);
  }
}
