// Default collectives built from point-to-point messages, so that a backend which models messages models them too.
#include "sgdsim/core/comm.hpp"

#include <algorithm>

namespace sgdsim {
namespace {

// Chunk i of a ring all-reduce over n ranks covers [i·m/n, (i+1)·m/n).
std::span<double> chunk(std::span<double> data, int i, int n) {
  const std::size_t m = data.size();
  const std::size_t lo = m * static_cast<std::size_t>(i) / static_cast<std::size_t>(n);
  const std::size_t hi = m * static_cast<std::size_t>(i + 1) / static_cast<std::size_t>(n);
  return data.subspan(lo, hi - lo);
}

}  // namespace

// Ring all-reduce: n−1 reduce-scatter steps then n−1 all-gather steps, each rank sending one chunk of ~m/n to its
// right neighbour per step: 2(n−1)·m/n elements sent per rank, the bandwidth-optimal schedule. Messages of one
// call share the tag; successive steps between the same pair arrive in order (both backends are non-overtaking).
void Comm::allreduce_mean(std::span<double> data, int tag) {
  const int n = size();
  const int r = rank();
  if (n > 1) {
    const int right = (r + 1) % n;
    const int left = (r + n - 1) % n;
    scratch_.resize(data.size() / static_cast<std::size_t>(n) + 1);
    for (int step = 0; step < n - 1; ++step) {
      auto out = chunk(data, (r - step + n) % n, n);
      auto in = chunk(data, (r - step - 1 + 2 * n) % n, n);
      auto buffer = std::span<double>(scratch_).first(in.size());
      Request sent = send_async(right, tag, out);
      recv(left, tag, buffer);
      for (std::size_t i = 0; i < in.size(); ++i) in[i] += buffer[i];
      wait(sent);
    }
    for (int step = 0; step < n - 1; ++step) {
      auto out = chunk(data, (r + 1 - step + n) % n, n);
      auto in = chunk(data, (r - step + n) % n, n);
      Request sent = send_async(right, tag, out);
      recv(left, tag, in);
      wait(sent);
    }
  }
  const double inv = 1.0 / n;
  for (double& v : data) v *= inv;
}

std::uint64_t Comm::allreduce_bytes(std::size_t elements) const {
  const int n = size();
  if (n <= 1) return 0;
  // Rank r sends every chunk but (r+1) in the reduce-scatter and every chunk but (r+2) in the all-gather.
  auto chunk_size = [&](int i) {
    return elements * static_cast<std::size_t>(i + 1) / static_cast<std::size_t>(n) -
           elements * static_cast<std::size_t>(i) / static_cast<std::size_t>(n);
  };
  const int r = rank();
  return (2 * elements - chunk_size((r + 1) % n) - chunk_size((r + 2) % n)) * sizeof(double);
}

void Comm::broadcast(int root, std::span<double> data, int tag) {
  if (rank() != root) {
    recv(root, tag, data);
    return;
  }
  std::vector<Request> sends;
  sends.reserve(static_cast<std::size_t>(size()));
  for (int dst = 0; dst < size(); ++dst)
    if (dst != root) sends.push_back(send_async(dst, tag, data));
  for (auto& s : sends) wait(s);
}

void Comm::barrier(int tag) {
  // Gather empty messages to rank 0, then release everyone with an empty broadcast.
  if (rank() == 0) {
    for (int src = 1; src < size(); ++src) recv(src, tag, {});
  } else {
    send(0, tag, {});
  }
  broadcast(0, {}, tag);
}

}  // namespace sgdsim
