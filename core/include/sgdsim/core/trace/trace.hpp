// Run records (per iteration, per worker), the sinks they go to, a run's results kept in memory, its provenance.
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
  // Model averaging where rank 0's model is not the average u of all m + v models (W ≠ J, or auxiliary models):
  // ‖∇F(u)‖, u = X·1/(m + v) over the workers' and the auxiliary models, at evaluated rounds and the start.
  double average_grad_norm = NOT_EVALUATED;
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

// What the aggregator (the PS) knows of a worker's task in one iteration: when its result arrived (NaN: not before
// the PS moved on) and whether it entered the update. RowCollector merges it into the worker's own record.
struct ArrivalRecord {
  int run = 0;
  std::int64_t iteration = 0;
  int worker = 0;
  double arrival = NOT_EVALUATED;
  bool used = false;
};

enum class RunStatus { COMPLETED, DIVERGED, FAILED, INTERRUPTED, STALLED };
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
  std::vector<int> silent_workers;  // real runs: workers given up on at the end (sent nothing within the timeout)
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

// What an algorithm reports to, as it goes. The aggregating rank (PS, or rank 0) reports iterations and, in the PS
// family, arrivals; every rank reports the worker records of its own tasks.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void iteration(const IterationRecord& record) = 0;
  virtual void worker(const WorkerRecord& record) = 0;
  // An aggregator that reports arrivals (ArrivalRecord: the PS's view of each worker's task) says so first, before it
  // sends its first model (so before any worker can have reported), so that worker rows wait for them. Then it
  // reports one per worker per iteration. Sinks that keep no worker rows ignore both.
  virtual void expect_arrivals() {}
  virtual void arrival(const ArrivalRecord& /*record*/) {}
  // A failed worker whose rank left (Comm::leave) reports no rows from `iteration` on of run `run`: the sink writes
  // them itself, as the rows of a worker that computed nothing (gone_row). Sinks that keep no worker rows ignore it.
  virtual void worker_gone(int /*run*/, int /*worker*/, std::int64_t /*iteration*/) {}
};

// The row of a failed worker at an iteration it no longer took part in: nothing started, computed or sent.
inline WorkerRecord gone_row(int run, std::int64_t iteration, int worker) {
  return {run, iteration, worker, NOT_EVALUATED, 0, NOT_EVALUATED, false, false, true};
}

// Where a run's results go on the aggregating rank: iteration rows as they come, worker rows in (iteration, worker)
// order with arrivals merged (see RowCollector), and each repetition's summary and final model when it ends.
class RunSink : public TraceSink {
 public:
  virtual void repetition(const RunSummary& summary, std::span<const double> model) = 0;
};

// A double as CSV text that reads back to the same double (%.17g); NaN (not evaluated) is an empty field.
std::string csv_number(double v);
void append_csv_number(std::string& out, double v);  // the same, appended to `out`

// Writes `path` whole: into a temporary name unique to this process beside it, then renamed over it.
void write_file_atomically(const std::filesystem::path& path, const std::string& contents);

// Packing worker records into doubles to gather them over a Comm, and back.
std::vector<double> pack_worker_records(const std::vector<WorkerRecord>& records);
std::vector<WorkerRecord> unpack_worker_records(std::span<const double> packed);

}  // namespace sgdsim

namespace sgdsim {

// Everything a run of all repetitions produced, kept in memory (tests, `sgdsim bounds`; runs stream to a RunWriter).
struct RunResults final : RunSink {
  void iteration(const IterationRecord& record) override { iterations.push_back(record); }
  void worker(const WorkerRecord& record) override { workers.push_back(record); }
  void repetition(const RunSummary& summary, std::span<const double> model) override {
    summaries.push_back(summary);
    models.emplace_back(model.begin(), model.end());
  }

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

}  // namespace sgdsim
