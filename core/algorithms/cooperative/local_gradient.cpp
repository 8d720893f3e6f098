// Mini-batch gradients from the worker's own shard: B rows with replacement, load B/N.
#include "local_gradient.hpp"

#include "sgdsim/core/data/assignment.hpp"

namespace sgdsim::cooperative {
namespace {

class ShardMiniBatch final : public LocalGradient {
 public:
  ShardMiniBatch(const RunContext& c, int batch_size, int worker)
      : compute_(c.compute),
        shards_(Shards::shared(c.problem.samples(), c.scenario.cluster.workers, c.scenario.seed, c.repetition)),
        sampler_(shards_->shard(worker), batch_size, c.scenario.seed, c.repetition, worker),
        worker_(worker),
        load_(static_cast<double>(batch_size) / static_cast<double>(c.problem.samples())),
        numerics_(c.scenario.cluster.compute.numerics) {}

  // Without numerics no row is read, so none is drawn (the sampler's stream is its own: nothing else changes).
  double compute(std::span<const double> x, std::span<double> grad) override {
    compute_.gradient(numerics_ ? kernels::SampleSet::list(sampler_.next()) : kernels::SampleSet::list({}), x, grad);
    return load_;
  }
  std::span<const std::int64_t> partition() const override { return shards_->shard(worker_); }

 private:
  Compute& compute_;
  std::shared_ptr<const Shards> shards_;
  BatchSampler sampler_;
  int worker_;
  double load_;
  bool numerics_;
};

}  // namespace

std::unique_ptr<LocalGradient> make_local_gradient(const RunContext& context, const CooperativeParams& params,
                                                   int worker) {
  return std::make_unique<ShardMiniBatch>(context, params.batch_size, worker);
}

}  // namespace sgdsim::cooperative
