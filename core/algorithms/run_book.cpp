// RunBook: the stop rule, loss evaluation, divergence and summary of a repetition.
#include "sgdsim/core/algorithms/run_book.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sgdsim {

bool all_finite(std::span<const double> x) {
  for (double v : x)
    if (!std::isfinite(v)) return false;
  return true;
}

RunBook::RunBook(const RunContext& context, std::span<const double> start) : context_(context) {
  summary_.run = context.repetition;
  summary_.classifier = context.problem.has_model();
  grad_.resize(static_cast<std::size_t>(context.problem.dimension()));
  // Rank 0 keeps the trace (the other ranks' rows are never read): only it pays for evaluating the starting point.
  if (context.comm.rank() != 0) return;
  IterationRecord r{context.repetition, 0, 0.0, NOT_EVALUATED, NOT_EVALUATED, 0, 0, 0};
  if (!context.scenario.cluster.failures.empty()) r.live = context.scenario.cluster.workers;
  evaluate(r, start);
  initial_loss_ = r.loss;  // the reference of the divergence test (NaN with numerics off: no such test)
  context.trace.iteration(r);
}

bool RunBook::evaluate_at(std::int64_t t) const {
  const auto& s = context_.scenario;
  if (!s.cluster.compute.numerics) return false;
  return s.stop.target_loss.has_value() || t % s.output.every == 0 || (s.stop.iterations && t == *s.stop.iterations);
}

void RunBook::evaluate(IterationRecord& record, std::span<const double> x) {
  if (!context_.scenario.cluster.compute.numerics) return;
  // Loss evaluation is bookkeeping: it is not charged to the run's (simulated) time.
  const Evaluation e = context_.problem.evaluate(x, grad_);
  record.loss = e.loss;
  record.grad_norm = e.grad_norm;
  record.accuracy = e.accuracy;
  record.test_loss = e.test_loss;
  record.test_accuracy = e.test_accuracy;
  evaluated_ = record.iteration;
}

bool RunBook::loss_diverged(double loss) {
  if (!std::isfinite(loss)) return true;
  return initial_loss_ > 0 && std::isfinite(initial_loss_) && loss > DIVERGENCE_FACTOR * initial_loss_;
}

void RunBook::set_diverged() {
  summary_.status = RunStatus::DIVERGED;
  summary_.stop_reason = "diverged";
}

bool RunBook::record(IterationRecord r, std::span<const double> x, bool decide) {
  const auto& stop = context_.scenario.stop;
  r.run = context_.repetition;
  context_.trace.iteration(r);
  summary_.iterations = r.iteration;
  summary_.time = r.time;
  summary_.comm_rounds = r.comm_rounds;
  summary_.bytes = r.bytes;
  if (!std::isnan(r.loss)) summary_.final_loss = r.loss;
  if (!std::isnan(r.test_accuracy)) {
    summary_.final_test_accuracy = r.test_accuracy;
    if (std::isnan(summary_.best_test_accuracy) || r.test_accuracy > summary_.best_test_accuracy)
      summary_.best_test_accuracy = r.test_accuracy;
  }
  if (!decide) return false;
  if (!all_finite(x) || (evaluated_ == r.iteration && loss_diverged(r.loss))) {
    set_diverged();
    return stop_ = true;
  }
  if (stop.target_loss && !std::isnan(r.loss) && r.loss <= *stop.target_loss && std::isnan(summary_.time_to_target)) {
    summary_.time_to_target = r.time;
    summary_.stop_reason = "target_loss";
    return stop_ = true;
  }
  if (stop.target_accuracy && !std::isnan(r.test_accuracy) && r.test_accuracy >= *stop.target_accuracy &&
      std::isnan(summary_.time_to_target_accuracy)) {
    summary_.time_to_target_accuracy = r.time;
    summary_.stop_reason = "target_accuracy";
    return stop_ = true;
  }
  if (stop.time && r.time >= *stop.time) {
    summary_.stop_reason = "time";
    return stop_ = true;
  }
  if (stop.iterations && r.iteration >= *stop.iterations) {
    summary_.stop_reason = "iterations";
    return stop_ = true;
  }
  return false;
}

void RunBook::stall(std::string reason) {
  summary_.status = RunStatus::STALLED;
  summary_.stop_reason = "stalled";
  summary_.reason = std::move(reason);
  stop_ = true;
}

std::int64_t RunBook::max_iterations() const {
  return context_.scenario.stop.iterations.value_or(std::numeric_limits<std::int64_t>::max());
}

bool RunBook::needs_stop_broadcast() const {
  const auto& stop = context_.scenario.stop;
  return stop.time.has_value() || stop.target_loss.has_value() || stop.target_accuracy.has_value();
}

RunSummary RunBook::finish(std::span<const double> x) {
  if (!all_finite(x)) set_diverged();
  if (summary_.status == RunStatus::COMPLETED && context_.scenario.cluster.compute.numerics) {
    summary_.final_loss = context_.problem.full_loss(x);
    if (loss_diverged(summary_.final_loss)) set_diverged();
    if (context_.problem.has_test()) {
      summary_.final_test_accuracy = context_.problem.test_accuracy(x);
      if (std::isnan(summary_.best_test_accuracy) || summary_.final_test_accuracy > summary_.best_test_accuracy)
        summary_.best_test_accuracy = summary_.final_test_accuracy;
    }
  }
  summary_.mean_iteration_time = summary_.iterations > 0 ? summary_.time / static_cast<double>(summary_.iterations) : 0;
  if (summary_.stop_reason.empty()) summary_.stop_reason = "iterations";
  return summary_;
}

}  // namespace sgdsim
