// simulate(): the repetitions of a scenario, one after another, in one SimGrid engine run (or the analytic engine);
// the library's version.
#include "sgdsim/sim/simulate.hpp"

#include <omp.h>
#include <xbt/base.h>  // the declaration macros simgrid/version.h uses
#include <simgrid/version.h>

#include <cstdlib>

#include "sgdsim/core/algorithms/algorithm.hpp"
#include "sgdsim/core/trace/row_collector.hpp"
#include "sgdsim/error.hpp"
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

void simulate(const Scenario& scenario, const Problem& problem, RunSink& sink, const SimulationOptions& options) {
  const OneThreadUnlessAsked threads;
  if (options.only_repetition && (*options.only_repetition < 0 || *options.only_repetition >= scenario.repetitions))
    SGDSIM_THROW(ConfigError, "repetition " + std::to_string(*options.only_repetition) + " does not exist (scenario has " +
                                  std::to_string(scenario.repetitions) + ")");
  if (options.engine == SimEngine::ANALYTIC) {
    simulate_analytic(scenario, problem, sink, options);
    return;
  }
  const int ranks = ranks_needed(scenario);
  // Every actor reports into the one collector (actors run one at a time, so no locking): rows reach the sink as the
  // simulation produces them, and a worker record is held only until its iteration is complete.
  RowCollector rows(scenario.cluster.workers, sink, options.observer);
  auto body = [&](RankContext& context) {
    const int rank = context.rank();
    // With a parameter server, rank 0 is the PS (its compute is unused; worker −1 is the PS stream) and rank i is
    // worker i−1; among peers rank i is worker i.
    const int worker = worker_of_rank(scenario, rank);
    const int first = options.only_repetition.value_or(0);
    const int end = options.only_repetition ? first + 1 : scenario.repetitions;
    for (int repetition = first; repetition < end; ++repetition) {
      // Repetitions are independent runs: all ranks start each one together, at time 0 of its own clock, and its
      // messages (epoch = repetition) never match another repetition's.
      context.sync();
      auto comm = context.make_comm(repetition);
      auto clock = context.make_clock();
      auto compute = context.make_compute(scenario, problem, repetition, worker, *comm);
      const RunOutcome outcome = run_algorithm({scenario, problem, repetition, *comm, *compute, *clock, rows});
      if (rank == 0) sink.repetition(outcome.summary, outcome.model);
    }
  };
  run_actors(scenario.cluster.network, ranks, body, options.simgrid_args);
  rows.flush();  // every worker reported every iteration: nothing is left open (an Error otherwise)
}

RunResults simulate(const Scenario& scenario, const Problem& problem, const SimulationOptions& options) {
  RunResults results;
  simulate(scenario, problem, results, options);
  return results;
}

std::string simgrid_version() {
  int major = 0, minor = 0, patch = 0;
  sg_version_get(&major, &minor, &patch);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

}  // namespace sgdsim::sim
