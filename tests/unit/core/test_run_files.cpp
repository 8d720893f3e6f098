// Run files: CSV layout, model.csv, atomic writes; worker-record packing; study variants.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <cmath>

#include "sgdsim/core/trace/trace.hpp"
#include "sgdsim/core/scenario/variants.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;

namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("worker records survive packing into doubles and back") {
  std::vector<WorkerRecord> records = {{1, 7, 3, 0.5, 0.25, NOT_EVALUATED, true, false, true},
                                       {0, 123456, 29, 10.0, 1.5, 11.75, true, true, false}};
  const auto back = unpack_worker_records(pack_worker_records(records));
  REQUIRE(back.size() == 2);
  CHECK(back[0].iteration == 7);
  CHECK(back[0].worker == 3);
  CHECK(std::isnan(back[0].arrival));
  CHECK(back[0].dropped);
  CHECK(back[1].iteration == 123456);
  CHECK(back[1].arrival == 11.75);
  CHECK(back[1].used);
}

TEST_CASE("the run directory has the documented columns, empty fields for unevaluated values, and no partial files") {
  const auto dir = std::filesystem::temp_directory_path() / ("sgdsim_run_files_" + std::to_string(::getpid()));
  RunResults r;
  r.iterations = {{0, 1, 0.5, NOT_EVALUATED, NOT_EVALUATED, 1, 800, 4}, {0, 2, 1.25, 0.125, 0.5, 2, 1600, 4}};
  r.workers = {{0, 1, 2, 0.0, 0.5, 0.5, true, true, false}};
  RunSummary s;
  s.iterations = 2;
  s.time = 1.25;
  s.final_loss = 0.125;
  r.summaries = {s};
  r.models = {{1.0, -0.5}};
  write_run_directory(dir, R"({"name": "t", "algorithm": {"name": "sync_sgd"}})", r, "simgrid");
  CHECK(read(dir / "trace.csv") ==
        "run,iteration,time,loss,grad_norm,comm_rounds,bytes,waited_for\n0,1,0.5,,,1,800,4\n0,2,1.25,0.125,0.5,2,1600,4\n");
  CHECK(read(dir / "workers.csv") ==
        "run,iteration,worker,start,compute,arrival,computed,used,dropped\n0,1,2,0,0.5,0.5,1,1,0\n");
  CHECK(read(dir / "model.csv") == "run,index,value\n0,0,1\n0,1,-0.5\n");
  const auto summary = read(dir / "summary.json");
  CHECK(summary.find("\"final_loss\": 0.125") != std::string::npos);
  CHECK(summary.find("\"time_to_target\": null") != std::string::npos);
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    CHECK(entry.path().extension() != ".partial");
  std::filesystem::remove_all(dir);
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
  CHECK(message(R"({"variants": [{"label": "a", "set": {}, "x": 1}]})").find("scenario.variants[0].x: unknown key") == 0);
  // Labels are directory names: "." and ".." would name the study's directory and its parent.
  CHECK(message(R"({"variants": [{"label": ".", "set": {}}]})").find("scenario.variants[0].label:") == 0);
  CHECK(message(R"({"variants": [{"label": "a", "set": {}}, {"label": "..", "set": {}}]})")
            .find("scenario.variants[1].label:") == 0);
  CHECK(message(R"({"variants": [{"label": "...", "set": {}}]})") == "no error");
  // Text that is not JSON, or nests too deeply, is reported with its position.
  CHECK(message("{\"variants\": [}") == "scenario:1:15: invalid JSON: syntax error while parsing value - unexpected '}'; "
                                         "expected '[', '{', or a literal");
  CHECK(message(R"({"variants": [{"label": "a", "set": {"x": )" + std::string(70, '[')).find("scenario:1:") == 0);
}
