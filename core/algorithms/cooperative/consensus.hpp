// The consensus distance ‖X(I − J)‖²_F / m of the workers' models (the "network error" of Cooperative SGD) for the
// trace, and rank 0's trace rows held back until it is known (private to the family). It is monitoring: gathered
// through Comm's monitoring gathers, it takes no simulated time and no counted bytes.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "sgdsim/core/comm/comm.hpp"
#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim::cooperative {

// (1/m) Σ_i ‖x_i − x̄‖² over the first m of the models laid end to end in `models` (each of size d), x̄ their mean.
double consensus_distance(std::span<const double> models, int workers, std::size_t d);

// Rank 0's trace: rows go through to `out` in order, but a row whose consensus distance is awaited waits, and the
// rows after it wait behind it. Every rank calls contribute() for the same rounds; rank 0 then collects.
class ConsensusRows final : public TraceSink {
 public:
  ConsensusRows(TraceSink& out, int workers, std::size_t d) : out_(out), workers_(workers), d_(d) {}

  // Every rank, at an evaluated round t, before mixing: its model (the server's is not part of the distance).
  static void contribute(Comm& comm, std::int64_t t, std::span<const double> model) { comm.monitor_contribute(t, model); }
  // Rank 0: the row of iteration t waits for the distance of round t.
  void expect(std::int64_t t) { awaited_.push_back(t); }
  // Rank 0: fills in every distance that is complete (all, with `wait`: at the end of the run) and passes the rows on.
  void collect(Comm& comm, bool wait);

  void iteration(const IterationRecord& record) override;
  void worker(const WorkerRecord& record) override { out_.worker(record); }

 private:
  void release();

  TraceSink& out_;
  int workers_;
  std::size_t d_;
  std::deque<std::int64_t> awaited_;  // rounds whose distance is not known yet, in order
  std::deque<IterationRecord> held_;  // rows not passed on yet, in order
  std::vector<double> gathered_;
};

}  // namespace sgdsim::cooperative
