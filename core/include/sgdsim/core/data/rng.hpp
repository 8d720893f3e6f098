// Random streams: one Boost.Random engine per (seed, repetition, worker, purpose), identical in every backend.
#pragma once

#include <boost/random/mersenne_twister.hpp>
#include <cstdint>

namespace sgdsim {

using Rng = boost::random::mt19937_64;

enum class Purpose : std::uint32_t {
  DATA = 1, SHUFFLE = 2, BATCH = 3, STRAGGLE = 4, DELAY = 5, INIT = 6, HOLDOUT = 7, TOPOLOGY = 8,
  REPLICATION = 9, FAILURE = 10
};

// Streams for different arguments are seeded independently (SplitMix64 of the combined key). worker = -1 is the
// parameter server / shared stream.
Rng make_rng(std::uint64_t seed, int repetition, int worker, Purpose purpose);

}  // namespace sgdsim
