// The two ways a round mixes: an all-reduce when W = J, and a neighbour exchange over the graph of W otherwise (with a
// server as one more node, or an all-reduce for auxiliary models every worker keeps a copy of).
#include "mixing_step.hpp"

#include <algorithm>
#include <cmath>

#include "../arrivals.hpp"
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

// wait_for r < m (or failures): an aggregator rank (the last) waits for the first r workers' models of a round,
// withdraws the rest (the gradient-coding PS's mechanism, Arrivals), and sends their average, summed in worker order,
// to every worker; every worker adopts it, those left behind included. A worker still stepping when the average
// arrives abandons the round's remaining steps. Each worker's message carries six more values: whether the run has
// stalled (fewer than r workers alive: the round can never complete), the failure noticed last (worker, time), the
// workers alive, and the worker's own verdict (its model's arrival time, whether it was used). Traffic per round: r
// models delivered, m messages of d + 6 values (a model dropped in flight is withdrawn before it is delivered and not
// counted).
class FirstRAverage final : public MixingStep {
 public:
  static constexpr std::size_t EXTRA = 6;

  FirstRAverage(int workers, int wait_for, std::size_t d, bool watch, Comm& comm, const Clock& clock)
      : m_(workers), r_(wait_for), server_(workers), rank_(comm.rank()), watch_(watch), clock_(clock),
        message_(d + EXTRA), live_(watch ? workers : -1) {
    if (rank_ == server_) {
      arrivals_ = std::make_unique<Arrivals>(comm, m_, 0, watch);
      models_.assign(static_cast<std::size_t>(m_), std::vector<double>(d));
      outgoing_.assign(static_cast<std::size_t>(m_), std::vector<double>(d + EXTRA));
      pending_.resize(static_cast<std::size_t>(m_));
      sends_.resize(static_cast<std::size_t>(m_));
    }
  }

  Request* round_started(std::int64_t end, Comm& comm) override {
    request_ = comm.recv_async(server_, message_tag(end, MessageKind::AVERAGE), message_);
    return &request_;
  }

  void mix(std::int64_t t, std::span<double> own, std::vector<std::vector<double>>&, Comm& comm) override {
    const std::size_t d = own.size();
    if (rank_ == server_) {
      serve(t, comm);
    } else {
      Request sent;
      // The round is still open for this worker (no average yet, and it has not failed): it offers its model.
      if (request_.pending() && !silent_) sent = comm.send_async(server_, message_tag(t, MessageKind::RESULT), own);
      if (request_.pending()) comm.wait(request_);
      if (sent.pending() && !comm.test(sent)) comm.cancel(sent);
    }
    stalled_ = message_[d] != 0.0;
    if (!stalled_) std::copy(message_.begin(), message_.begin() + static_cast<std::ptrdiff_t>(d), own.begin());
    if (watch_) live_ = static_cast<int>(message_[d + 3]);
    if (stalled_)
      reason_ = "worker " + std::to_string(static_cast<int>(message_[d + 1])) + " failed at " +
                seconds_text(message_[d + 2]) + "; the round waits for " + std::to_string(r_) + " of " +
                std::to_string(m_) + " workers' models, " + std::to_string(live_) + " are alive";
    verdict_ = Verdict{message_[d + 5], message_[d + 4] != 0.0};
  }

  void fail(std::int64_t, double time, Comm& comm) override {
    silent_ = true;
    notice_.send(comm, server_, time);
  }
  bool leave(Comm& comm) override { return notice_.leave(comm); }
  void finish(Comm& comm) override {
    if (arrivals_) arrivals_->finish();
    notice_.withdraw(comm);
  }

  std::uint64_t round_bytes() const override {
    return static_cast<std::uint64_t>(r_) * (message_.size() - EXTRA) * sizeof(double) +
           static_cast<std::uint64_t>(m_) * message_.size() * sizeof(double);
  }
  bool consensus() const override { return true; }
  bool stalled() const override { return stalled_; }
  int used() const override { return r_; }
  int live() const override { return live_; }
  std::optional<Verdict> verdict() const override {
    return rank_ == server_ ? std::nullopt : std::optional<Verdict>(verdict_);
  }
  std::string stall_reason() const override { return reason_; }

 private:
  void serve(std::int64_t t, Comm& comm) {
    const std::size_t d = message_.size() - EXTRA;
    for (int w = 0; w < m_; ++w)
      pending_[w] = comm.recv_async(w, message_tag(t, MessageKind::RESULT), models_[static_cast<std::size_t>(w)]);
    arrival_.assign(static_cast<std::size_t>(m_), NOT_EVALUATED);
    const bool alive = arrivals_->collect(
        pending_, [&](int arrived) { return arrived >= r_; },
        [&](int arrived, const std::vector<char>& failed) {
          int possible = arrived;
          for (int w = 0; w < m_; ++w) possible += pending_[w].pending() && !failed[w] ? 1 : 0;
          return possible >= r_;
        },
        [&](int w) { arrival_[static_cast<std::size_t>(w)] = clock_.now(); });
    std::fill(message_.begin(), message_.end(), 0.0);
    int used = 0;
    for (int w = 0; w < m_; ++w) {
      if (std::isnan(arrival_[static_cast<std::size_t>(w)])) continue;
      ++used;
      for (std::size_t i = 0; i < d; ++i) message_[i] += models_[static_cast<std::size_t>(w)][i];
    }
    if (used > 0)
      for (std::size_t i = 0; i < d; ++i) message_[i] /= used;
    const auto& failed = arrivals_->failed();
    message_[d] = alive ? 0.0 : 1.0;
    message_[d + 1] = arrivals_->last_failed();
    message_[d + 2] = arrivals_->last_failure_time();
    message_[d + 3] = m_ - static_cast<double>(std::count(failed.begin(), failed.end(), 1));
    for (int w = 0; w < m_; ++w) {
      auto& out = outgoing_[static_cast<std::size_t>(w)];
      std::copy(message_.begin(), message_.end(), out.begin());
      const double arrived = arrival_[static_cast<std::size_t>(w)];
      out[d + 4] = std::isnan(arrived) ? 0.0 : 1.0;
      out[d + 5] = arrived;
      sends_[w] = comm.send_async(w, message_tag(t, MessageKind::AVERAGE), out);
    }
    for (auto& s : sends_) comm.wait(s);
  }

  int m_, r_, server_, rank_;
  bool watch_;
  const Clock& clock_;
  // [x̄, stalled, last failed worker, its failure time, workers alive, used, arrival]: received (a worker), or the
  // common part of what is sent (the aggregator).
  std::vector<double> message_;
  int live_;
  Request request_;
  bool silent_ = false;
  bool stalled_ = false;
  FailureNotice notice_;
  Verdict verdict_;
  std::unique_ptr<Arrivals> arrivals_;
  std::vector<std::vector<double>> models_, outgoing_;
  std::vector<double> arrival_;
  std::vector<Request> pending_, sends_;
  std::string reason_;
};

}  // namespace

std::unique_ptr<MixingStep> make_mixing_step(const CooperativeParams& params, Comm& comm, const Clock& clock,
                                             std::size_t d, bool watch) {
  const int rank = comm.rank();
  const int ranks = comm.size();
  if (params.aggregated)
    return std::make_unique<FirstRAverage>(params.mixing.workers(), params.wait_for, d, watch, comm, clock);
  if (params.mixing.is_average()) return std::make_unique<AllReduceAverage>(ranks, d);
  return std::make_unique<GraphMix>(params, rank, ranks, d);
}

}  // namespace sgdsim::cooperative
