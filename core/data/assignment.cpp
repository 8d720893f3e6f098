// Data assignment: seeded shuffle cut into shards, per-worker mini-batch sampling with replacement, RI-SGD's chunk
// sets.
#include "sgdsim/core/data/assignment.hpp"

#include <algorithm>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
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
    : BatchSampler(std::vector<ChunkDraw>{{shard, batch_size}}, seed, repetition, worker) {
  if (batch_size < 1) SGDSIM_THROW(ConfigError, "batch_size must be at least 1, got " + std::to_string(batch_size));
}

BatchSampler::BatchSampler(std::vector<ChunkDraw> chunks, std::uint64_t seed, int repetition, int worker)
    : chunks_(std::move(chunks)), rng_(make_rng(seed, repetition, worker, Purpose::BATCH)) {
  std::size_t rows = 0;
  for (const auto& c : chunks_) {
    if (c.rows > 0 && c.from.empty())
      SGDSIM_THROW(ConfigError, "worker " + std::to_string(worker) + " samples from an empty shard");
    rows += static_cast<std::size_t>(std::max(c.rows, 0));
  }
  batch_.resize(rows);
}

std::span<const std::int64_t> BatchSampler::next() {
  auto out = batch_.begin();
  for (const auto& c : chunks_) {
    if (c.rows <= 0) continue;
    // The distribution holds two integers: building it here allocates nothing.
    boost::random::uniform_int_distribution<std::size_t> pick(0, c.from.size() - 1);
    for (int i = 0; i < c.rows; ++i) *out++ = c.from[pick(rng_)];
  }
  return batch_;
}

namespace {

// x within 1e-9 of an integer counts as that integer (μ·p = 0.25·4 computed in floating point).
double snap(double x) {
  const double r = std::round(x);
  return std::abs(x - r) < 1e-9 ? r : x;
}

// μ_j·p as (shards beyond the own one held whole, the fraction of the next one held).
std::pair<int, double> extra_shards(int p, int worker, double redundancy) {
  const double extra = snap(redundancy * p);
  if (extra < 0 || extra > p - 1)
    SGDSIM_THROW(ConfigError, "redundancy " + std::to_string(redundancy) + " of worker " + std::to_string(worker) +
                                  " is outside [0, (p-1)/p] for p = " + std::to_string(p));
  const int whole = static_cast<int>(std::floor(extra));
  return {whole, extra - whole};
}

std::size_t subset_size(double fraction, std::size_t rows) {
  return static_cast<std::size_t>(std::llround(fraction * static_cast<double>(rows)));
}

}  // namespace

HeldChunks cyclic_chunks(const Shards& shards, int worker, double redundancy, std::uint64_t seed, int repetition) {
  const int p = shards.count();
  const auto [whole, fraction] = extra_shards(p, worker, redundancy);
  HeldChunks held;
  for (int i = 0; i <= whole; ++i) held.whole.push_back((worker + i) % p);
  held.fraction = fraction;
  if (held.fraction > 0) {
    held.partial = (worker + whole + 1) % p;
    const auto source = shards.shard(held.partial);
    std::vector<std::int64_t> rows(source.begin(), source.end());
    const std::size_t take = subset_size(held.fraction, rows.size());
    // The first `take` steps of a Fisher–Yates shuffle: a uniform subset of that size, in the order drawn.
    Rng rng = make_rng(seed, repetition, worker, Purpose::REPLICATION);
    for (std::size_t i = 0; i < take; ++i) {
      boost::random::uniform_int_distribution<std::size_t> pick(i, rows.size() - 1);
      std::swap(rows[i], rows[pick(rng)]);
    }
    rows.resize(take);
    held.partial_rows = std::move(rows);
  }
  return held;
}

std::int64_t held_rows(const Shards& shards, int worker, double redundancy, int shard) {
  const int p = shards.count();
  const auto [whole, fraction] = extra_shards(p, worker, redundancy);
  const int ahead = ((shard - worker) % p + p) % p;  // shard = worker + ahead, cyclically
  const std::size_t size = shards.shard(shard).size();
  if (ahead <= whole) return static_cast<std::int64_t>(size);
  if (ahead == whole + 1 && fraction > 0) return static_cast<std::int64_t>(subset_size(fraction, size));
  return 0;
}

std::int64_t redundant_rows(const Shards& shards, const HeldChunks& held) {
  auto rows = static_cast<std::int64_t>(held.partial_rows.size());
  for (std::size_t i = 1; i < held.whole.size(); ++i)
    rows += static_cast<std::int64_t>(shards.shard(held.whole[i]).size());
  return rows;
}

std::vector<double> heterogeneous_redundancy(int p, double mean, double std_dev, std::uint64_t seed, int repetition) {
  Rng rng = make_rng(seed, repetition, -1, Purpose::REPLICATION);
  boost::random::normal_distribution<double> normal(mean, std_dev);
  const double top = static_cast<double>(p - 1) / p;
  std::vector<double> mu(static_cast<std::size_t>(p));
  for (double& m : mu) m = std::clamp(std_dev > 0 ? normal(rng) : mean, 0.0, top);
  return mu;
}

}  // namespace sgdsim
