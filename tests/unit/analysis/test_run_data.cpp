// Reading a run directory back: the trace and the final models as written, errors naming file:line.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "sgdsim/analysis/run_data.hpp"
#include "sgdsim/core/trace/run_directory.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;
using namespace sgdsim::analysis;

namespace {

const char* SCENARIO = R"({"name": "tiny", "problem": {"objective": "logistic", "data": {"synthetic":
  {"samples": 40, "features": 3}}}, "cluster": {"workers": 2}, "algorithm": {"name": "local_sgd", "tau": 2,
  "step_size": 0.5}, "stop": {"iterations": 3}})";

}  // namespace

TEST_CASE("a written run directory reads back: iterations (NaN where not evaluated) and models") {
  const auto study = std::filesystem::temp_directory_path() / "sgdsim-test-run-data";
  const auto dir = study / "variant-a";
  std::filesystem::remove_all(study);
  const Scenario s = parse_scenario(SCENARIO);
  RunResults results;
  results.iterations = {{0, 1, 0.5, NOT_EVALUATED, NOT_EVALUATED, 0, 0, 2}, {0, 2, 1.25, 0.6, 0.1, 1, 96, 2},
                        {1, 1, 0.4, 0.7, 0.2, 1, 48, 2}};
  results.iterations[1].tau = 2;  // an averaging round ended here: the trace gains tau and consensus
  results.iterations[1].consensus = 0.25;
  results.iterations[1].average_grad_norm = 0.375;  // W != J or auxiliary models: one more column
  results.models = {{0.1, -0.2, 0.3}, {1.5, 2.5, -3.5}};
  results.summaries.resize(2);  // one per repetition: each writes its model
  results.summaries[1].run = 1;
  write_run_directory(dir, s.resolved_json, results, "simgrid");
  const RunDirectory run = read_run_directory(dir);
  CHECK(run.scenario.name == "tiny");
  REQUIRE(run.results.iterations.size() == 3);
  CHECK(std::isnan(run.results.iterations[0].loss));
  CHECK(run.results.iterations[1].time == 1.25);
  CHECK(run.results.iterations[1].comm_rounds == 1);
  CHECK(run.results.iterations[1].bytes == 96);
  CHECK(run.results.iterations[2].run == 1);
  CHECK(run.results.iterations[1].tau == 2);
  CHECK(run.results.iterations[1].consensus == 0.25);
  CHECK(run.results.iterations[0].tau == 0);
  CHECK(std::isnan(run.results.iterations[0].consensus));
  CHECK(run.results.iterations[1].average_grad_norm == 0.375);
  CHECK(std::isnan(run.results.iterations[0].average_grad_norm));
  CHECK(run.results.models == results.models);
  CHECK(find_run_directories(dir) == std::vector<std::filesystem::path>{dir});
  CHECK(find_run_directories(study) == std::vector<std::filesystem::path>{dir});  // a study: its runs underneath

  std::ofstream(dir / "trace.csv") << "run,iteration,time,loss,grad_norm,comm_rounds,bytes,waited_for\n0,1,x,,,0,0,2\n";
  try {
    read_run_directory(dir);
    FAIL("no error");
  } catch (const DataError& e) {
    CHECK(std::string(e.what()).find("trace.csv:2: not a number") != std::string::npos);
  }
  std::filesystem::remove(dir / "summary.json");
  CHECK_THROWS_AS(read_run_directory(dir), ConfigError);
  std::filesystem::remove_all(study);
}
