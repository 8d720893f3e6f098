// Default collectives built from point-to-point messages, so that a backend which models messages models them too.
#include "sgdsim/core/comm/comm.hpp"

#include <algorithm>

#include "sgdsim/error.hpp"

namespace sgdsim {
namespace {

// Elements of a vector known only by their count: counting traffic walks the schedule over this, running it over the
// real span. Both offer size() and subspan().
struct Extent {
  std::size_t count = 0;
  std::size_t size() const { return count; }
  Extent subspan(std::size_t, std::size_t n) const { return {n}; }
};

// Chunk i of a ring all-reduce over n ranks covers [i·m/n, (i+1)·m/n).
template <class Span>
Span chunk(Span data, int i, int n) {
  const std::size_t m = data.size();
  const std::size_t lo = m * static_cast<std::size_t>(i) / static_cast<std::size_t>(n);
  const std::size_t hi = m * static_cast<std::size_t>(i + 1) / static_cast<std::size_t>(n);
  return data.subspan(lo, hi - lo);
}

// One step of an all-reduce schedule for one rank: what it sends to whom, what it receives from whom, and whether the
// received values are added (reduce) or copied. Running the collective and counting its traffic both walk the same
// schedule, so the counted bytes are exactly the bytes sent.
template <class Span>
struct Step {
  Span out;
  int to = -1;  // -1: nothing sent in this step
  Span in;
  int from = -1;  // -1: nothing received in this step
  bool add = false;
};

bool small_vector(std::size_t elements) { return Comm::recursive_doubling(elements); }

// Recursive doubling over the largest power of two p ≤ n; the n − p extra ranks first hand their vector to a partner
// below p and get the result back at the end. Partners compute a + b and b + a: IEEE addition commutes, so every
// rank ends with the same bits.
template <class Span, class Visit>
void recursive_doubling(Span data, int rank, int n, Visit&& visit) {
  using S = Step<Span>;
  int p = 1;
  while (p * 2 <= n) p *= 2;
  if (rank >= p) {
    visit(S{data, rank - p, {}, -1, false});
    visit(S{{}, -1, data, rank - p, false});
    return;
  }
  if (rank < n - p) visit(S{{}, -1, data, rank + p, true});
  for (int mask = 1; mask < p; mask <<= 1) visit(S{data, rank ^ mask, data, rank ^ mask, true});
  if (rank < n - p) visit(S{data, rank + p, {}, -1, false});
}

// Ring: n−1 reduce-scatter steps then n−1 all-gather steps, each sending one chunk to the right neighbour: 2(n−1)·m/n
// elements per rank, the bandwidth-optimal schedule. After the reduce-scatter rank r holds the sum of chunk r+1.
template <class Span, class Visit>
void ring(Span data, int rank, int n, Visit&& visit) {
  using S = Step<Span>;
  const int right = (rank + 1) % n;
  const int left = (rank + n - 1) % n;
  for (int step = 0; step < n - 1; ++step)
    visit(S{chunk(data, (rank - step + n) % n, n), right, chunk(data, (rank - step - 1 + 2 * n) % n, n), left, true});
  for (int step = 0; step < n - 1; ++step)
    visit(S{chunk(data, (rank + 1 - step + n) % n, n), right, chunk(data, (rank - step + n) % n, n), left, false});
}

template <class Span, class Visit>
void allreduce_schedule(Span data, int rank, int n, Visit&& visit) {
  if (n < 2) return;
  if (small_vector(data.size())) {
    recursive_doubling(data, rank, n, visit);
  } else {
    ring(data, rank, n, visit);
  }
}

}  // namespace

void Comm::allreduce_mean(std::span<double> data, int tag) {
  const auto n = static_cast<std::size_t>(size());
  scratch_.resize(small_vector(data.size()) ? data.size() : data.size() / n + 1);
  allreduce_schedule(data, rank(), size(), [&](const Step<std::span<double>>& step) {
    Request sent;
    if (step.to >= 0) sent = send_async(step.to, tag, step.out);
    if (step.from >= 0 && step.add) {
      auto buffer = std::span<double>(scratch_).first(step.in.size());
      recv(step.from, tag, buffer);
      // What this rank sent must have left before the same elements are overwritten with the sum.
      if (sent.pending()) wait(sent);
      for (std::size_t i = 0; i < step.in.size(); ++i) step.in[i] += buffer[i];
    } else if (step.from >= 0) {
      recv(step.from, tag, step.in);
    }
    if (sent.pending()) wait(sent);
  });
  const double inv = 1.0 / static_cast<double>(n);
  for (double& v : data) v *= inv;
}

std::uint64_t Comm::allreduce_bytes(std::size_t elements) const { return allreduce_bytes_of(rank(), size(), elements); }

std::uint64_t Comm::allreduce_bytes_of(int rank, int size, std::size_t elements) {
  std::uint64_t bytes = 0;
  allreduce_schedule(Extent{elements}, rank, size, [&](const Step<Extent>& step) {
    if (step.to >= 0) bytes += step.out.size() * sizeof(double);
  });
  return bytes;
}

void Comm::count_allreduce(std::size_t elements) {
  allreduce_schedule(Extent{elements}, rank(), size(), [&](const Step<Extent>& step) {
    if (step.to >= 0) count_sent(step.out.size());
  });
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

bool Comm::deliver(int dst, int tag, std::span<const double> data, int as) {
  if (as != rank())
    SGDSIM_THROW(Error, "Comm::deliver: rank " + std::to_string(rank()) + " cannot send as rank " + std::to_string(as) +
                            " (no rank leaves on this backend)");
  send(dst, tag, data);
  return true;
}

void Comm::neighbor_exchange(std::span<const int> peers, std::span<const double> out, std::span<double> in, int tag) {
  const std::size_t n = out.size();
  std::vector<Request> requests;
  requests.reserve(2 * peers.size());
  // Receives first, so that no message waits for its receive to be posted; then every send; then wait for all.
  for (std::size_t j = 0; j < peers.size(); ++j) requests.push_back(recv_async(peers[j], tag, in.subspan(j * n, n)));
  for (int peer : peers) requests.push_back(send_async(peer, tag, out));
  for (auto& r : requests) wait(r);
}

void Comm::neighbor_mix(std::span<const NeighborWeight> row, std::span<double> x, int tag) {
  const std::size_t n = x.size();
  mix_peers_.clear();
  for (const auto& entry : row)
    if (entry.rank != rank()) mix_peers_.push_back(entry.rank);
  mix_in_.resize(mix_peers_.size() * n);
  if (!mix_peers_.empty()) neighbor_exchange(mix_peers_, x, mix_in_, tag);
  // Accumulate in the row's order; this rank's own model is read from x, so it is scaled last, in place, when its
  // entry comes (x is only overwritten by the final sum).
  std::vector<double>& sum = scratch_;
  sum.assign(n, 0.0);
  std::size_t received = 0;
  for (const auto& entry : row) {
    const double* source = entry.rank == rank() ? x.data() : mix_in_.data() + (received++) * n;
    for (std::size_t i = 0; i < n; ++i) sum[i] += entry.weight * source[i];
  }
  std::copy(sum.begin(), sum.end(), x.begin());
}

void Comm::monitor_contribute(std::int64_t, std::span<const double>) {
  SGDSIM_THROW(Error, "this Comm has no monitoring gather (monitor_contribute)");
}

bool Comm::monitor_collect(std::int64_t, std::vector<double>&, bool) {
  SGDSIM_THROW(Error, "this Comm has no monitoring gather (monitor_collect)");
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
