// When a worker fails (cluster.failures): the earliest of its listed failure and an Exp(rate) time from its FAILURE
// stream, the same in every backend. A failed worker stops computing and sending for good.
#pragma once

#include <cstdint>
#include <limits>

#include "sgdsim/core/scenario/scenario.hpp"

namespace sgdsim {

struct WorkerFailure {
  double time = std::numeric_limits<double>::infinity();              // clock seconds
  std::int64_t iteration = std::numeric_limits<std::int64_t>::max();  // at the start of this iteration

  bool ever() const {
    return time != std::numeric_limits<double>::infinity() || iteration != std::numeric_limits<std::int64_t>::max();
  }
  // Whether the worker, at clock `now` and about to start iteration t, has failed.
  bool before_start(double now, std::int64_t t) const { return now >= time || t >= iteration; }
  // Whether a task that ended at clock `now` was cut short by the failure (its result is never sent).
  bool during_task(double now) const { return now > time; }
  // The failure time the worker reports in its notice: the scheduled time, or the clock at an iteration failure.
  double reported(double now) const { return now >= time ? time : now; }
};

WorkerFailure failure_of(const Scenario& scenario, int repetition, int worker);

}  // namespace sgdsim
