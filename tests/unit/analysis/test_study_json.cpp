// study.json read back (what `sgdsim plot` and `report` start from): written, parsed and written again, the same text,
// with and without a classifier's accuracy measures; a document that is not a study.json is a DataError.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sgdsim/analysis/study_stats.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;
using namespace sgdsim::analysis;

namespace {

VariantRuns variant(const std::string& label, double per_iteration, bool classifier, bool target) {
  VariantRuns v;
  v.label = label;
  v.algorithm = "agc";
  v.dir = "out/" + label;
  v.point = {{"algorithm.tau", "4"}, {"name.tag", "\"a\""}};
  v.repetitions = 3;
  v.target = target;
  for (int r = 0; r < 3; ++r) {
    RunSummary s;
    s.run = r;
    s.status = r == 2 ? RunStatus::DIVERGED : RunStatus::COMPLETED;
    s.iterations = 10;
    s.mean_iteration_time = per_iteration * (1 + 0.1 * r);
    s.time = 10 * s.mean_iteration_time;
    s.final_loss = 0.3 + 0.01 * r;
    s.time_to_target = target && r == 0 ? 0.5 : NOT_EVALUATED;
    s.comm_rounds = 10;
    s.bytes = 800 + r;
    s.classifier = classifier;
    if (classifier) {
      s.final_test_accuracy = 0.8 + 0.01 * r;
      s.best_test_accuracy = 0.85;
      s.time_to_target_accuracy = 1.5 + r;
    }
    v.runs.push_back(s);
  }
  v.failed = 1;
  return v;
}

}  // namespace

TEST_CASE("study.json written, read back and written again gives the same document") {
  for (bool classifier : {false, true}) {
    CAPTURE(classifier);
    const auto stats = study_stats("s", {variant("a", 0.1, classifier, true), variant("b", 0.2, classifier, false)},
                                   {"algorithm.tau", "name.tag"}, 1);
    const std::string text = study_json(stats, std::nullopt);
    const StudyStats back = parse_study_json(text, "study.json");
    CHECK(back.baseline == 1);
    CHECK(back.metric == stats.metric);
    CHECK(back.classifier == classifier);
    CHECK(back.variants[0].status == stats.variants[0].status);
    CHECK(study_json(back, std::nullopt) == text);
    CHECK(study_csv(back) == study_csv(stats));
  }
}

TEST_CASE("a document that is not a study.json is a DataError naming the file") {
  CHECK_THROWS_WITH_AS(parse_study_json("{\"name\": \"x\"}", "dir/study.json"),
                       doctest::Contains("dir/study.json: not a study.json written by sgdsim"), DataError);
  CHECK_THROWS_AS(parse_study_json("not json", "f"), DataError);
  CHECK_THROWS_WITH_AS(parse_study_json("{\"name\": \"x\", \"confidence\": 0.95, \"swept\": [], \"baseline\": \"a\", "
                                        "\"speedup\": {\"metric\": \"time_to_target\"}, \"variants\": []}",
                                        "f"),
                       doctest::Contains("a study with no variants"), DataError);
}
