// The bounds report of `sgdsim bounds SCENARIO`: closed forms, estimated constants, theorem values, simulated times.
#pragma once

#include <string>

#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim::analysis {

// Mean time per iteration of recorded runs: Σ (time increments) / Σ (iteration increments) within each run, the first
// record of a run counted from time 0 and iteration 0. Also the standard error of the per-iteration increments.
struct ObservedIterationTime {
  double mean = 0;
  double standard_error = 0;
  std::int64_t iterations = 0;
};
ObservedIterationTime observed_iteration_time(const RunResults& results);

// A plain aligned text report for the scenario: the closed-form mean iteration time of its algorithm (and of
// uncoded / EGC / AGC / ignore-stragglers on the same cluster for comparison), the network term for its topology,
// the estimated constants (β, μ, F*, Δ_0 from x_0 = 0, σ² at x_0 and x*) with how each was obtained, Theorem 1 and
// Theorem 2 values or the violated condition, and — when `simulated` is given — the simulated mean iteration time next
// to the closed form with their ratio.
std::string bounds_report(const Scenario& scenario, const Problem& problem, const RunResults* simulated);

}  // namespace sgdsim::analysis
