// The data of sgdsim's figures, computed from run records: loss curves with confidence bands across repetitions,
// iteration-time distributions and per-worker timelines (`sgdsim plot` writes each beside its figure).
#pragma once

#include <cstdint>
#include <vector>

#include "sgdsim/analysis/study_stats.hpp"
#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim::analysis {

// One point of a curve: x, and the statistics (mean, sd, 95% interval) of y over the repetitions that have a value.
struct CurvePoint {
  double x = 0;
  SampleStats y;
};

// Loss against the run's clock over the repetitions `runs`. A repetition's loss at time t is the loss it last
// evaluated at or before t (the model it has at t). The points are the times at which any of them evaluated the loss,
// up to the earliest of their last evaluations, so that every repetition counts at every point; more than
// `max_points` are thinned to every m-th (the last one kept).
std::vector<CurvePoint> loss_over_time(const std::vector<IterationRecord>& rows, const std::vector<int>& runs,
                                       std::size_t max_points = 1000);

// Loss against cumulative communication rounds or bytes: at every iteration where some repetition of `runs` evaluated
// the loss, x is the mean of the axis over those repetitions and y their loss.
enum class IterationAxis { COMM_ROUNDS, BYTES };
std::vector<CurvePoint> loss_over_iterations(const std::vector<IterationRecord>& rows, const std::vector<int>& runs,
                                             IterationAxis axis);

// The time each iteration took (the difference of the times of iterations i − 1 and i, i ≥ 1) in the repetitions
// `runs`, pooled and sorted.
std::vector<double> iteration_durations(const std::vector<IterationRecord>& rows, const std::vector<int>& runs);

// A bar of the per-worker timeline. A task computes from its start for its compute time and its result is then
// USED (entered the update), LATE (computed, but the aggregator had moved on) or the task is INTERRUPTED (the next
// model came before it finished: the bar ends at the worker's next start). WAITING: from the end of that bar to the
// worker's next task (waiting for the other workers and the next model).
enum class TimelineState { USED, LATE, INTERRUPTED, WAITING };
const char* timeline_state_name(TimelineState state);
struct TimelineBar {
  int worker = 0;
  std::int64_t iteration = 0;
  TimelineState state = TimelineState::USED;
  double begin = 0, end = 0;
};
// The bars of iterations first..last of repetition `run`, by worker and iteration.
std::vector<TimelineBar> worker_timeline(const std::vector<WorkerRecord>& workers, int run, std::int64_t first,
                                         std::int64_t last);

}  // namespace sgdsim::analysis
