// Run records (per iteration, per worker) and the run directory writer: trace.csv, workers.csv, summary.json.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sgdsim {

constexpr double NOT_EVALUATED = std::numeric_limits<double>::quiet_NaN();

struct IterationRecord {
  int run = 0;                  // repetition
  std::int64_t iteration = 0;   // state after this many iterations (0: the starting point)
  double time = 0;              // clock seconds since the run started
  double loss = NOT_EVALUATED;  // F(x) of the (averaged) model, when evaluated
  double grad_norm = NOT_EVALUATED;
  std::int64_t comm_rounds = 0; // cumulative communication rounds
  std::uint64_t bytes = 0;      // cumulative payload bytes sent by all ranks
  int waited_for = 0;           // workers whose result was used this iteration
  // Classifiers (problem.model) only, when evaluated: training accuracy, test loss and test accuracy.
  double accuracy = NOT_EVALUATED;
  double test_loss = NOT_EVALUATED;
  double test_accuracy = NOT_EVALUATED;
  std::int64_t tau = 0;         // model averaging: the local steps of the round that ended here (0: no round ended)
  double consensus = NOT_EVALUATED;  // model averaging: ‖X(I−J)‖²_F/m of the workers' models entering the round
  int live = -1;  // with cluster.failures: workers not known (to the aggregating rank) to have failed
};

struct WorkerRecord {
  int run = 0;
  std::int64_t iteration = 0;
  int worker = 0;
  double start = 0;     // clock time the task started
  double compute = 0;   // modelled compute seconds of the task
  double arrival = NOT_EVALUATED;  // clock time its result reached the aggregator (NaN: never)
  bool computed = false;  // the task finished computing
  bool used = false;      // its result entered the update
  bool dropped = false;   // it was computed or started but not used (late / cancelled)
};

enum class RunStatus { COMPLETED, DIVERGED, FAILED, STALLED };
const char* status_name(RunStatus status);

struct RunSummary {
  int run = 0;
  RunStatus status = RunStatus::COMPLETED;
  std::string stop_reason;  // "iterations", "time", "target_loss", "target_accuracy", "diverged", "stalled"
  std::string reason;       // STALLED: why ("worker 3 failed at 12.5 s; uncoded waits for all 8 workers")
  std::int64_t iterations = 0;
  double time = 0;
  double final_loss = NOT_EVALUATED;
  double time_to_target = NOT_EVALUATED;  // NaN: target not set or not reached
  std::int64_t comm_rounds = 0;
  std::uint64_t bytes = 0;
  double mean_iteration_time = 0;
  // Classifiers (problem.model) only: test accuracy at the end, the best evaluated, and the time it first reached
  // stop.target_accuracy (NaN: no test set / not reached).
  bool classifier = false;
  double final_test_accuracy = NOT_EVALUATED;
  double best_test_accuracy = NOT_EVALUATED;
  double time_to_target_accuracy = NOT_EVALUATED;
  double zeta = NOT_EVALUATED;  // model averaging: ζ of the mixing matrix (NaN: the algorithm has none)
  // RI-SGD with replication_cost: the offline transfer of the redundant rows before iteration 1 (NaN: not charged).
  // Its time is part of every later row's time, its bytes part of `bytes`.
  double replication_time = NOT_EVALUATED;
  std::uint64_t replication_bytes = 0;
};

// What an algorithm reports to. The aggregating rank (PS, or rank 0) reports iterations; every rank reports the
// worker records it knows (the runner gathers them to rank 0 at the end).
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void iteration(const IterationRecord& record) = 0;
  virtual void worker(const WorkerRecord& record) = 0;
};

// Keeps everything in memory.
class MemoryTrace : public TraceSink {
 public:
  void iteration(const IterationRecord& record) override { iterations.push_back(record); }
  void worker(const WorkerRecord& record) override { workers.push_back(record); }
  std::vector<IterationRecord> iterations;
  std::vector<WorkerRecord> workers;
};

// A double as CSV text that reads back to the same double (%.17g); NaN (not evaluated) is an empty field.
std::string csv_number(double v);

void write_file_atomically(const std::filesystem::path& path, const std::string& contents);

// Packing worker records into doubles to gather them over a Comm, and back.
std::vector<double> pack_worker_records(const std::vector<WorkerRecord>& records);
std::vector<WorkerRecord> unpack_worker_records(std::span<const double> packed);

}  // namespace sgdsim

namespace sgdsim {

// Everything a run of all repetitions produced (on the aggregating rank).
struct RunResults {
  std::vector<IterationRecord> iterations;
  std::vector<WorkerRecord> workers;
  std::vector<RunSummary> summaries;
  std::vector<std::vector<double>> models;  // the final model of each repetition
};

// Where, when and by what a run directory was made: summary.json's "provenance".
struct Provenance {
  std::string version;             // sgdsim --version
  std::string command;             // the command line
  std::vector<std::string> hosts;  // the hosts its repetitions ran on
  std::string started, finished;   // ISO 8601 UTC, e.g. 2026-01-31T09:15:02Z
  std::vector<std::pair<std::string, std::string>> libraries;  // e.g. {"simgrid", "3.32.0"}
};

// The provenance as a JSON object (keys sgdsim_version, command, hosts, started, finished, libraries).
std::string provenance_json(const Provenance& provenance);

// "2026-01-31T09:15:02Z"
std::string utc_timestamp(std::chrono::system_clock::time_point when);

struct RunFileOptions {
  int workers_every = 1;                  // workers.csv keeps the iterations divisible by this; 0 keeps none
  std::optional<Provenance> provenance;  // written into summary.json when given
};

// Writes the run directory: scenario.json, trace.csv, workers.csv, model.csv (final models), summary.json (last).
// Every file goes to a temporary name first and is renamed when complete. A scenario with problem.model (a
// classifier) gets three more trace columns (accuracy, test_loss, test_accuracy) and the test-accuracy figures in
// summary.json; the files of a linear objective are as they always were.
void write_run_directory(const std::filesystem::path& dir, const std::string& resolved_scenario,
                         const RunResults& results, const std::string& backend, const RunFileOptions& options = {});

// The files of a run directory, in the order they are written (summary.json last).
extern const std::vector<std::string> RUN_FILES;

// Writes `dir` from run directories of the same scenario holding consecutive repetitions (each run alone, maybe in
// another process or on another host), in repetition order: the same bytes as if all repetitions had been written
// at once, except summary.json's provenance, which spans the parts (earliest start, latest end, every host).
void merge_run_directories(const std::vector<std::filesystem::path>& parts, const std::filesystem::path& dir);

}  // namespace sgdsim
