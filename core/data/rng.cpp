// Random streams keyed by (seed, repetition, worker, purpose).
#include "sgdsim/core/data/rng.hpp"

namespace sgdsim {
namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

Rng make_rng(std::uint64_t seed, int repetition, int worker, Purpose purpose) {
  // Chained hashing: each field is mixed in turn, so streams that differ in any field are unrelated.
  std::uint64_t key = splitmix64(seed);
  key = splitmix64(key ^ static_cast<std::uint64_t>(static_cast<std::uint32_t>(repetition)));
  key = splitmix64(key ^ static_cast<std::uint64_t>(static_cast<std::uint32_t>(worker + 1)));
  key = splitmix64(key ^ static_cast<std::uint64_t>(purpose));
  return Rng(key);
}

}  // namespace sgdsim
