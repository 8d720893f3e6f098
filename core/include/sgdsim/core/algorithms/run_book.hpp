// The run bookkeeping every algorithm shares, public so that an algorithm added from outside reports the same trace
// rows, stop decisions and summary as a built-in one: the stop rule, loss evaluation, divergence and the summary.
// Worker records need no gathering: every rank reports its own with context.trace.worker() as they happen, and the
// backend brings them to rank 0 in (iteration, worker) order.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sgdsim/core/algorithms/algorithm.hpp"

namespace sgdsim {

// A run has diverged when its model is not finite, or a loss evaluated during the run (or the final one) is not finite
// or exceeds DIVERGENCE_FACTOR × F(x0), the loss at the starting model (the row of iteration 0).
constexpr double DIVERGENCE_FACTOR = 1e4;

// Tracks one repetition on the aggregating rank (rank 0, or the parameter server): reports its trace rows, makes the
// stop decision (scenario.stop: iterations, time, target loss; and divergence) and builds the summary.
//
// Constructed on every rank with the model the repetition starts from; rank 0 reports it as the row of iteration 0
// (time 0, the start of the repetition's clock; the loss and gradient norm at the starting point; no rounds, no bytes,
// nobody waited for), so that every trace starts where its run starts.
// Typical use on the aggregating rank, after the update of iteration t:
//   IterationRecord r{context.repetition, t, context.clock.now(), NOT_EVALUATED, NOT_EVALUATED, rounds, bytes, used};
//   if (book.evaluate_at(t)) book.evaluate(r, x);
//   if (book.record(r, x)) break;            // stop after this iteration
// and at the end `outcome.summary = book.finish(x)`. Loss evaluation is bookkeeping: it takes no simulated time.
class RunBook {
 public:
  RunBook(const RunContext& context, std::span<const double> start);

  // Whether the loss should be evaluated after iteration t (every output.every-th, the last, or always with a target
  // loss); never with numerics off.
  bool evaluate_at(std::int64_t t) const;
  // Evaluates F and ‖∇F‖ over the whole data set at x into the record (numerics off: left unevaluated).
  void evaluate(IterationRecord& record, std::span<const double> x);
  // Reports the row and, when `decide`, returns whether to stop after it. A non-finite model is a test every rank can
  // make on its own copy of an identical model; a diverged loss is known only here, on the rank that evaluates it (see
  // diverged()).
  bool record(IterationRecord record, std::span<const double> x, bool decide = true);
  bool stopped() const { return stop_; }
  // Ends the run as stalled (status STALLED, stop_reason "stalled"): the algorithm's rule can no longer be met because
  // workers failed; `reason` says which and why.
  void stall(std::string reason);
  // Whether the run has diverged (DIVERGENCE_FACTOR). When only the loss says so, the model is still finite and
  // ranks that decide their stop from the model cannot know: the algorithm must tell them.
  bool diverged() const { return summary_.status == RunStatus::DIVERGED; }
  // The iteration cap for loops: stop.iterations, or unbounded.
  std::int64_t max_iterations() const;
  // Whether the stop can be decided only by the aggregating rank (a time or target-loss stop), so that the other
  // ranks must be told; with an iteration limit alone every rank knows when to stop.
  bool needs_stop_broadcast() const;

  // The summary of the repetition, with the final loss evaluated at x (a diverged one makes the run diverged).
  RunSummary finish(std::span<const double> x);

 private:
  bool loss_diverged(double loss);
  void set_diverged();

  const RunContext& context_;
  std::vector<double> grad_;
  double initial_loss_ = NOT_EVALUATED;  // F at the starting model (rank 0, with numerics)
  std::int64_t evaluated_ = -1;  // the iteration last evaluated
  RunSummary summary_;
  bool stop_ = false;
};

bool all_finite(std::span<const double> x);

}  // namespace sgdsim
