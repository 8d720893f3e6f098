// Console output of the sgdsim command line: the per-run summary table, the progress line, run comparisons.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim::cli {

struct LabelledSummary {
  std::string label;      // variant label, or the scenario name
  std::string algorithm;
  RunSummary summary;
};

// One row per run: iterations, time, final loss, time to target, communication rounds, bytes.
std::string summary_table(const std::vector<LabelledSummary>& rows);

// Reads summary.json of a run directory back.
std::vector<LabelledSummary> read_summaries(const std::filesystem::path& run_dir, const std::string& label);

// A progress line on stderr, redrawn at most every 0.2 s wall-clock; only when stderr is a terminal.
class ProgressLine : public TraceSink {
 public:
  explicit ProgressLine(std::string label);
  ~ProgressLine() override;
  void iteration(const IterationRecord& record) override;
  void worker(const WorkerRecord&) override {}

 private:
  std::string label_;
  bool enabled_;
  double last_draw_ = -1;
  bool drawn_ = false;
};

// `sgdsim compare A B`: the two runs' iteration times side by side.
std::string compare_runs(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace sgdsim::cli
