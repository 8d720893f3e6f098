// The per-rank run driver both backends call, the rank layout, and message tags.
#include "sgdsim/core/algorithms/algorithm.hpp"

#include "sgdsim/core/algorithms/registry.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim {

int ranks_needed(const Scenario& scenario) {
  return scenario.cluster.workers + (comm_shape(scenario) == CommShape::PEERS ? 0 : 1);
}

int worker_of_rank(const Scenario& scenario, int rank) {
  switch (comm_shape(scenario)) {
    case CommShape::PEERS: return rank;
    case CommShape::PARAMETER_SERVER: return rank - 1;
    case CommShape::PEERS_AND_SERVER: return rank < scenario.cluster.workers ? rank : -1;
  }
  return rank;
}

int message_tag(std::int64_t iteration, MessageKind kind) { return static_cast<int>(iteration * 8 + static_cast<int>(kind)); }

RunOutcome run_algorithm(const RunContext& context) {
  if (context.comm.size() != ranks_needed(context.scenario))
    SGDSIM_THROW(ConfigError, "algorithm " + context.scenario.algorithm.name() + " needs " +
                                  std::to_string(ranks_needed(context.scenario)) + " ranks, the backend has " +
                                  std::to_string(context.comm.size()));
  return context.scenario.algorithm.def->run(context);
}

namespace {

// Forwards rank 0's records to the run's memory and to an observer.
class Tee : public TraceSink {
 public:
  Tee(MemoryTrace& memory, TraceSink* observer) : memory_(memory), observer_(observer) {}
  void iteration(const IterationRecord& r) override {
    memory_.iteration(r);
    if (observer_) observer_->iteration(r);
  }
  void worker(const WorkerRecord& r) override {
    memory_.worker(r);
    if (observer_) observer_->worker(r);
  }

 private:
  MemoryTrace& memory_;
  TraceSink* observer_;
};

}  // namespace

RunOutcome run_rank(const Scenario& scenario, const Problem& problem, int repetition, Comm& comm, Compute& compute,
                    const Clock& clock, RunResults& results, TraceSink* observer) {
  MemoryTrace memory;
  Tee tee(memory, comm.rank() == 0 ? observer : nullptr);
  const RunContext context{scenario, problem, repetition, comm, compute, clock, tee};
  RunOutcome outcome = run_algorithm(context);
  if (comm.rank() == 0) {
    results.iterations.insert(results.iterations.end(), memory.iterations.begin(), memory.iterations.end());
    results.workers.insert(results.workers.end(), memory.workers.begin(), memory.workers.end());
    results.summaries.push_back(outcome.summary);
    results.models.push_back(outcome.model);
  }
  return outcome;
}

}  // namespace sgdsim
