// Data assignment: shards after a seeded shuffle, mini-batch sampling per worker, redundant (RI-SGD) chunk sets,
// fractional repetition codes.
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

// One part of a mini-batch: `rows` drawn from `from` (uniformly, with replacement).
struct ChunkDraw {
  std::span<const std::int64_t> from;
  int rows = 0;
};

// Mini-batches drawn uniformly with replacement from one shard (B rows), or from several chunks in turn (each its own
// number of rows, in the order given), all from the worker's BATCH stream: one chunk of B rows draws exactly what the
// single-shard sampler draws. next() reuses one buffer: the span is valid until the following call. Allocates nothing
// per call.
class BatchSampler {
 public:
  BatchSampler(std::span<const std::int64_t> shard, int batch_size, std::uint64_t seed, int repetition, int worker);
  BatchSampler(std::vector<ChunkDraw> chunks, std::uint64_t seed, int repetition, int worker);
  std::span<const std::int64_t> next();

 private:
  std::vector<ChunkDraw> chunks_;
  std::vector<std::int64_t> batch_;
  Rng rng_;
};

// RI-SGD's data of one worker (Haddadpour et al., ICML 2019, §3 and §5): with p shards and redundancy μ_j, worker j
// holds its own shard j, the next ⌊μ_j·p⌋ shards whole (j+1, j+2, … cyclically) and, when μ_j·p is not an integer,
// a random subset of round(frac·|shard|) rows of the shard after them (frac = μ_j·p − ⌊μ_j·p⌋), drawn once from the
// worker's REPLICATION stream. 0 ≤ μ_j ≤ (p−1)/p, so no shard is held twice. A value of μ_j·p within 1e-9 of an
// integer counts as that integer.
struct HeldChunks {
  std::vector<int> whole;                    // shards held whole, the worker's own first
  int partial = -1;                          // the shard a subset of which is held (−1: none)
  std::vector<std::int64_t> partial_rows;    // that subset, in the order drawn
  double fraction = 0;                       // frac above (0 without a partial shard)
};
HeldChunks cyclic_chunks(const Shards& shards, int worker, double redundancy, std::uint64_t seed, int repetition);
// The rows of `shard` that the worker with redundancy μ_j holds in cyclic_chunks (its size only, nothing drawn).
std::int64_t held_rows(const Shards& shards, int worker, double redundancy, int shard);
// Rows held that are not the worker's own shard: what an offline replication phase transfers to it.
std::int64_t redundant_rows(const Shards& shards, const HeldChunks& held);

// Heterogeneous redundancy (the paper's §5 / Appendix D): μ_j ~ Normal(μ, σ) for j = 0..p−1, clipped to
// [0, (p−1)/p], drawn in worker order from the shared REPLICATION stream (worker −1).
std::vector<double> heterogeneous_redundancy(int p, double mean, double std_dev, std::uint64_t seed, int repetition);

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
