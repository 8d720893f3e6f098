// simulate(): every repetition of a scenario, one after another, in one SimGrid engine run.
#include "sgdsim/sim/simulate.hpp"

#include "sgdsim/core/algorithms/algorithm.hpp"
#include "sgdsim/core/trace/row_collector.hpp"
#include "sgdsim/sim/actors.hpp"

namespace sgdsim::sim {

void simulate(const Scenario& scenario, const Problem& problem, RunSink& sink, const SimulationOptions& options) {
  const int ranks = ranks_needed(scenario);
  // Every actor reports into the one collector (actors run one at a time, so no locking): rows reach the sink as the
  // simulation produces them, and a worker record is held only until its iteration is complete.
  RowCollector rows(scenario.cluster.workers, sink, options.observer);
  auto body = [&](RankContext& context) {
    const int rank = context.rank();
    // With a parameter server, rank 0 is the PS (its compute is unused; worker −1 is the PS stream) and rank i is
    // worker i−1; among peers rank i is worker i.
    const int worker = worker_of_rank(scenario, rank);
    for (int repetition = 0; repetition < scenario.repetitions; ++repetition) {
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

}  // namespace sgdsim::sim
