// The consensus distance of the workers' models, ‖∇F‖ at the average of all models, and rank 0's rows held back
// until they are known.
#include "consensus.hpp"

#include <algorithm>

namespace sgdsim::cooperative {

double consensus_distance(std::span<const double> models, int workers, std::size_t d) {
  const std::size_t n = contribution_size(d);
  auto model = [&](int r) { return models.subspan(static_cast<std::size_t>(r) * n, d); };
  auto present = [&](int r) { return models[static_cast<std::size_t>(r) * n + d] != 0.0; };
  std::vector<double> mean(d, 0.0);
  int count = 0;
  for (int r = 0; r < workers; ++r) {
    if (!present(r)) continue;
    ++count;
    const auto x = model(r);
    for (std::size_t i = 0; i < d; ++i) mean[i] += x[i];
  }
  if (count == 0) return NOT_EVALUATED;
  for (double& v : mean) v /= count;
  double sum = 0;
  for (int r = 0; r < workers; ++r) {
    if (!present(r)) continue;
    const auto x = model(r);
    for (std::size_t i = 0; i < d; ++i) {
      const double diff = x[i] - mean[i];
      sum += diff * diff;
    }
  }
  return sum / count;
}

std::vector<double> average_of_all(std::span<const double> models, int node_ranks,
                                   std::span<const double> auxiliary_sum, int nodes, std::size_t d) {
  const std::size_t n = contribution_size(d);
  std::vector<double> u(d, 0.0);
  for (int r = 0; r < node_ranks; ++r)
    for (std::size_t i = 0; i < d; ++i) u[i] += models[static_cast<std::size_t>(r) * n + i];
  for (std::size_t i = 0; i < auxiliary_sum.size(); ++i) u[i] += auxiliary_sum[i];
  for (double& v : u) v /= nodes;
  return u;
}

void ConsensusRows::contribute(Comm& comm, std::int64_t t, std::span<const double> model, bool present,
                               std::vector<double>& buffer) {
  buffer.assign(contribution_size(model.size()), 0.0);
  if (present) std::copy(model.begin(), model.end(), buffer.begin());
  buffer.back() = present ? 1.0 : 0.0;
  comm.monitor_contribute(t, buffer);
}

void ConsensusRows::expect(std::int64_t t, const std::vector<std::vector<double>>& replicas) {
  Awaited a{t, {}};
  if (average_.problem != nullptr && !replicas.empty()) {
    a.auxiliary_sum.assign(d_, 0.0);
    for (const auto& z : replicas)
      for (std::size_t i = 0; i < d_; ++i) a.auxiliary_sum[i] += z[i];
  }
  awaited_.push_back(std::move(a));
}

void ConsensusRows::iteration(const IterationRecord& record) {
  held_.push_back(record);
  // Every model, auxiliary ones included, starts from the same point: there u is rank 0's model.
  if (average_.problem != nullptr && record.iteration == 0) held_.back().average_grad_norm = record.grad_norm;
  release();
}

void ConsensusRows::collect(Comm& comm, bool wait) {
  while (!awaited_.empty()) {
    const Awaited& a = awaited_.front();
    const std::int64_t t = a.t;
    if (!comm.monitor_collect(t, gathered_, wait)) break;
    auto row = std::find_if(held_.begin(), held_.end(), [t](const IterationRecord& r) { return r.iteration == t; });
    if (row != held_.end()) {
      row->consensus = consensus_distance(gathered_, workers_, d_);
      if (average_.problem != nullptr) {
        // Bookkeeping like the loss of the row: F's gradient over the whole training set, summed as RunBook's.
        const std::vector<double> u =
            average_of_all(gathered_, average_.node_ranks, a.auxiliary_sum, average_.nodes, d_);
        grad_.resize(d_);
        row->average_grad_norm = average_.problem->gradient_norm(u, grad_);
      }
    }
    awaited_.pop_front();
  }
  release();
}

void ConsensusRows::release() {
  // A row may go once no awaited round is at or before it.
  while (!held_.empty() && (awaited_.empty() || held_.front().iteration < awaited_.front().t)) {
    out_.iteration(held_.front());
    held_.pop_front();
  }
}

}  // namespace sgdsim::cooperative
