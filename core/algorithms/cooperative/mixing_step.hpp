// One averaging round X ← X·W on one rank (private to the family): whom a rank exchanges models with and how it
// combines them. The seam where other averaging rules (e.g. using the first r models to arrive) plug in.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "sgdsim/core/algorithms/cooperative/params.hpp"
#include "sgdsim/core/comm/comm.hpp"

namespace sgdsim::cooperative {

class MixingStep {
 public:
  virtual ~MixingStep() = default;
  // Every rank calls it at the end of every round (same t everywhere). `own` is the model of the node this rank is
  // (a worker's model, or the server's auxiliary model); `replicas` the auxiliary models this rank keeps a copy of
  // (REPLICATED placement). Both are replaced by their mixed values.
  virtual void mix(std::int64_t t, std::span<double> own, std::vector<std::vector<double>>& replicas, Comm& comm) = 0;
  // Payload bytes all ranks together send in one mix(): the plan mix() runs, so rank 0 can count everyone's traffic.
  virtual std::uint64_t round_bytes() const = 0;
  // The cumulative bytes of all ranks as measured by the last mix() itself, when it can (the all-reduce carries each
  // rank's count); the round loop checks its own count against it.
  virtual std::optional<std::uint64_t> measured_total() const { return std::nullopt; }
  // Whether every worker holds the same model after mix() (W = J): then each can decide on divergence by itself, and
  // the model average needs no extra reduction.
  virtual bool consensus() const = 0;
};

// W = J: an all-reduce of the models (or of the gradients, for sync SGD); otherwise an exchange with the neighbours of
// the graph of W (a server holding the auxiliary model is one more node), plus an all-reduce for replicated
// auxiliary models. `d` is the model dimension, `ranks` the communicator's size.
std::unique_ptr<MixingStep> make_mixing_step(const CooperativeParams& params, int rank, int ranks, std::size_t d);

}  // namespace sgdsim::cooperative
