// The algorithms, written once against Comm / Compute / Clock: nothing here knows which backend runs them.
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
  Compute& compute;  // this rank's compute (unused on the parameter server)
  const Clock& clock;
  TraceSink& trace;  // this rank's records, as they happen (rows on the aggregating rank, worker records everywhere)
};

// Ranks: model-averaging algorithms use ranks 0..k-1 as workers (rank 0 also aggregates the trace);
// parameter-server algorithms use rank 0 as the PS and ranks 1..k as workers 0..k-1.
int ranks_needed(const Scenario& scenario);

// Runs this rank's part of one repetition. The returned summary (and the final model) are meaningful on rank 0.
struct RunOutcome {
  RunSummary summary;
  std::vector<double> model;
};
RunOutcome run_algorithm(const RunContext& context);

// Message tags: the iteration and the message kind, so that a message of iteration t never matches one of t+1.
enum class MessageKind : int { MODEL = 0, RESULT = 1, AVERAGE = 2, CONTROL = 3, GATHER = 4 };
int message_tag(std::int64_t iteration, MessageKind kind);

}  // namespace sgdsim
