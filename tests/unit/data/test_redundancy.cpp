// RI-SGD's data assignment: cyclic chunk sets, the fractional subsample (size, seed), full redundancy, heterogeneous
// redundancy (clipped, seeded), and sampling from several chunks.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "sgdsim/core/data/assignment.hpp"

using namespace sgdsim;

TEST_CASE("cyclic chunks for p = 4, mu = 0.25 are {D1,D2}, {D2,D3}, {D3,D4}, {D4,D1}") {
  const Shards shards(40, 4, 3, 0);
  const std::vector<std::vector<int>> expected{{0, 1}, {1, 2}, {2, 3}, {3, 0}};
  for (int j = 0; j < 4; ++j) {
    const HeldChunks held = cyclic_chunks(shards, j, 0.25, 3, 0);
    CHECK(held.whole == expected[static_cast<std::size_t>(j)]);
    CHECK(held.partial == -1);
    CHECK(held.partial_rows.empty());
    CHECK(redundant_rows(shards, held) == 10);
    CHECK(held_rows(shards, j, 0.25, (j + 1) % 4) == 10);
    CHECK(held_rows(shards, j, 0.25, (j + 2) % 4) == 0);
  }
  CHECK(cyclic_chunks(shards, 2, 0.0, 3, 0).whole == std::vector<int>{2});  // mu = 0: its own shard only
}

TEST_CASE("mu = (p-1)/p gives every worker all the data") {
  const Shards shards(43, 5, 1, 2);
  for (int j = 0; j < 5; ++j) {
    const HeldChunks held = cyclic_chunks(shards, j, 4.0 / 5.0, 1, 2);
    CHECK(held.whole.front() == j);
    CHECK(held.partial == -1);
    std::set<std::int64_t> rows;
    for (int s : held.whole) rows.insert(shards.shard(s).begin(), shards.shard(s).end());
    CHECK(rows.size() == 43);
    CHECK(redundant_rows(shards, held) == 43 - static_cast<std::int64_t>(shards.shard(j).size()));
  }
}

TEST_CASE("a fractional mu*p holds a seeded random subset of the next shard, of round(frac * |shard|) rows") {
  // p = 4, mu = 0.1: mu*p = 0.4, so worker 1 holds D2 and 40% of D3 (shards of 25 rows: 10 rows).
  const Shards shards(100, 4, 9, 0);
  const HeldChunks held = cyclic_chunks(shards, 1, 0.1, 9, 0);
  CHECK(held.whole == std::vector<int>{1});
  CHECK(held.partial == 2);
  CHECK(held.fraction == doctest::Approx(0.4));
  REQUIRE(held.partial_rows.size() == 10);
  CHECK(held_rows(shards, 1, 0.1, 2) == 10);
  const auto d3 = shards.shard(2);
  const std::set<std::int64_t> source(d3.begin(), d3.end());
  const std::set<std::int64_t> subset(held.partial_rows.begin(), held.partial_rows.end());
  CHECK(subset.size() == 10);  // distinct rows
  CHECK(std::includes(source.begin(), source.end(), subset.begin(), subset.end()));
  CHECK(cyclic_chunks(shards, 1, 0.1, 9, 0).partial_rows == held.partial_rows);  // the same seed: the same subset
  // Another seed (with the same shards) or another worker's stream draws another subset.
  CHECK(cyclic_chunks(shards, 1, 0.1, 10, 0).partial_rows != held.partial_rows);
  // mu = 0.3 with p = 4: one whole shard more and 20% of the one after.
  const HeldChunks more = cyclic_chunks(shards, 3, 0.3, 9, 0);
  CHECK(more.whole == std::vector<int>{3, 0});
  CHECK(more.partial == 1);
  CHECK(more.partial_rows.size() == 5);
  CHECK(redundant_rows(shards, more) == 30);
}

TEST_CASE("heterogeneous redundancy: Normal(mu, sigma) per worker, clipped to [0, (p-1)/p], seeded") {
  const auto mu = heterogeneous_redundancy(64, 0.25, 0.5, 5, 0);
  REQUIRE(mu.size() == 64);
  int at_zero = 0, at_top = 0;
  for (double m : mu) {
    CHECK(m >= 0.0);
    CHECK(m <= 63.0 / 64.0);
    at_zero += m == 0.0;
    at_top += m == 63.0 / 64.0;
  }
  // P(X < 0) = Φ(-0.5) = 0.31 and P(X > 63/64) = 1 - Φ(1.47) = 0.07: both clips happen among 64 draws.
  CHECK(at_zero > 0);
  CHECK(at_top > 0);
  CHECK(heterogeneous_redundancy(64, 0.25, 0.5, 5, 0) == mu);
  CHECK(heterogeneous_redundancy(64, 0.25, 0.5, 6, 0) != mu);
  CHECK(heterogeneous_redundancy(4, 0.25, 0.0, 5, 0) == std::vector<double>(4, 0.25));  // sigma = 0: homogeneous
}

TEST_CASE("sampling from several chunks: rows per chunk in order, and one chunk draws what the plain sampler does") {
  const Shards shards(40, 4, 3, 0);
  BatchSampler plain(shards.shard(1), 6, 3, 0, 1);
  BatchSampler one({{shards.shard(1), 6}}, 3, 0, 1);
  for (int i = 0; i < 5; ++i) {
    const auto a = plain.next();
    const std::vector<std::int64_t> first(a.begin(), a.end());
    const auto b = one.next();
    CHECK(first == std::vector<std::int64_t>(b.begin(), b.end()));
  }
  BatchSampler two({{shards.shard(1), 6}, {shards.shard(2), 3}}, 3, 0, 1);
  const auto batch = two.next();
  REQUIRE(batch.size() == 9);
  const auto d2 = shards.shard(1), d3 = shards.shard(2);
  for (std::size_t i = 0; i < 9; ++i) {
    const auto& from = i < 6 ? d2 : d3;
    CHECK(std::find(from.begin(), from.end(), batch[i]) != from.end());
  }
}
