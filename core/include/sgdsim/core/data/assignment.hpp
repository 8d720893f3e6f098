// Data assignment: shards after a seeded shuffle, mini-batch sampling per worker, fractional repetition codes.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "sgdsim/core/data/rng.hpp"
#include "sgdsim/kernels/kernels.hpp"

namespace sgdsim {

// k shards: a permutation of 0..samples-1 from the (seed, repetition, SHUFFLE) stream, cut into k contiguous pieces
// whose sizes differ by at most one (the first samples % k shards get one more). shard(i) lists its rows.
class Shards {
 public:
  Shards(std::int64_t samples, int k, std::uint64_t seed, int repetition);
  // The same shards, made once per process while someone holds them: every rank of a simulation runs in one process,
  // and k ranks each holding their own copy of the whole permutation cost O(k·samples) memory and time.
  static std::shared_ptr<const Shards> shared(std::int64_t samples, int k, std::uint64_t seed, int repetition);
  int count() const { return static_cast<int>(offsets_.size()) - 1; }
  std::span<const std::int64_t> shard(int i) const;
  std::int64_t samples() const { return static_cast<std::int64_t>(order_.size()); }

 private:
  std::vector<std::int64_t> order_;
  std::vector<std::size_t> offsets_;
};

// Mini-batches of B rows drawn uniformly with replacement from one shard, from the worker's BATCH stream.
// next() reuses one buffer: the span is valid until the following call. Allocates nothing per call.
class BatchSampler {
 public:
  BatchSampler(std::span<const std::int64_t> shard, int batch_size, std::uint64_t seed, int repetition, int worker);
  std::span<const std::int64_t> next();

 private:
  std::span<const std::int64_t> shard_;
  std::vector<std::int64_t> batch_;
  Rng rng_;
};

// Fractional repetition code (Tandon et al.): k workers in k/c groups of c; group g holds partitions
// g·c .. g·c + c − 1, and every worker of the group computes the sum over those c partitions.
struct FrcCode {
  int workers = 0;
  int per_worker = 1;  // c
  int groups() const { return workers / per_worker; }
  int group_of(int worker) const { return worker / per_worker; }
  int first_partition(int group) const { return group * per_worker; }
};

}  // namespace sgdsim
