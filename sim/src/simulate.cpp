// simulate(): every repetition of a scenario, one after another, in one SimGrid engine run.
#include "sgdsim/sim/simulate.hpp"

#include <omp.h>

#include <cstdlib>

#include "sgdsim/core/algorithms/algorithm.hpp"
#include "sgdsim/sim/actors.hpp"

namespace sgdsim::sim {

namespace {

// Simulated workers compute one at a time, in short kernel calls between scheduling work. Parallel regions there cost
// more than they gain: after each one, idle OpenMP threads spin (and a barrier waits on any thread the OS has
// descheduled), which made agc-experiment's AGC variant take 6.8 s of CPU instead of 0.6 s with one thread.
// So a simulation computes on one thread unless OMP_NUM_THREADS asks otherwise; the previous setting comes back after.
class OneThreadUnlessAsked {
 public:
  OneThreadUnlessAsked() : asked_(std::getenv("OMP_NUM_THREADS") != nullptr), before_(omp_get_max_threads()) {
    if (!asked_) omp_set_num_threads(1);
  }
  ~OneThreadUnlessAsked() {
    if (!asked_) omp_set_num_threads(before_);
  }
  OneThreadUnlessAsked(const OneThreadUnlessAsked&) = delete;
  OneThreadUnlessAsked& operator=(const OneThreadUnlessAsked&) = delete;

 private:
  bool asked_;
  int before_;
};

}  // namespace

RunResults simulate(const Scenario& scenario, const Problem& problem, const SimulationOptions& options) {
  const OneThreadUnlessAsked threads;
  if (options.engine == SimEngine::ANALYTIC) return simulate_analytic(scenario, problem, options);
  const int ranks = ranks_needed(scenario);
  const bool parameter_server = is_parameter_server(scenario.algorithm.kind);
  RunResults results;  // appended to by rank 0 only (run_rank); actors run one at a time, so no locking
  auto body = [&](RankContext& context) {
    const int rank = context.rank();
    // Parameter-server algorithms: rank 0 is the PS (its compute is unused; worker −1 is the PS stream), rank i is
    // worker i−1. Model averaging: rank i is worker i.
    const int worker = parameter_server ? rank - 1 : rank;
    for (int repetition = 0; repetition < scenario.repetitions; ++repetition) {
      // Repetitions are independent runs: all ranks start each one together, at time 0 of its own clock, and its
      // messages (epoch = repetition) never match another repetition's.
      context.sync();
      auto comm = context.make_comm(repetition);
      auto clock = context.make_clock();
      auto compute = context.make_compute(scenario, problem, repetition, worker, *comm);
      run_rank(scenario, problem, repetition, *comm, *compute, *clock, results, rank == 0 ? options.observer : nullptr);
    }
  };
  run_actors(scenario.cluster.network, ranks, body, options.simgrid_args);
  return results;
}

}  // namespace sgdsim::sim
