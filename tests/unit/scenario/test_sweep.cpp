// Studies: sweep expansion (grid, zip, with variants), generated labels, the baseline, and errors naming their path.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sgdsim/core/scenario/variants.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;

namespace {

std::string study(const std::string& keys) { return R"({"name": "s", "stop": {"iterations": 3})" + keys + "}"; }

std::vector<std::string> labels(const Study& s) {
  std::vector<std::string> out;
  for (const auto& v : s.variants) out.push_back(v.label);
  return out;
}

std::string error_of(const std::string& keys) {
  try {
    split_variants(study(keys));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("a grid is the cartesian product of its arrays, the first path slowest") {
  const Study s =
      split_variants(study(R"(, "sweep": {"grid": {"algorithm.tau": [1, 4, 16], "cluster.workers": [16, 64]}})"));
  CHECK(labels(s) == std::vector<std::string>{"tau=1,workers=16", "tau=1,workers=64", "tau=4,workers=16",
                                              "tau=4,workers=64", "tau=16,workers=16", "tau=16,workers=64"});
  CHECK(s.variants[3].overrides == std::vector<std::string>{"algorithm.tau=4", "cluster.workers=64"});
  CHECK(s.variants[3].point ==
        std::vector<std::pair<std::string, std::string>>{{"algorithm.tau", "4"}, {"cluster.workers", "64"}});
  CHECK(s.swept_paths == std::vector<std::string>{"algorithm.tau", "cluster.workers"});
  CHECK(s.baseline == "tau=1,workers=16");
  CHECK(s.base_json.find("sweep") == std::string::npos);
}

TEST_CASE("zip walks its arrays together") {
  const Study s =
      split_variants(study(R"(, "sweep": {"zip": {"algorithm.tau": [2, 8], "algorithm.batch_size": [64, 16]}})"));
  CHECK(labels(s) == std::vector<std::string>{"tau=2,batch_size=64", "tau=8,batch_size=16"});
  CHECK(s.variants[1].overrides == std::vector<std::string>{"algorithm.tau=8", "algorithm.batch_size=16"});
}

TEST_CASE("grid and zip together: every grid point at every zip step") {
  const Study s = split_variants(
      study(R"(, "sweep": {"grid": {"seed": [1, 2]}, "zip": {"algorithm.tau": [2, 8], "stop.iterations": [10, 40]}})"));
  CHECK(labels(s) == std::vector<std::string>{"seed=1,tau=2,iterations=10", "seed=1,tau=8,iterations=40",
                                              "seed=2,tau=2,iterations=10", "seed=2,tau=8,iterations=40"});
}

TEST_CASE("each variant runs at each sweep point, the sweep's values follow the variant's set") {
  const Study s = split_variants(study(R"(, "variants": [
      {"label": "sync", "set": {"algorithm.name": "sync_sgd"}},
      {"label": "local", "set": {"algorithm.name": "local_sgd", "algorithm.tau": 4}}],
    "sweep": {"grid": {"cluster.workers": [8, 32]}}, "baseline": "local,workers=8")"));
  CHECK(labels(s) ==
        std::vector<std::string>{"sync,workers=8", "sync,workers=32", "local,workers=8", "local,workers=32"});
  CHECK(s.variants[3].overrides ==
        std::vector<std::string>{"algorithm.name=\"local_sgd\"", "algorithm.tau=4", "cluster.workers=32"});
  CHECK(s.baseline == "local,workers=8");
}

TEST_CASE("labels are file-name safe, name the whole path when last components clash, and are unique") {
  CHECK(labels(split_variants(study(R"(, "sweep": {"grid": {"cluster.compute.straggling": [{"rate": 2}, null]}})"))) ==
        std::vector<std::string>{"straggling=rate_2", "straggling=null"});
  CHECK(
      labels(split_variants(study(R"(, "sweep": {"grid": {"cluster.network.bandwidth": ["1Gbps", "10 Gbps/s"]}})"))) ==
      std::vector<std::string>{"bandwidth=1Gbps", "bandwidth=10_Gbps_s"});
  CHECK(labels(split_variants(study(R"(, "sweep": {"zip": {"a.rate": [1, 2], "b.rate": [3, 4]}})"))) ==
        std::vector<std::string>{"a.rate=1,b.rate=3", "a.rate=2,b.rate=4"});
  CHECK(labels(split_variants(study(R"(, "sweep": {"grid": {"problem.data.csv.path": ["a b", "a/b"]}})"))) ==
        std::vector<std::string>{"path=a_b", "path=a_b_2"});
  CHECK(labels(split_variants(study(R"(, "sweep": {"grid": {"algorithm.step_size": [0.5, 1e-3, -2]}})"))) ==
        std::vector<std::string>{"step_size=0.5", "step_size=0.001", "step_size=-2"});
}

TEST_CASE("a plain scenario is not a study, and a study without baseline measures against its first run") {
  const std::string text = study("");
  const Study plain = split_variants(text);
  CHECK(plain.variants.empty());
  CHECK(plain.base_json == text);
  const Study s = split_variants(study(R"(, "variants": [{"label": "b", "set": {}}, {"label": "a", "set": {}}])"));
  CHECK(s.baseline == "b");
}

TEST_CASE("sweep errors name the JSON path") {
  CHECK(error_of(R"(, "sweep": [1])").starts_with("scenario.sweep: must be an object with \"grid\" and/or \"zip\""));
  CHECK(error_of(R"(, "sweep": {"product": {}})") == "scenario.sweep.product: unknown key (expected grid, zip)");
  CHECK(error_of(R"(, "sweep": {"grid": {}})").starts_with("scenario.sweep.grid: must be a non-empty object"));
  CHECK(error_of(R"(, "sweep": {"grid": {"algorithm.tau": 4}})") ==
        "scenario.sweep.grid[\"algorithm.tau\"]: must be a non-empty array of values, got 4");
  CHECK(error_of(R"(, "sweep": {"grid": {"algorithm.tau": []}})") ==
        "scenario.sweep.grid[\"algorithm.tau\"]: must be a non-empty array of values, got []");
  CHECK(error_of(R"(, "sweep": {"grid": {"algorithm.tau": [1, 2, 1]}})") ==
        "scenario.sweep.grid[\"algorithm.tau\"][2]: 1 repeats an earlier value");
  CHECK(error_of(R"(, "sweep": {"zip": {"algorithm.tau": [1, 2, 4], "cluster.workers": [16, 64]}})") ==
        "scenario.sweep.zip[\"cluster.workers\"]: has 2 values but scenario.sweep.zip[\"algorithm.tau\"] has 3: "
        "zipped arrays must have equal lengths");
  CHECK(error_of(R"(, "sweep": {"zip": {"algorithm.tau": [1, 1], "seed": [3, 3]}})") ==
        "scenario.sweep.zip: step 1 repeats step 0");
  CHECK(error_of(R"(, "sweep": {"grid": {"seed": [1, 2]}, "zip": {"seed": [3, 4]}})") ==
        "scenario.sweep.zip[\"seed\"]: is also swept by scenario.sweep.grid[\"seed\"]");
  CHECK(error_of(R"(, "sweep": {"grid": {"algorithm..tau": [1]}})") ==
        "scenario.sweep.grid[\"algorithm..tau\"]: must be a scenario path like algorithm.tau");
  CHECK(error_of(R"(, "sweep": {"grid": {"output.dir": ["a", "b"]}})")
            .starts_with("scenario.sweep.grid[\"output.dir\"]: cannot be swept"));
}

TEST_CASE("a study of more than MAX_STUDY_REPETITIONS runs is refused before its points are made") {
  const auto values = [](int n) {  // [0,1,...,n-1]
    std::string list = "[0";
    for (int i = 1; i < n; ++i) list.append(",").append(std::to_string(i));  // (GCC 12 warns on "," + string)
    return list.append("]");
  };
  const auto grid = [&](int a, int b, int c) {
    std::string keys = R"(, "sweep": {"grid": {"seed": )";
    keys.append(values(a)).append(R"(, "problem.l2": )").append(values(b));
    return keys.append(R"(, "algorithm.tau": )").append(values(c)).append("}}");
  };
  // 1000^3 points: made one by one before, until the machine ran out of memory.
  CHECK(error_of(grid(1000, 1000, 1000)) == "scenario.sweep: the study would have more than 100000 runs (variants x "
                                            "sweep points; each is a process of its own)");
  CHECK(split_variants(study(grid(100, 100, 10))).variants.size() == 100000);  // the limit itself
  CHECK(error_of(R"(, "variants": [{"label": "a", "set": {}}, {"label": "b", "set": {}}])" + grid(100, 100, 10))
            .starts_with("scenario.sweep: the study would have more than 100000 runs"));
}

TEST_CASE("a run label longer than a file name may be is an error naming where it comes from") {
  const std::string long_label(201, 'v');
  CHECK(error_of(R"(, "variants": [{"label": ")" + long_label + R"(", "set": {}}])") ==
        "scenario.variants[0].label: must be at most 200 characters (it names the run's directory and files), got 201");
  CHECK(labels(split_variants(study(R"(, "variants": [{"label": ")" + std::string(200, 'v') + R"(", "set": {}}])")))
            .front()
            .size() == 200);
  // 150 + ",seed=" + 50 digits: the sweep makes it too long.
  const std::string keys = R"(, "variants": [{"label": ")" + std::string(150, 'a') + R"(", "set": {}}], )" +
                           R"("sweep": {"grid": {"problem.data.csv.path": [")" + std::string(50, 'p') + R"("]}})";
  CHECK(error_of(keys).starts_with("scenario.sweep: makes the run label \"aaaa"));
  CHECK(error_of(keys).ends_with(" characters); a label names the run's directory and files and may have at most 200: "
                                 "shorten the variant labels or the swept values"));
}

TEST_CASE("variant and baseline errors name the JSON path") {
  CHECK(
      error_of(R"(, "variants": [{"label": "a", "set": {"seed": 2}}], "sweep": {"grid": {"seed": [1]}})") ==
      "scenario.variants[0].set[\"seed\"]: is also swept by scenario.sweep: a path is either set by variants or swept");
  CHECK(error_of(R"(, "variants": [{"label": "a b", "set": {}}])").starts_with("scenario.variants[0].label: must be"));
  CHECK(error_of(R"(, "variants": [{"label": "a", "set": {}}, {"label": "a", "set": {}}])") ==
        "scenario.variants[1].label: \"a\" is used by an earlier variant");
  CHECK(error_of(R"(, "baseline": "x")") == "scenario.baseline: only a study (variants or sweep) has a baseline");
  CHECK(error_of(R"(, "sweep": {"grid": {"seed": [1, 2]}}, "baseline": "seed=3")") ==
        "scenario.baseline: \"seed=3\" is not a variant label (labels: seed=1, seed=2)");
  CHECK(error_of(R"(, "sweep": {"grid": {"seed": [1, 2]}}, "baseline": 1)") ==
        "scenario.baseline: must be the label of a variant, got 1");
}

TEST_CASE("a study's variants become override lists and the base loses its variants key") {
  const Study st = split_variants(R"({"name": "x", "variants": [
      {"label": "a", "set": {"algorithm.tau": 4, "algorithm.name": "local_sgd"}}, {"label": "b-2", "set": {}}]})");
  CHECK(st.base_json == R"({"name":"x"})");
  REQUIRE(st.variants.size() == 2);
  CHECK(st.variants[0].label == "a");
  CHECK(st.variants[0].overrides == std::vector<std::string>{"algorithm.name=\"local_sgd\"", "algorithm.tau=4"});
  CHECK(st.variants[1].overrides.empty());
  CHECK(split_variants(R"({"name": "plain"})").variants.empty());
}

TEST_CASE("malformed variants are errors naming their path") {
  auto message = [](const std::string& text) {
    try {
      split_variants(text);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message(R"({"variants": []})").find("scenario.variants: must be a non-empty array") == 0);
  CHECK(message(R"({"variants": [{"label": "a", "set": {}}, {"label": "a", "set": {}}]})")
            .find("scenario.variants[1].label: \"a\" is used by an earlier variant") == 0);
  CHECK(message(R"({"variants": [{"label": "a b", "set": {}}]})").find("scenario.variants[0].label:") == 0);
  CHECK(message(R"({"variants": [{"label": "a", "set": 3}]})").find("scenario.variants[0].set:") == 0);
  CHECK(message(R"({"variants": [{"label": "a", "set": {}, "x": 1}]})").find("scenario.variants[0].x: unknown key") ==
        0);
  // Labels are directory names: "." and ".." would name the study's directory and its parent.
  CHECK(message(R"({"variants": [{"label": ".", "set": {}}]})").find("scenario.variants[0].label:") == 0);
  CHECK(message(R"({"variants": [{"label": "a", "set": {}}, {"label": "..", "set": {}}]})")
            .find("scenario.variants[1].label:") == 0);
  CHECK(message(R"({"variants": [{"label": "...", "set": {}}]})") == "no error");
  // Nesting too deep for the recursive JSON functions is reported with its position before any of them runs.
  CHECK(message(R"({"variants": [{"label": "a", "set": {"x": )" + std::string(70, '[')).find("scenario:1:") == 0);
}
