// The per-rank entry point both backends call, the rank layout, and message tags.
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

}  // namespace sgdsim
