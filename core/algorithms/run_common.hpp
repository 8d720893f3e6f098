// Pieces shared by the algorithm families (private to core): stop rule, loss evaluation, run bookkeeping.
#pragma once

#include <cmath>
#include <vector>

#include "sgdsim/core/algorithms/algorithm.hpp"

namespace sgdsim::detail {

// Tracks the run on the aggregating rank: rows, the stop decision and the summary.
class RunBook {
 public:
  RunBook(const RunContext& context);

  // Whether the loss should be evaluated after iteration t (every N-th, the last, or always with a target loss).
  bool evaluate_at(std::int64_t t) const;
  // Evaluates F and ‖∇F‖ at x into the record (numerics off: left unevaluated).
  void evaluate(IterationRecord& record, std::span<const double> x);
  // Reports the row and, when `decide`, whether to stop after it. Divergence is a non-finite model: a test every rank
  // can make on its own copy of the (identical) averaged model.
  bool record(IterationRecord record, std::span<const double> x, bool decide = true);
  bool stopped() const { return stop_; }
  // Iteration cap for loops (stop.iterations or unbounded).
  std::int64_t max_iterations() const;
  // Whether ranks other than the aggregator can know the stop decision by themselves (iterations only).
  bool needs_stop_broadcast() const;

  RunSummary finish(std::span<const double> x);

 private:
  const RunContext& context_;
  std::vector<double> grad_;
  RunSummary summary_;
  bool stop_ = false;
};

bool all_finite(std::span<const double> x);

RunOutcome run_model_averaging(const RunContext& context);
RunOutcome run_parameter_server(const RunContext& context);

}  // namespace sgdsim::detail
