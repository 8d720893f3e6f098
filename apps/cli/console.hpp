// Console output of the sgdsim command line: the study and per-run tables, progress on stderr, run comparisons.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sgdsim/analysis/study_stats.hpp"
#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim::cli {

struct LabelledSummary {
  std::string label;      // variant label, or the scenario name
  std::string algorithm;
  RunSummary summary;
};

// One row per repetition: status, iterations, time, final loss, time to target, communication rounds, bytes.
std::string summary_table(const std::vector<LabelledSummary>& rows);
// One line per stalled run, for stderr: "sgdsim: <label> run <r> stalled: <reason>" (empty when none stalled).
std::string stall_lines(const std::vector<LabelledSummary>& rows);

// One row per variant: its repetitions' status counts, then mean ± half-width of the 95% interval of time, time per
// iteration, final loss, time to target (with how many reached it), rounds and bytes, and the speed-up over the
// baseline; a line under the table says what the speed-up compares.
std::string study_table(const analysis::StudyStats& study);
// "27.0 ± 1.8": the half-width to two significant digits and the mean to the same decimal place; the mean alone
// (printed with `alone`) when there is no interval (one value) or it is 0.
std::string with_interval(double mean, double half_width, const char* alone = "%.4g");

// Reads summary.json of a run directory back.
std::vector<LabelledSummary> read_summaries(const std::filesystem::path& run_dir, const std::string& label);

// Progress on stderr. On a terminal one line, redrawn at most every 0.2 s and erased at the end; otherwise (a log
// file, a pipe) a line every 5 s, the first after 5 s, so short runs print nothing. `quiet`: nothing at all.
class Progress {
 public:
  explicit Progress(bool quiet);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  // Shows `text` if it is time to (or `force`).
  void show(const std::string& text, bool force = false);
  // A line of its own (e.g. -v's finished tasks), below the redrawn line.
  void note(const std::string& text);
  bool quiet() const { return quiet_; }

 private:
  bool quiet_, terminal_;
  double started_, last_ = -1;
  bool drawn_ = false;
};

// A single run's progress: label, repetition, iteration (of stop.iterations when set), simulated time, loss, and with
// an iteration limit the ETA (wall-clock, at the pace so far over all `repetitions`).
class ProgressLine : public TraceSink {
 public:
  ProgressLine(std::string label, std::int64_t iterations, int repetitions, bool quiet);
  void iteration(const IterationRecord& record) override;
  void worker(const WorkerRecord&) override {}

 private:
  std::string label_;
  std::int64_t iterations_;  // 0: unknown
  int repetitions_;
  double started_;
  Progress progress_;
};

// The progress of a study's tasks (one per repetition): done/total, running, elapsed, ETA; with `verbose` a line per
// finished task.
class TaskProgress {
 public:
  TaskProgress(int total, bool quiet, bool verbose);
  void started() { ++running_; }
  void finished(const std::string& what, int status, bool mine = true);
  void tick();

 private:
  int total_, done_ = 0, running_ = 0;
  bool verbose_;
  Progress progress_;
  double started_;
  double eta_ = 0, eta_at_ = 0;  // the estimate made when the last repetition finished, and when
  std::string text() const;
};

// `sgdsim compare A B`: the two runs' iteration times side by side.
std::string compare_runs(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace sgdsim::cli
