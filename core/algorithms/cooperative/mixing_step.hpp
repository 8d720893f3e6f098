// One averaging round X ← X·W on one rank (private to the family): whom a rank exchanges models with and how it
// combines them: everyone (all-reduce or graph), or the first r models to reach an aggregator (wait_for).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
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

  // Leaving workers behind (wait_for; failures). A worker calls round_started() as a round begins; a request it returns
  // completes when the round has ended without it, and interrupts its remaining local steps (nullptr: rounds wait
  // for everyone). mix() then adopts the average without offering its own model.
  virtual Request* round_started(std::int64_t /*end*/, Comm& /*comm*/) { return nullptr; }
  // After a mix(): whether the run has stalled (the aggregator's rule can no longer be met), on every rank.
  virtual bool stalled() const { return false; }
  // A failed worker calls it instead of offering its model: it sends its failure notice and offers nothing more.
  virtual void fail(std::int64_t /*t*/, double /*time*/, Comm& /*comm*/) {}
  // Then, where the backend ends a failed rank (Comm::leave), true: the caller returns now. Otherwise it stays silent
  // and only takes the averages.
  virtual bool leave(Comm& /*comm*/) { return false; }
  // Every rank, after its last round: withdraws what it still has posted (failure notices and their receives).
  virtual void finish(Comm& /*comm*/) {}
  // The models the last mix() used (its r; the workers for W = J); the workers known to be alive (−1: not watched).
  virtual int used() const { return -1; }
  virtual int live() const { return -1; }
  // A worker, after mix(): the aggregator's verdict on its model this round (when it arrived there, NaN: never; whether
  // it was used), for workers.csv; none when the round waited for everyone. And, when the run stalled, why.
  struct Verdict {
    double arrival = 0;
    bool used = false;
  };
  virtual std::optional<Verdict> verdict() const { return std::nullopt; }
  virtual std::string stall_reason() const { return {}; }
};

// W = J: an all-reduce of the models (or of the gradients, for sync SGD); otherwise an exchange with the neighbours of
// the graph of W (a server holding the auxiliary model is one more node), plus an all-reduce for replicated
// auxiliary models. `d` is the model dimension, `ranks` the communicator's size.
// With params.aggregated (wait_for < m, or failures in the scenario), the first wait_for models to reach an
// aggregator rank (the last rank) are averaged and sent to every worker. `watch`: the scenario has failures.
std::unique_ptr<MixingStep> make_mixing_step(const CooperativeParams& params, Comm& comm, const Clock& clock,
                                             std::size_t d, bool watch);

}  // namespace sgdsim::cooperative
