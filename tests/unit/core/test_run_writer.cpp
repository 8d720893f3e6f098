// RunWriter: a private temporary directory renamed into place, no overwriting without replace, partial runs marked.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sgdsim/core/trace/run_directory.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;
namespace fs = std::filesystem;

namespace {

const char* SCENARIO = R"({"name": "t", "repetitions": 2, "algorithm": {"name": "sync_sgd"}})";

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Scratch {
  fs::path root = fs::temp_directory_path() / ("sgdsim_run_writer_" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(root); }
  ~Scratch() { fs::remove_all(root); }
};

RunSummary summary(int run, std::int64_t iterations) {
  RunSummary s;
  s.run = run;
  s.iterations = iterations;
  return s;
}

}  // namespace

TEST_CASE("rows go to <dir>.partial-<pid> as they come and the directory appears whole at commit") {
  Scratch scratch;
  const fs::path dir = scratch.root / "run";
  RunWriter writer(dir, SCENARIO, "simgrid", false);
  CHECK(writer.temporary_dir() == scratch.root / ("run.partial-" + std::to_string(::getpid())));
  CHECK_FALSE(fs::exists(dir));
  CHECK(read(writer.temporary_dir() / "summary.json").find("\"incomplete\": true") != std::string::npos);
  writer.iteration({0, 1, 0.5, NOT_EVALUATED, NOT_EVALUATED, 1, 8, 2});
  writer.repetition(summary(0, 1), std::vector<double>{1.5});
  // A repetition's end reaches the disk: a run killed now leaves its trace readable.
  CHECK(read(writer.temporary_dir() / "trace.csv") ==
        "run,iteration,time,loss,grad_norm,comm_rounds,bytes,waited_for\n0,1,0.5,,,1,8,2\n");
  writer.repetition(summary(1, 1), std::vector<double>{2.5});
  writer.commit();
  CHECK_FALSE(fs::exists(writer.temporary_dir()));
  CHECK(read(dir / "model.csv") == "run,index,value\n0,0,1.5\n1,0,2.5\n");
  CHECK(read(dir / "summary.json").find("\"incomplete\": false") != std::string::npos);
}

TEST_CASE("an existing run directory is replaced only with replace, and a directory of other files never") {
  Scratch scratch;
  const fs::path dir = scratch.root / "run";
  write_run_directory(dir, SCENARIO, RunResults{}, "simgrid");
  CHECK_THROWS_WITH_AS(RunWriter(dir, SCENARIO, "simgrid", false),
                       ("run directory " + dir.string() + ": holds a run already; pass --force to replace it").c_str(),
                       ConfigError);
  {
    RunWriter writer(dir, SCENARIO, "mpi", true);
    writer.commit();
  }
  CHECK(read(dir / "summary.json").find("\"backend\": \"mpi\"") != std::string::npos);
  CHECK(fs::directory_iterator(scratch.root) != fs::directory_iterator());
  for (const auto& entry : fs::directory_iterator(scratch.root)) CHECK(entry.path().filename() == "run");

  const fs::path other = scratch.root / "home";
  fs::create_directories(other);
  std::ofstream(other / "notes.txt") << "keep me";
  CHECK_THROWS_AS(RunWriter(other, SCENARIO, "simgrid", true), ConfigError);
  CHECK(read(other / "notes.txt") == "keep me");
  // An empty directory is not a run: it is used.
  fs::create_directories(scratch.root / "empty");
  RunWriter(scratch.root / "empty", SCENARIO, "simgrid", false).commit();
  CHECK(fs::exists(scratch.root / "empty" / "summary.json"));
}

TEST_CASE("an output location that cannot be created is a ConfigError before anything runs") {
  Scratch scratch;
  std::ofstream(scratch.root / "file") << "x";
  CHECK_THROWS_AS(RunWriter(scratch.root / "file" / "run", SCENARIO, "simgrid", false), ConfigError);
}

TEST_CASE("two writers of one directory never share files: the first commit wins, the second keeps its own") {
  Scratch scratch;
  const fs::path dir = scratch.root / "run";
  RunWriter a(dir, SCENARIO, "simgrid", false);
  RunWriter b(dir, SCENARIO, "simgrid", false);
  CHECK(a.temporary_dir() != b.temporary_dir());
  a.iteration({0, 1, 1.0, NOT_EVALUATED, NOT_EVALUATED, 1, 8, 2});
  b.iteration({0, 1, 2.0, NOT_EVALUATED, NOT_EVALUATED, 1, 8, 2});
  a.commit();
  CHECK_THROWS_AS(b.commit(), Error);
  CHECK(read(dir / "trace.csv").find("0,1,1,") != std::string::npos);
  CHECK(read(b.temporary_dir() / "trace.csv").find("0,1,2,") != std::string::npos);
}

TEST_CASE("an interrupted run gets a summary from its rows and stays marked incomplete, a failed one leaves nothing") {
  Scratch scratch;
  {
    RunWriter writer(scratch.root / "run", SCENARIO, "simgrid", false);
    writer.iteration({0, 1, 0.5, 0.75, 1.0, 1, 8, 2});
    writer.iteration({0, 2, 1.5, NOT_EVALUATED, NOT_EVALUATED, 2, 16, 2});
    writer.interrupted();
    writer.commit();
    REQUIRE(writer.summaries().size() == 1);
    const RunSummary& s = writer.summaries()[0];
    CHECK(s.status == RunStatus::INTERRUPTED);
    CHECK(s.iterations == 2);
    CHECK(s.time == 1.5);
    CHECK(s.final_loss == 0.75);  // the last evaluated loss
    CHECK(s.mean_iteration_time == 0.75);
  }
  const auto text = read(scratch.root / "run" / "summary.json");
  CHECK(text.find("\"incomplete\": true") != std::string::npos);
  CHECK(text.find("\"status\": \"interrupted\"") != std::string::npos);
  fs::path temporary;
  {
    RunWriter failed(scratch.root / "failed", SCENARIO, "simgrid", false);
    temporary = failed.temporary_dir();
    CHECK(fs::exists(temporary));
  }
  CHECK_FALSE(fs::exists(temporary));
  CHECK_FALSE(fs::exists(scratch.root / "failed"));
}

TEST_CASE("a classifier's run files have the accuracy columns and figures, also when interrupted") {
  Scratch scratch;
  const char* classifier = R"({"name": "c", "repetitions": 2, "algorithm": {"name": "sync_sgd"},
                               "problem": {"model": {"name": "softmax"}}})";
  RunWriter writer(scratch.root / "run", classifier, "simgrid", false);
  IterationRecord r{0, 1, 0.5, 0.75, 1.0, 1, 8, 2};
  r.accuracy = 0.5;
  r.test_loss = 0.25;
  r.test_accuracy = 0.625;
  writer.iteration(r);
  RunSummary done = summary(0, 1);
  done.final_test_accuracy = 0.75;
  done.best_test_accuracy = 0.875;
  writer.repetition(done, std::vector<double>{1.0});
  r = {1, 1, 0.5, 0.75, 1.0, 1, 8, 2};
  r.test_accuracy = 0.5;
  writer.iteration(r);
  r = {1, 2, 1.0, 0.5, 1.0, 2, 16, 2};
  r.test_accuracy = 0.25;
  writer.iteration(r);
  writer.iteration({1, 3, 1.5, NOT_EVALUATED, NOT_EVALUATED, 3, 24, 2});  // not evaluated: empty accuracy fields
  writer.interrupted();
  writer.commit();
  CHECK(read(scratch.root / "run" / "trace.csv") ==
        "run,iteration,time,loss,grad_norm,comm_rounds,bytes,waited_for,accuracy,test_loss,test_accuracy\n"
        "0,1,0.5,0.75,1,1,8,2,0.5,0.25,0.625\n1,1,0.5,0.75,1,1,8,2,,,0.5\n1,2,1,0.5,1,2,16,2,,,0.25\n"
        "1,3,1.5,,,3,24,2,,,\n");
  const auto text = read(scratch.root / "run" / "summary.json");
  CHECK(text.find("\"final_test_accuracy\": 0.75,") != std::string::npos);
  CHECK(text.find("\"best_test_accuracy\": 0.875,") != std::string::npos);
  REQUIRE(writer.summaries().size() == 2);
  const RunSummary& cut = writer.summaries()[1];  // from its rows: the last evaluated and the best test accuracy
  CHECK(cut.classifier);
  CHECK(cut.final_test_accuracy == 0.25);
  CHECK(cut.best_test_accuracy == 0.5);
  CHECK(text.find("\"final_test_accuracy\": 0.25,") != std::string::npos);
  // A linear objective's files have no accuracy column (the first test case checks its header).
}
