// The per-rank entry point both backends call, the rank layout, and message tags.
#include "sgdsim/core/algorithms/algorithm.hpp"

#include "sgdsim/core/algorithms/registry.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim {

int ranks_needed(const Scenario& scenario) {
  return scenario.cluster.workers + (scenario.algorithm.def->shape == CommShape::PARAMETER_SERVER ? 1 : 0);
}

int worker_of_rank(const Scenario& scenario, int rank) {
  return scenario.algorithm.def->shape == CommShape::PARAMETER_SERVER ? rank - 1 : rank;
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
