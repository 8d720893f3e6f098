// Data assignment: seeded shuffle cut into shards, and per-worker mini-batch sampling with replacement.
#include "sgdsim/core/data/assignment.hpp"

#include <boost/random/uniform_int_distribution.hpp>
#include <mutex>
#include <string>
#include <utility>

#include "sgdsim/error.hpp"

namespace sgdsim {

Shards::Shards(std::int64_t samples, int k, std::uint64_t seed, int repetition) {
  if (k < 1) SGDSIM_THROW(ConfigError, "shards: need at least one worker, got " + std::to_string(k));
  if (samples < k) {
    SGDSIM_THROW(ConfigError, "problem has " + std::to_string(samples) + " samples, fewer than the " +
                                  std::to_string(k) + " workers");
  }
  order_.resize(static_cast<std::size_t>(samples));
  for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<std::int64_t>(i);
  // Fisher–Yates with Boost's (portable) uniform integers: the same permutation in every backend and build.
  Rng rng = make_rng(seed, repetition, -1, Purpose::SHUFFLE);
  for (std::size_t i = order_.size() - 1; i > 0; --i) {
    boost::random::uniform_int_distribution<std::size_t> pick(0, i);
    std::swap(order_[i], order_[pick(rng)]);
  }
  const auto parts = static_cast<std::size_t>(k);
  const std::size_t base = order_.size() / parts;
  const std::size_t extra = order_.size() % parts;
  offsets_.resize(parts + 1);
  offsets_[0] = 0;
  for (std::size_t i = 0; i < parts; ++i) offsets_[i + 1] = offsets_[i] + base + (i < extra ? 1 : 0);
}

std::shared_ptr<const Shards> Shards::shared(std::int64_t samples, int k, std::uint64_t seed, int repetition) {
  struct Made {
    std::int64_t samples;
    int k;
    std::uint64_t seed;
    int repetition;
    std::weak_ptr<const Shards> shards;
  };
  static std::mutex lock;
  static Made last{-1, 0, 0, 0, {}};
  const std::lock_guard<std::mutex> guard(lock);
  if (last.samples == samples && last.k == k && last.seed == seed && last.repetition == repetition) {
    if (auto held = last.shards.lock()) return held;
  }
  auto made = std::make_shared<const Shards>(samples, k, seed, repetition);
  last = {samples, k, seed, repetition, made};
  return made;
}

std::span<const std::int64_t> Shards::shard(int i) const {
  if (i < 0 || i >= count()) {
    SGDSIM_THROW(ConfigError, "shard " + std::to_string(i) + " out of range (" + std::to_string(count()) + " shards)");
  }
  const auto u = static_cast<std::size_t>(i);
  return std::span<const std::int64_t>(order_).subspan(offsets_[u], offsets_[u + 1] - offsets_[u]);
}

BatchSampler::BatchSampler(std::span<const std::int64_t> shard, int batch_size, std::uint64_t seed, int repetition,
                           int worker)
    : shard_(shard), rng_(make_rng(seed, repetition, worker, Purpose::BATCH)) {
  if (batch_size < 1) SGDSIM_THROW(ConfigError, "batch_size must be at least 1, got " + std::to_string(batch_size));
  if (shard.empty()) SGDSIM_THROW(ConfigError, "worker " + std::to_string(worker) + " has an empty shard");
  batch_.resize(static_cast<std::size_t>(batch_size));
}

std::span<const std::int64_t> BatchSampler::next() {
  // The distribution holds two integers: building it here allocates nothing.
  boost::random::uniform_int_distribution<std::size_t> pick(0, shard_.size() - 1);
  for (std::int64_t& row : batch_) row = shard_[pick(rng_)];
  return batch_;
}

}  // namespace sgdsim
