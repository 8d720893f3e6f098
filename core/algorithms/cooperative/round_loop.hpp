// The family's run function (private to core/algorithms/cooperative): every preset's registry entry runs it.
#pragma once

#include "sgdsim/core/algorithms/algorithm.hpp"
#include "sgdsim/core/algorithms/cooperative/params.hpp"

namespace sgdsim::cooperative {

// This rank's part of one repetition: ranks 0..m−1 are the workers (rank 0 keeps the trace), rank m the server of the
// auxiliary model when it has one. Each round: τ local steps (mini-batch SGD on the worker's own model; sync SGD keeps
// its gradient), then X ← X·W (mixing_step.hpp); the loss rule measures F after each round to pick the next τ.
RunOutcome run_cooperative(const RunContext& context, const CooperativeParams& params);

}  // namespace sgdsim::cooperative
