// The two ways a round mixes: an all-reduce when W = J, and a neighbour exchange over the graph of W otherwise (with a
// server as one more node, or an all-reduce for auxiliary models every worker keeps a copy of).
#include "mixing_step.hpp"

#include <algorithm>
#include <cmath>

#include "sgdsim/core/algorithms/algorithm.hpp"

namespace sgdsim::cooperative {
namespace {

// W = J: every rank ends with the mean, bit-identical everywhere (Comm::allreduce_mean). The averaged vector carries
// one extra element, each rank's cumulative bytes sent (this round included), so that the round itself measures the
// exact total of all ranks.
class AllReduceAverage final : public MixingStep {
 public:
  AllReduceAverage(int ranks, std::size_t d) : ranks_(ranks), buffer_(d + 1) {
    for (int r = 0; r < ranks; ++r) round_bytes_ += Comm::allreduce_bytes_of(r, ranks, d + 1);
  }

  void mix(std::int64_t t, std::span<double> own, std::vector<std::vector<double>>&, Comm& comm) override {
    const std::size_t d = own.size();
    std::copy(own.begin(), own.end(), buffer_.begin());
    buffer_[d] = static_cast<double>(comm.bytes_sent() + comm.allreduce_bytes(d + 1));
    comm.allreduce_mean(buffer_, message_tag(t, MessageKind::AVERAGE));
    measured_ = static_cast<std::uint64_t>(std::llround(buffer_[d] * ranks_));
    std::copy(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(d), own.begin());
  }
  std::uint64_t round_bytes() const override { return round_bytes_; }
  std::optional<std::uint64_t> measured_total() const override { return measured_; }
  bool consensus() const override { return true; }

 private:
  int ranks_;
  std::vector<double> buffer_;
  std::uint64_t round_bytes_ = 0;
  std::uint64_t measured_ = 0;
};

// Any other W. The nodes that live on ranks (the workers, and a server's auxiliary model: node = rank) exchange
// models with the nodes of their column of W and sum them in node order (Comm::neighbor_mix). Replicated auxiliary
// models (node m + a, a copy on every worker) are updated from an all-reduce of Σ_j W_{j,m+a} x_j over the workers;
// each worker adds their terms to its own model after its neighbours', in node order too.
class GraphMix final : public MixingStep {
 public:
  GraphMix(const CooperativeParams& p, int rank, int ranks, std::size_t d) : w_(p.mixing), ranks_(ranks) {
    const bool server = p.shape() == CommShape::PEERS_AND_SERVER;
    replicated_ = server ? 0 : w_.auxiliary();
    for (const auto& e : w_.column(rank)) {
      if (e.node < ranks) {
        row_.push_back({e.node, e.weight});
      } else {
        replica_terms_.push_back(e);  // an auxiliary model this worker keeps a copy of
      }
    }
    round_bytes_ = static_cast<std::uint64_t>(w_.links(ranks)) * d * sizeof(double);
    if (replicated_ > 0) {
      contribution_.resize(static_cast<std::size_t>(replicated_) * d);
      mixed_.resize(static_cast<std::size_t>(replicated_));
      for (int r = 0; r < ranks; ++r) round_bytes_ += Comm::allreduce_bytes_of(r, ranks, contribution_.size());
    }
  }

  void mix(std::int64_t t, std::span<double> own, std::vector<std::vector<double>>& replicas, Comm& comm) override {
    const std::size_t d = own.size();
    const int m = w_.workers();
    if (replicated_ > 0) {
      // Σ_j W_{j,m+a} x_j for every auxiliary model a: each worker contributes its own terms; the mean times the
      // number of ranks is the sum.
      for (int a = 0; a < replicated_; ++a) {
        const double weight = w_.at(comm.rank(), m + a);
        for (std::size_t i = 0; i < d; ++i) contribution_[static_cast<std::size_t>(a) * d + i] = weight * own[i];
      }
      comm.allreduce_mean(contribution_, message_tag(t, MessageKind::ANCHOR));
      for (int a = 0; a < replicated_; ++a) {
        auto& z = mixed_[static_cast<std::size_t>(a)];
        z.assign(contribution_.begin() + static_cast<std::ptrdiff_t>(a * d),
                 contribution_.begin() + static_cast<std::ptrdiff_t>((a + 1) * d));
        for (double& v : z) v *= ranks_;
        for (int b = 0; b < replicated_; ++b) {
          const double weight = w_.at(m + b, m + a);
          if (weight == 0) continue;
          const auto& source = replicas[static_cast<std::size_t>(b)];
          for (std::size_t i = 0; i < d; ++i) z[i] += weight * source[i];
        }
      }
    }
    comm.neighbor_mix(row_, own, message_tag(t, MessageKind::AVERAGE));
    for (const auto& e : replica_terms_) {
      const auto& z = replicas[static_cast<std::size_t>(e.node - m)];
      for (std::size_t i = 0; i < d; ++i) own[i] += e.weight * z[i];
    }
    if (replicated_ > 0) std::swap(replicas, mixed_);
  }
  std::uint64_t round_bytes() const override { return round_bytes_; }
  bool consensus() const override { return false; }

 private:
  const MixingMatrix& w_;
  int ranks_;
  int replicated_ = 0;
  std::vector<Comm::NeighborWeight> row_;           // this rank's column of W over the nodes on ranks
  std::vector<MixingMatrix::Entry> replica_terms_;  // and over the replicated auxiliary models
  std::vector<double> contribution_;
  std::vector<std::vector<double>> mixed_;
  std::uint64_t round_bytes_ = 0;
};

}  // namespace

std::unique_ptr<MixingStep> make_mixing_step(const CooperativeParams& params, int rank, int ranks, std::size_t d) {
  if (params.mixing.is_average()) return std::make_unique<AllReduceAverage>(ranks, d);
  return std::make_unique<GraphMix>(params, rank, ranks, d);
}

}  // namespace sgdsim::cooperative
