// What every algorithm runs on: its context (Comm / Compute / Clock, no backend named), its outcome, the per-rank run
// driver both backends call, the rank layout and message tags.
#pragma once

#include <cstdint>
#include <vector>

#include "sgdsim/core/comm/comm.hpp"
#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim {

// What one rank needs to run its part of one repetition.
struct RunContext {
  const Scenario& scenario;
  const Problem& problem;  // the whole data set; a worker only touches its assigned rows
  int repetition = 0;
  Comm& comm;
  Compute& compute;  // this rank's compute (unused on a parameter server)
  const Clock& clock;
  TraceSink& trace;  // this rank's records, as they happen (rows on the aggregating rank, worker records everywhere)
};

// What a rank's part of a repetition returns. The summary and the final model are meaningful on rank 0.
struct RunOutcome {
  RunSummary summary;
  std::vector<double> model;
};

// The rank layout of the scenario's algorithm (its CommShape, see registry.hpp): the ranks it needs (k, or k + 1 with
// a parameter server), and the worker a rank plays (−1: the parameter server, or the server of PEERS_AND_SERVER).
int ranks_needed(const Scenario& scenario);
int worker_of_rank(const Scenario& scenario, int rank);

// Runs this rank's part of one repetition with the scenario's algorithm (ConfigError if comm.size() is not
// ranks_needed).
RunOutcome run_algorithm(const RunContext& context);

// Message tags: the iteration and the message kind, so that a message of iteration t never matches one of t+1.
enum class MessageKind : int {
  MODEL = 0, RESULT = 1, AVERAGE = 2, CONTROL = 3, GATHER = 4, LOSS = 5, ANCHOR = 6, REPLICA = 7
};
int message_tag(std::int64_t iteration, MessageKind kind);

}  // namespace sgdsim
