// Shards (seeded permutation cut into near-equal pieces) and BatchSampler (uniform with replacement, reproducible).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "sgdsim/core/data/assignment.hpp"
#include "sgdsim/error.hpp"

using sgdsim::BatchSampler;
using sgdsim::Shards;

namespace {

std::vector<std::int64_t> concat(const Shards& shards) {
  std::vector<std::int64_t> all;
  for (int i = 0; i < shards.count(); ++i) {
    const auto s = shards.shard(i);
    all.insert(all.end(), s.begin(), s.end());
  }
  return all;
}

}  // namespace

TEST_CASE("shards: 10 samples over 4 workers have sizes 3, 3, 2, 2") {
  const Shards shards(10, 4, 1, 0);
  REQUIRE(shards.count() == 4);
  CHECK(shards.samples() == 10);
  CHECK(shards.shard(0).size() == 3);
  CHECK(shards.shard(1).size() == 3);
  CHECK(shards.shard(2).size() == 2);
  CHECK(shards.shard(3).size() == 2);
  const Shards even(12, 3, 1, 0);
  for (int i = 0; i < 3; ++i) CHECK(even.shard(i).size() == 4);
}

TEST_CASE("shards: every row appears exactly once, in a shuffled order") {
  const Shards shards(1000, 7, 3, 0);
  std::vector<std::int64_t> all = concat(shards);
  std::vector<std::int64_t> identity(1000);
  for (std::size_t i = 0; i < identity.size(); ++i) identity[i] = static_cast<std::int64_t>(i);
  CHECK(all != identity);  // a fixed point of a 1000-element shuffle has probability 1/1000!
  std::sort(all.begin(), all.end());
  CHECK(all == identity);
}

TEST_CASE("shards: the permutation depends on seed and repetition, reproducibly") {
  const auto a = concat(Shards(100, 5, 42, 0));
  CHECK(a == concat(Shards(100, 5, 42, 0)));
  CHECK(a != concat(Shards(100, 5, 42, 1)));
  CHECK(a != concat(Shards(100, 5, 43, 0)));
}

TEST_CASE("shards: fewer samples than workers is a ConfigError saying so") {
  try {
    Shards(3, 4, 1, 0);
    FAIL("expected ConfigError");
  } catch (const sgdsim::ConfigError& e) {
    CHECK(std::string(e.what()) == "problem has 3 samples, fewer than the 4 workers");
  }
  CHECK_THROWS_AS(Shards(3, 0, 1, 0), sgdsim::ConfigError);
  const Shards one_each(4, 4, 1, 0);
  for (int i = 0; i < 4; ++i) CHECK(one_each.shard(i).size() == 1);
}

TEST_CASE("sampler: batches hold B rows of the shard and reuse one buffer") {
  const std::vector<std::int64_t> shard{5, 17, 3, 99};
  BatchSampler sampler(shard, 6, 1, 0, 2);
  const auto first = sampler.next();
  CHECK(first.size() == 6);
  for (int call = 0; call < 50; ++call) {
    const auto batch = sampler.next();
    CHECK(batch.data() == first.data());  // same storage: nothing allocated per call
    for (auto row : batch) CHECK(std::find(shard.begin(), shard.end(), row) != shard.end());
  }
}

TEST_CASE("sampler: the sequence depends on (seed, repetition, worker), reproducibly") {
  const std::vector<std::int64_t> shard{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  const auto draw = [&](std::uint64_t seed, int repetition, int worker) {
    BatchSampler sampler(shard, 8, seed, repetition, worker);
    std::vector<std::int64_t> out;
    for (int i = 0; i < 4; ++i) {
      const auto b = sampler.next();
      out.insert(out.end(), b.begin(), b.end());
    }
    return out;
  };
  const auto a = draw(1, 0, 0);
  CHECK(a == draw(1, 0, 0));
  CHECK(a != draw(1, 0, 1));
  CHECK(a != draw(1, 1, 0));
  CHECK(a != draw(2, 0, 0));
}

TEST_CASE("sampler: every shard row is drawn with frequency 1/|shard| within 5 binomial standard deviations") {
  const std::vector<std::int64_t> shard{10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
  BatchSampler sampler(shard, 100, 9, 0, 0);
  std::vector<double> counts(10, 0.0);
  const int batches = 200;
  for (int i = 0; i < batches; ++i) {
    for (auto row : sampler.next()) counts[static_cast<std::size_t>(row - 10)] += 1.0;
  }
  const double n = 100.0 * batches;
  const double sd = std::sqrt(n * 0.1 * 0.9);
  double chi2 = 0.0;
  for (double c : counts) {
    CHECK(std::abs(c - n * 0.1) < 5.0 * sd);
    chi2 += (c - n * 0.1) * (c - n * 0.1) / (n * 0.1);
  }
  CHECK(chi2 < 33.7);  // chi-square with 9 degrees of freedom: P(> 33.7) ≈ 1e-4
}

TEST_CASE("sampler: an empty shard or a batch size below 1 is a ConfigError") {
  const std::vector<std::int64_t> empty;
  const std::vector<std::int64_t> shard{1, 2};
  CHECK_THROWS_AS(BatchSampler(empty, 4, 1, 0, 0), sgdsim::ConfigError);
  CHECK_THROWS_AS(BatchSampler(shard, 0, 1, 0, 0), sgdsim::ConfigError);
}
