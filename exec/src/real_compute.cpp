// RealCompute: real gradients; task times drawn from the straggler model and injected as sleeps that an interrupt cuts.
#include "sgdsim/exec/real_compute.hpp"

#include <algorithm>
#include <thread>

#include "sgdsim/interrupt.hpp"

namespace sgdsim::exec {

namespace {
constexpr double SLICE = 100e-6;  // seconds between two tests of the interrupt while sleeping
}

RealCompute::RealCompute(const Scenario& scenario, const Problem& problem, int repetition, int worker, Comm& comm,
                         const Clock& clock)
    : ModelledCompute(scenario, problem, repetition, worker), comm_(comm), clock_(clock) {
  if (auto it = scenario.cluster.compute.slowdown.find(worker); it != scenario.cluster.compute.slowdown.end())
    slowdown_ = it->second;
}

bool RealCompute::spend(double load, std::int64_t /*iteration: the draws are taken in task order*/, double started,
                        Request* interrupt) {
  const TaskTime task = draw_task(load);
  const double now = clock_.now();
  // The injected sleep itself, not (now + sleep) − now, which may round below it.
  if (spec().inject == Inject::MODEL) {
    last_injected_ = std::max(0.0, started + task.total() - now);
  } else {
    last_injected_ = task.delay + std::max(0.0, (slowdown_ - 1.0) * (now - started));
  }
  const double deadline = now + last_injected_;
  for (double t = now; t < deadline; t = clock_.now()) {
    interrupt::check();
    if (interrupt != nullptr && interrupt->pending() && comm_.test(*interrupt)) return false;
    std::this_thread::sleep_for(std::chrono::duration<double>(std::min(SLICE, deadline - t)));
  }
  return true;
}

}  // namespace sgdsim::exec
