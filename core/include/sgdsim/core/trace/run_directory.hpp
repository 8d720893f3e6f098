// The run directory: streamed into a fresh temporary directory while the run goes, renamed into place when it ends.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim {

// Throws ConfigError unless `dir` may become a run directory: it does not exist, is an empty directory, or (with
// `replace`, the command line's --force) is a run directory (it holds scenario.json). A directory holding anything else
// is never replaced.
void check_run_directory(const std::filesystem::path& dir, bool replace);

// The files of a run directory, in the order they are written (summary.json last).
extern const std::vector<std::string> RUN_FILES;

class StagedDirectory;  // a directory built under a private temporary name, renamed into place whole

struct RunFileOptions {
  int workers_every = 1;                 // workers.csv keeps the iterations divisible by this; 0 keeps none
  std::optional<Provenance> provenance;  // written into summary.json when given (an empty "finished": when written)
  int repetitions = 0;                   // the repetitions the directory will hold (0: the scenario's)
  bool averaging_rounds = false;         // the algorithm's AlgorithmDef::averaging_rounds: trace columns tau, consensus
  bool average_model = false;            // reports_average(scenario): the trace column average_grad_norm
};

// Writes one run directory: scenario.json, trace.csv, workers.csv, model.csv and summary.json. A scenario with
// problem.model (a classifier) gets three more trace columns (accuracy, test_loss, test_accuracy) and the
// test-accuracy figures in summary.json; a model-averaging algorithm (options.averaging_rounds) two more after them
// (tau, consensus) and its summaries' zeta, and one more where rank 0's model is not the average of all models
// (options.average_model: average_grad_norm). Other runs' files are as they always were.
//
// The constructor checks `dir` (check_run_directory), creates a fresh directory `<dir>.partial-<pid>` beside it (a
// unique name: never shared with another process, so two runs cannot mix their files), and writes scenario.json, the
// CSV headers and a summary.json marked "incomplete": true. Rows are appended as they come and reach the disk at least
// once a second (whole lines only), so a killed run leaves a readable partial trace behind in that directory.
// repetition() appends the final model and rewrites summary.json. commit() writes summary.json for the last time and
// renames the directory to `dir` (moving an old run directory aside first and deleting it afterwards, with
// `replace`). Not committed, the destructor deletes the temporary directory: a failed run leaves nothing.
class RunWriter final : public RunSink {
 public:
  RunWriter(std::filesystem::path dir, std::string resolved_scenario, std::string backend, bool replace,
            RunFileOptions options = {});
  ~RunWriter() override;
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;

  void iteration(const IterationRecord& record) override;
  void worker(const WorkerRecord& record) override;
  void repetition(const RunSummary& summary, std::span<const double> model) override;

  // The repetition under way was interrupted: it gets a summary from the rows written so far (status
  // "interrupted", final_loss the last evaluated loss; a classifier's final and best test accuracy from the evaluated
  // rows), and the directory stays marked incomplete.
  void interrupted();
  // Ends the run directory (see above). summary.json says "incomplete": true when a repetition was interrupted or
  // fewer repetitions ended than the directory is for.
  void commit();

  // The hosts the run ran on, for the provenance (when the options gave one).
  void set_hosts(std::vector<std::string> hosts);

  const std::vector<RunSummary>& summaries() const { return summaries_; }
  const std::filesystem::path& temporary_dir() const;

 private:
  class Appender;

  void write_summary(bool incomplete);
  void flush_rows();

  std::unique_ptr<StagedDirectory> staged_;
  std::string resolved_scenario_;
  std::string backend_;
  RunFileOptions options_;
  std::unique_ptr<Appender> trace_, workers_, model_;
  std::vector<RunSummary> summaries_;
  RunSummary current_;  // the repetition under way, from its rows (for interrupted())
  bool current_has_rows_ = false;
  bool classifier_ = false;  // problem.model: three more trace columns, test accuracy in the summary
  bool failures_ = false;    // cluster.failures: the trace column live
  bool interrupted_ = false;
  bool stamp_finished_ = false;  // the provenance's "finished" is the time summary.json was last written
  double last_flush_ = 0;
};

// Writes a whole run from memory through a RunWriter (replacing a run directory already there); the averaging
// columns also when any row ends an averaging round.
void write_run_directory(const std::filesystem::path& dir, const std::string& resolved_scenario,
                         const RunResults& results, const std::string& backend, const RunFileOptions& options = {});

// Writes `dir` from run directories of the same scenario holding consecutive repetitions (each run alone, maybe in
// another process or on another host), in repetition order: the same bytes as if all repetitions had been written
// at once, except summary.json's provenance, which spans the parts (earliest start, latest end, every host), and
// "incomplete", true if a part is or the parts hold fewer repetitions than the scenario. Staged like a RunWriter's
// directory: `dir` appears whole, and replaces a run directory only with `replace`.
void merge_run_directories(const std::vector<std::filesystem::path>& parts, const std::filesystem::path& dir,
                           bool replace = false);

}  // namespace sgdsim
