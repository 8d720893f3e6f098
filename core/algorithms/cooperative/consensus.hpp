// The consensus distance ‖X(I − J)‖²_F / m of the workers' models (the "network error" of Cooperative SGD) and ‖∇F(u)‖
// at the average u of all m + v models for the trace, and rank 0's trace rows held back until they are known (private
// to the family). It is monitoring: gathered through Comm's monitoring gathers, it takes no simulated time and no
// counted bytes.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "sgdsim/core/comm/comm.hpp"
#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim::cooperative {

// The gathered contributions: each rank's model (d values) and a presence flag after it (1: a live worker's, or the
// server's; 0: a failed worker's, which is no longer part of the system), laid end to end in rank order.
inline std::size_t contribution_size(std::size_t d) { return d + 1; }

// (1/m') Σ_i ‖x_i − x̄‖² over the present ones (m' of them) among the first m contributions of `models`, x̄ their mean;
// NaN if none is present.
double consensus_distance(std::span<const double> models, int workers, std::size_t d);

// u = X·1/(m + v), the average Cooperative SGD's main result is about: the models of the first `node_ranks`
// contributions in `models` (the workers', in rank order, and a server's auxiliary model after them) plus
// `auxiliary_sum`, the sum of the auxiliary models kept as replicas (empty: none), divided by `nodes` = m + v.
std::vector<double> average_of_all(std::span<const double> models, int node_ranks,
                                   std::span<const double> auxiliary_sum, int nodes, std::size_t d);

// Where the m + v models of X live, for the average u (AverageOf::problem == nullptr: no average reported).
struct AverageOf {
  const Problem* problem = nullptr;  // evaluates ∇F(u) over the whole training set
  int node_ranks = 0;                // ranks whose model is a node of X: the m workers, and a server's anchor
  int nodes = 0;                     // m + v
};

// Rank 0's trace: rows go through to `out` in order, but a row whose monitoring figures are awaited waits, and the rows
// after it wait behind it. Every rank calls contribute() for the same rounds; rank 0 then collects.
class ConsensusRows final : public TraceSink {
 public:
  ConsensusRows(TraceSink& out, int workers, std::size_t d, AverageOf average = {})
      : out_(out), workers_(workers), d_(d), average_(average) {}

  // Every rank, at an evaluated round t, before mixing: its model (the server's is not part of the distance, but is
  // of the average u), or, from a failed worker, `present` = false. A rank that left (Comm::leave) counts as absent.
  // `buffer` (the caller's, reused across rounds) holds the contribution while it is handed over.
  static void contribute(Comm& comm, std::int64_t t, std::span<const double> model, bool present,
                         std::vector<double>& buffer);
  // Rank 0: the row of iteration t waits for the figures of round t. `replicas`: the auxiliary models rank 0 keeps a
  // copy of, entering the round (every worker's copy is the same: each applies the same all-reduced sum to an
  // identical copy, so rank 0's stands for all).
  void expect(std::int64_t t, const std::vector<std::vector<double>>& replicas = {});
  // Rank 0: fills in every round's figures that are complete (all, with `wait`: at the end of the run) and passes the
  // rows on.
  void collect(Comm& comm, bool wait);

  void iteration(const IterationRecord& record) override;
  void worker(const WorkerRecord& record) override { out_.worker(record); }
  void worker_gone(int run, int worker, std::int64_t iteration) override { out_.worker_gone(run, worker, iteration); }

 private:
  struct Awaited {
    std::int64_t t = 0;
    std::vector<double> auxiliary_sum;  // of rank 0's replicas entering round t (empty: none)
  };
  void release();

  TraceSink& out_;
  int workers_;
  std::size_t d_;
  AverageOf average_;
  std::deque<Awaited> awaited_;       // rounds whose figures are not known yet, in order
  std::deque<IterationRecord> held_;  // rows not passed on yet, in order
  std::vector<double> gathered_, grad_;
};

}  // namespace sgdsim::cooperative
