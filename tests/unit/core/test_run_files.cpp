// Run files: CSV layout, model.csv, atomic writes, output.workers, provenance, merging repetitions run apart.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "sgdsim/core/trace/run_directory.hpp"
#include "sgdsim/core/trace/trace.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;

namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::filesystem::path temp_dir(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("sgdsim_" + name + "_" + std::to_string(::getpid()));
}

// Repetition `run` of a two-iteration, two-worker run with distinct values.
RunResults repetition(int run) {
  RunResults r;
  const double base = 10.0 * run;
  r.iterations = {{run, 1, base + 0.1, NOT_EVALUATED, NOT_EVALUATED, 1, 8, 2}, {run, 2, base + 0.3, 0.7, 0.1, 2, 16, 2}};
  for (int t = 1; t <= 2; ++t)
    for (int w = 0; w < 2; ++w) r.workers.push_back({run, t, w, base + t, 0.1 * w, base + t + 0.2, true, w == 0, w != 0});
  RunSummary s;
  s.run = run;
  s.iterations = 2;
  s.time = base + 0.3;
  s.final_loss = 0.7 - 0.01 * run;
  r.summaries = {s};
  r.models = {{base, -1.0 / 3}};
  return r;
}

Provenance provenance(const std::string& host, const std::string& started, const std::string& finished) {
  return {"v1", "sgdsim simulate x.json", {host}, started, finished, {{"simgrid", "3.32.0"}}};
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
  r.iterations[1].tau = 2;  // a model-averaging round ended here: the tau and consensus columns are written
  r.iterations[1].consensus = 0.25;
  r.workers = {{0, 1, 2, 0.0, 0.5, 0.5, true, true, false}};
  RunSummary s;
  s.iterations = 2;
  s.time = 1.25;
  s.final_loss = 0.125;
  r.summaries = {s};
  r.models = {{1.0, -0.5}};
  write_run_directory(dir, R"({"name": "t", "algorithm": {"name": "sync_sgd"}})", r, "simgrid");
  // tau and consensus (model averaging): empty when no round ended / the distance was not evaluated.
  CHECK(read(dir / "trace.csv") ==
        "run,iteration,time,loss,grad_norm,comm_rounds,bytes,waited_for,tau,consensus\n0,1,0.5,,,1,800,4,,\n"
        "0,2,1.25,0.125,0.5,2,1600,4,2,0.25\n");
  CHECK(read(dir / "workers.csv") ==
        "run,iteration,worker,start,compute,arrival,computed,used,dropped\n0,1,2,0,0.5,0.5,1,1,0\n");
  CHECK(read(dir / "model.csv") == "run,index,value\n0,0,1\n0,1,-0.5\n");
  const auto summary = read(dir / "summary.json");
  CHECK(summary.find("\"final_loss\": 0.125") != std::string::npos);
  CHECK(summary.find("\"time_to_target\": null") != std::string::npos);
  CHECK(summary.find("zeta") == std::string::npos);  // no mixing matrix, no ζ
  r.summaries[0].zeta = 0.5;
  write_run_directory(dir, R"({"name": "t", "algorithm": {"name": "dpsgd"}})", r, "simgrid");
  CHECK(read(dir / "summary.json").find("\"zeta\": 0.5") != std::string::npos);
  // Rank 0's model is not the average of all models (W != J): average_grad_norm after consensus.
  r.iterations[1].average_grad_norm = 0.375;
  write_run_directory(dir, R"({"name": "t", "algorithm": {"name": "dpsgd"}})", r, "simgrid");
  CHECK(read(dir / "trace.csv") ==
        "run,iteration,time,loss,grad_norm,comm_rounds,bytes,waited_for,tau,consensus,average_grad_norm\n"
        "0,1,0.5,,,1,800,4,,,\n0,2,1.25,0.125,0.5,2,1600,4,2,0.25,0.375\n");
  r.iterations[1].average_grad_norm = NOT_EVALUATED;
  // No averaging round (the other families): the trace has the columns it always had.
  r.iterations[1].tau = 0;
  write_run_directory(dir, R"({"name": "t", "algorithm": {"name": "agc"}})", r, "simgrid");
  CHECK(read(dir / "trace.csv").starts_with("run,iteration,time,loss,grad_norm,comm_rounds,bytes,waited_for\n"));
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    CHECK(entry.path().extension() != ".partial");
  std::filesystem::remove_all(dir);
}

TEST_CASE("output.workers keeps every N-th iteration's worker rows, or none") {
  const auto dir = temp_dir("workers_every");
  const RunResults r = repetition(0);
  write_run_directory(dir, R"({"name": "t", "algorithm": {"name": "sync_sgd"}})", r, "simgrid", {2, {}});
  CHECK(read(dir / "workers.csv") ==
        "run,iteration,worker,start,compute,arrival,computed,used,dropped\n0,2,0,2,0,2.2000000000000002,1,1,0\n"
        "0,2,1,2,0.10000000000000001,2.2000000000000002,1,0,1\n");
  write_run_directory(dir, R"({"name": "t", "algorithm": {"name": "sync_sgd"}})", r, "simgrid", {0, {}});
  CHECK(read(dir / "workers.csv") == "run,iteration,worker,start,compute,arrival,computed,used,dropped\n");
  std::filesystem::remove_all(dir);
}

TEST_CASE("repetitions written apart and merged give the bytes of writing them at once, and one provenance") {
  const auto root = temp_dir("merge");
  const std::string scenario = R"({"name": "t", "algorithm": {"name": "sync_sgd"}})";
  RunResults all;
  std::vector<std::filesystem::path> parts;
  const char* times[][2] = {{"2026-01-01T10:00:05Z", "2026-01-01T10:00:09Z"},
                            {"2026-01-01T10:00:01Z", "2026-01-01T10:00:04Z"},
                            {"2026-01-01T10:00:02Z", "2026-01-01T10:00:12Z"}};
  for (int run = 0; run < 3; ++run) {
    const RunResults part = repetition(run);
    for (const auto& x : part.iterations) all.iterations.push_back(x);
    for (const auto& x : part.workers) all.workers.push_back(x);
    all.summaries.push_back(part.summaries[0]);
    all.models.push_back(part.models[0]);
    parts.push_back(root / ("part" + std::to_string(run)));
    write_run_directory(parts.back(), scenario, part, "simgrid",
                        {1, provenance(run == 1 ? "b" : "a", times[run][0], times[run][1])});
  }
  write_run_directory(root / "at-once", scenario, all, "simgrid",
                      {1, provenance("a", "2026-01-01T10:00:01Z", "2026-01-01T10:00:12Z")});
  merge_run_directories(parts, root / "merged");
  for (const char* file : {"scenario.json", "trace.csv", "workers.csv", "model.csv"})
    CHECK(read(root / "merged" / file) == read(root / "at-once" / file));
  CHECK(read(root / "merged" / "model.csv").find("\n2,1,-0.33333333333333331\n") != std::string::npos);
  // Everything but the hosts, which the merge lists in the order the parts name them.
  auto merged = read(root / "merged" / "summary.json");
  const auto hosts = merged.find("\"hosts\": [\n      \"a\",\n      \"b\"\n    ]");
  REQUIRE(hosts != std::string::npos);
  merged.replace(hosts, std::string("\"hosts\": [\n      \"a\",\n      \"b\"\n    ]").size(),
                 "\"hosts\": [\n      \"a\"\n    ]");
  CHECK(merged == read(root / "at-once" / "summary.json"));
  CHECK(merged.find("\"started\": \"2026-01-01T10:00:01Z\"") != std::string::npos);
  CHECK(merged.find("\"finished\": \"2026-01-01T10:00:12Z\"") != std::string::npos);
  CHECK(merged.find("\"simgrid\": \"3.32.0\"") != std::string::npos);
  std::filesystem::remove_all(root);
}

TEST_CASE("timestamps are ISO 8601 UTC") {
  CHECK(utc_timestamp(std::chrono::system_clock::from_time_t(0)) == "1970-01-01T00:00:00Z");
  CHECK(utc_timestamp(std::chrono::system_clock::from_time_t(1700000000)) == "2023-11-14T22:13:20Z");
}

TEST_CASE("csv_number writes what printf's %.17g writes, and reads back to the same double") {
  const double values[] = {0.0, -0.0, 0.1, 1.0 / 3.0, -2.5e-7, 123456789012345678.0, 1e300, 4.9e-324, 2.2250738585072014e-308,
                           0.59101616796417300, 1e17, 1e16, 12345.678, -1e-5, INFINITY, -INFINITY};
  for (double v : values) {
    char expected[64];
    std::snprintf(expected, sizeof expected, "%.17g", v);
    CHECK(csv_number(v) == expected);
    if (std::isfinite(v)) CHECK(std::strtod(csv_number(v).c_str(), nullptr) == v);
  }
  CHECK(csv_number(NAN).empty());
  std::string row = "a,";
  append_csv_number(row, 0.25);
  CHECK(row == "a,0.25");
}
