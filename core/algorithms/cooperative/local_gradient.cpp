// Mini-batch gradients from the data a worker holds: B rows with replacement from its own shard (load B/N) or, with
// sampling "data_set", from all rows; with RI-SGD's redundancy, B rows from each shard it holds whole and a share of B
// from a partial one, combined as eq. (3).
#include "local_gradient.hpp"

#include <cmath>

#include "sgdsim/core/data/assignment.hpp"

namespace sgdsim::cooperative {
namespace {

class ChunkMiniBatch final : public LocalGradient {
 public:
  ChunkMiniBatch(const RunContext& c, const CooperativeParams& p, int worker)
      : compute_(c.compute),
        shards_(Shards::shared(c.problem.samples(), c.scenario.cluster.workers, c.scenario.seed, c.repetition)),
        // The whole data set in the order of a single worker's shard, so that with one worker both samplings agree.
        rows_(p.sample_data_set ? Shards::shared(c.problem.samples(), 1, c.scenario.seed, c.repetition) : shards_),
        worker_(worker),
        numerics_(c.scenario.cluster.compute.numerics) {
    const int b = p.batch_size;
    std::vector<ChunkDraw> draws{{rows_->shard(p.sample_data_set ? 0 : worker), b}};
    if (p.redundancy) {
      const double mu = worker_redundancy(c, *p.redundancy)[static_cast<std::size_t>(worker)];
      held_ = cyclic_chunks(*shards_, worker, mu, c.scenario.seed, c.repetition);
      for (std::size_t i = 1; i < held_.whole.size(); ++i) draws.push_back({shards_->shard(held_.whole[i]), b});
      // A partial shard contributes mini-batches in proportion to the share of it held.
      if (held_.partial >= 0) draws.push_back({held_.partial_rows, static_cast<int>(std::lround(held_.fraction * b))});
    }
    int rows = 0;
    for (const auto& d : draws) rows += d.rows;
    sampler_ = std::make_unique<BatchSampler>(std::move(draws), c.scenario.seed, c.repetition, worker);
    load_ = static_cast<double>(rows) / static_cast<double>(c.problem.samples());
    // The kernels give the mean over the rows; eq. (3) sums the chunks' means, each over B rows: (rows/B)·mean.
    if (p.redundancy && p.redundancy->sum) scale_ = static_cast<double>(rows) / b;
  }

  // Without numerics no row is read, so none is drawn (the sampler's stream is its own: nothing else changes).
  double compute(std::span<const double> x, std::span<double> grad) override {
    compute_.gradient(numerics_ ? kernels::SampleSet::list(sampler_->next()) : kernels::SampleSet::list({}), x, grad);
    if (scale_ != 1.0) kernels::scale(scale_, grad);
    return load_;
  }
  std::span<const std::int64_t> partition() const override { return shards_->shard(worker_); }
  std::int64_t redundant_rows() const override { return sgdsim::redundant_rows(*shards_, held_); }

 private:
  Compute& compute_;
  std::shared_ptr<const Shards> shards_;
  std::shared_ptr<const Shards> rows_;  // what the own mini-batches are drawn from: shards_, or one shard of every row
  HeldChunks held_;
  std::unique_ptr<BatchSampler> sampler_;
  int worker_;
  double load_ = 0;
  double scale_ = 1.0;
  bool numerics_;
};

}  // namespace

std::vector<double> worker_redundancy(const RunContext& c, const Redundancy& r) {
  const int p = c.scenario.cluster.workers;
  if (r.replication == Redundancy::Replication::CYCLIC) return std::vector<double>(static_cast<std::size_t>(p), r.mu);
  return heterogeneous_redundancy(p, r.mu, r.std_dev, c.scenario.seed, c.repetition);
}

std::unique_ptr<LocalGradient> make_local_gradient(const RunContext& context, const CooperativeParams& params,
                                                   int worker) {
  return std::make_unique<ChunkMiniBatch>(context, params, worker);
}

}  // namespace sgdsim::cooperative
