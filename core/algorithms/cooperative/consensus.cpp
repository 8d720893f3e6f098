// The consensus distance of the workers' models, and rank 0's rows held back until it is known.
#include "consensus.hpp"

#include <algorithm>

namespace sgdsim::cooperative {

double consensus_distance(std::span<const double> models, int workers, std::size_t d) {
  std::vector<double> mean(d, 0.0);
  for (int r = 0; r < workers; ++r)
    for (std::size_t i = 0; i < d; ++i) mean[i] += models[static_cast<std::size_t>(r) * d + i];
  for (double& v : mean) v /= workers;
  double sum = 0;
  for (int r = 0; r < workers; ++r)
    for (std::size_t i = 0; i < d; ++i) {
      const double diff = models[static_cast<std::size_t>(r) * d + i] - mean[i];
      sum += diff * diff;
    }
  return sum / workers;
}

void ConsensusRows::iteration(const IterationRecord& record) {
  held_.push_back(record);
  release();
}

void ConsensusRows::collect(Comm& comm, bool wait) {
  while (!awaited_.empty()) {
    const std::int64_t t = awaited_.front();
    if (!comm.monitor_collect(t, gathered_, wait)) break;
    awaited_.pop_front();
    const double distance = consensus_distance(gathered_, workers_, d_);
    auto row = std::find_if(held_.begin(), held_.end(), [t](const IterationRecord& r) { return r.iteration == t; });
    if (row != held_.end()) row->consensus = distance;
  }
  release();
}

void ConsensusRows::release() {
  // A row may go once no awaited round is at or before it.
  while (!held_.empty() && (awaited_.empty() || held_.front().iteration < awaited_.front())) {
    out_.iteration(held_.front());
    held_.pop_front();
  }
}

}  // namespace sgdsim::cooperative
