// Mini-batch gradients: B rows with replacement from the worker's own shard, or (sampling "data_set") from all rows;
// load B/N.
#include "local_gradient.hpp"

#include "sgdsim/core/data/assignment.hpp"

namespace sgdsim::cooperative {
namespace {

class ShardMiniBatch final : public LocalGradient {
 public:
  ShardMiniBatch(const RunContext& c, int batch_size, bool data_set, int worker)
      : compute_(c.compute),
        shards_(Shards::shared(c.problem.samples(), c.scenario.cluster.workers, c.scenario.seed, c.repetition)),
        // The whole data set in the order of a single worker's shard, so that with one worker both samplings agree.
        rows_(data_set ? Shards::shared(c.problem.samples(), 1, c.scenario.seed, c.repetition) : shards_),
        sampler_(rows_->shard(data_set ? 0 : worker), batch_size, c.scenario.seed, c.repetition, worker),
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
  std::shared_ptr<const Shards> rows_;  // what the mini-batches are drawn from: shards_, or one shard of every row
  BatchSampler sampler_;
  int worker_;
  double load_;
  bool numerics_;
};

}  // namespace

std::unique_ptr<LocalGradient> make_local_gradient(const RunContext& context, const CooperativeParams& params,
                                                   int worker) {
  return std::make_unique<ShardMiniBatch>(context, params.batch_size, params.sample_data_set, worker);
}

}  // namespace sgdsim::cooperative
