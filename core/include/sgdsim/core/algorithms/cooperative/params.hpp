// The parameters of the model-averaging family, Cooperative SGD A(τ, W, v) (Wang & Joshi): every preset (sync_sgd,
// local_sgd, easgd, dpsgd, cooperative) parses its keys into this one struct and runs the one round loop. Public so
// that analysis/ can read them.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sgdsim/core/algorithms/cooperative/mixing.hpp"
#include "sgdsim/core/algorithms/cooperative/tau_schedule.hpp"
#include "sgdsim/core/algorithms/registry.hpp"

namespace sgdsim {

// Where auxiliary models live (v ≥ 1, e.g. EASGD's anchor z). SERVER: on one extra rank, as in the EASGD paper
// (v = 1; workers send it their models and get it back each round). REPLICATED: a copy on every worker, updated from
// an all-reduce of the workers' models (same iterates up to rounding, different traffic).
enum class AnchorPlacement { SERVER, REPLICATED };
const char* anchor_name(AnchorPlacement anchor);

// Where W came from, for the resolved scenario.
struct AverageMixing {};  // J
struct ElasticMixing {
  double alpha = 0;
};
struct ExplicitMixing {
  std::vector<std::vector<double>> rows;  // inline JSON
  std::string csv_path;                   // or a CSV file (absolute path), when non-empty
};
using MixingSource = std::variant<AverageMixing, TopologySpec, ElasticMixing, ExplicitMixing>;

// RI-SGD's redundant data (Haddadpour et al., ICML 2019): each worker also samples from other workers' shards.
struct Redundancy {
  enum class Replication { CYCLIC, HETEROGENEOUS };
  double mu = 0;                  // μ = (q − 1)/p, in [0, (p − 1)/p]
  Replication replication = Replication::CYCLIC;
  double std_dev = 0;             // σ of μ_j ~ Normal(μ, σ) (HETEROGENEOUS)
  bool sum = true;                // eq. (3): the chunk gradients summed; false: their mean
  bool replication_cost = false;  // charge the offline transfer of the redundant chunks before iteration 1
};

struct CooperativeParams : AlgorithmParams {
  int batch_size = 32;             // B, per worker and iteration
  bool sample_data_set = false;    // mini-batches from the whole data set (unbiased for grad F), not the worker's shard
  TauSchedule tau;                 // local steps per averaging round
  MixingMatrix mixing;             // W over the m workers and v auxiliary models (J by default)
  MixingSource source;             // what W was built from
  bool average_gradients = false;  // sync SGD: W = J applied to the gradients (all-reduce, one step with the mean)
  AnchorPlacement anchor = AnchorPlacement::REPLICATED;  // with auxiliary models only
  std::optional<Redundancy> redundancy;  // RI-SGD: several chunks per worker; absent: each worker its own shard
  int wait_for = 0;         // local_sgd, ri_sgd: models averaged per round (the first to arrive); 0: every worker's
  bool aggregated = false;  // rounds through an aggregator rank: wait_for < m, or cluster.failures

  // The rank layout: a server rank for the auxiliary model, or peers only.
  CommShape shape() const {
    return aggregated || (mixing.auxiliary() > 0 && anchor == AnchorPlacement::SERVER) ? CommShape::PEERS_AND_SERVER
                                                                                        : CommShape::PEERS;
  }
  // Rank 0's model is not u = X·1/(m + v), the average of all m + v models that Cooperative SGD's main result is
  // about: W ≠ J (worker 0's model after a round is its own mix) or auxiliary models (u averages them too; v > 0
  // implies W ≠ J). The trace then reports ‖∇F(u)‖ beside rank 0's (IterationRecord::average_grad_norm).
  bool reports_average() const { return !mixing.is_average(); }
  // An all-reduce of the workers' models (or gradients) after every iteration: sync SGD, local SGD with τ = 1.
  bool averages_every_iteration() const {
    return !aggregated && mixing.is_average() && tau.kind == TauSchedule::Kind::CONSTANT && tau.tau0 == 1;
  }
};

}  // namespace sgdsim
