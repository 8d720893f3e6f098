// All-reduce over SimComm (ring, recursive doubling): simulated time against closed forms, exact mean on every rank.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

#include "sgdsim/sim/actors.hpp"
#include "sim_test_util.hpp"

using namespace sgdsim;

namespace {

// Rank r holds v_r[i] = (r + 1)·(i mod 17) − r: integers, so the sum is exact in any order and the mean is
// sum·(1/N) bit for bit.
double value(int rank, std::size_t i) { return (rank + 1) * static_cast<double>(i % 17) - rank; }

void check_allreduce(int n, std::size_t elements, double bandwidth, double latency, bool check_values, double expected) {
  std::vector<double> finish(static_cast<std::size_t>(n), -1.0);
  std::vector<char> values_ok(static_cast<std::size_t>(n), 0);
  std::vector<std::uint64_t> bytes(static_cast<std::size_t>(n)), expected_bytes(static_cast<std::size_t>(n));
  std::chrono::steady_clock::time_point wall_start, wall_end;
  auto body = [&](sim::RankContext& context) {
    const int r = context.rank();
    auto comm = context.make_comm(0);
    auto clock = context.make_clock();
    std::vector<double> data(elements);
    for (std::size_t i = 0; i < elements; ++i) data[i] = value(r, i);
    context.sync();  // zero simulated time; keeps filling the buffers out of the measured wall-clock time
    if (r == 0) wall_start = std::chrono::steady_clock::now();
    comm->allreduce_mean(data, 5);
    wall_end = std::chrono::steady_clock::now();  // the last rank to finish writes last
    finish[static_cast<std::size_t>(r)] = clock->now();
    bytes[static_cast<std::size_t>(r)] = comm->bytes_sent();
    expected_bytes[static_cast<std::size_t>(r)] = comm->allreduce_bytes(elements);
    bool ok = true;
    if (check_values) {
      for (std::size_t i = 0; i < elements && ok; ++i) {
        double sum = 0;
        for (int q = 0; q < n; ++q) sum += value(q, i);
        ok = data[i] == sum * (1.0 / n);
      }
    }
    values_ok[static_cast<std::size_t>(r)] = ok ? 1 : 0;
  };
  sim::run_actors(test::generated_network(Topology::CLUSTER, bandwidth, latency), n, body);
  const double wall = std::chrono::duration<double>(wall_end - wall_start).count();
  MESSAGE("all-reduce of " << elements * sizeof(double) << " bytes on " << n << " hosts: " << wall << " s wall");

  CHECK(*std::max_element(finish.begin(), finish.end()) == doctest::Approx(expected).epsilon(1e-9));
  for (int r = 0; r < n; ++r) {
    CAPTURE(r);
    CHECK(finish[static_cast<std::size_t>(r)] <= expected * (1 + 1e-12));
    CHECK(values_ok[static_cast<std::size_t>(r)] == 1);
    CHECK(bytes[static_cast<std::size_t>(r)] == expected_bytes[static_cast<std::size_t>(r)]);
  }
}

// Ring: chunks have ⌈m/N⌉ or ⌊m/N⌋ elements; the largest one travels the critical path of all 2(N−1) steps.
void check_ring(int n, std::size_t elements, double bandwidth, double latency, bool check_values) {
  const double max_chunk_bytes = static_cast<double>((elements + n - 1) / n * sizeof(double));
  check_allreduce(n, elements, bandwidth, latency, check_values,
                  2.0 * (n - 1) * (latency + max_chunk_bytes / bandwidth));
}

}  // namespace

TEST_CASE("small vectors use recursive doubling: log2(N) exchanges of lat + M/bw on 8 hosts") {
  // 100 doubles (800 B < SMALL_ALLREDUCE_BYTES); partners exchange over split-duplex private links concurrently.
  check_allreduce(8, 100, 1.0e8, 50e-6, true, 3 * (50e-6 + 800 / 1.0e8));
}

TEST_CASE("recursive doubling on 6 hosts adds a fold-in and a fold-out step: 4 (lat + M/bw)") {
  // p = 4: ranks 4 and 5 hand their vectors to 0 and 1, the 4 exchange twice, then 0 and 1 send the result back.
  check_allreduce(6, 100, 1.0e8, 50e-6, true, 4 * (50e-6 + 800 / 1.0e8));
}

TEST_CASE("ring all-reduce on 4 cluster hosts takes 2(N-1)(lat + chunk/bw) and gives the exact mean everywhere") {
  check_ring(4, 1001, 1.25e9, 20e-6, true);
}

TEST_CASE("ring all-reduce on 7 cluster hosts takes 2(N-1)(lat + chunk/bw) and gives the exact mean everywhere") {
  check_ring(7, 1000, 1.0e8, 50e-6, true);
}

TEST_CASE("ring all-reduce on 256 cluster hosts matches the closed form 2(N-1)(lat + M/(N bw))") {
  // 1 MB per rank (2^17 doubles, divisible by 256) keeps the test at 256 MB of buffers; SGDSIM_RING_MB=8 runs the
  // 8 MB case (2 GB of buffers) whose wall-clock time docs/performance.md records.
  const char* megabytes = std::getenv("SGDSIM_RING_MB");
  const std::size_t mb = megabytes != nullptr ? static_cast<std::size_t>(std::atoi(megabytes)) : 1;
  check_ring(256, mb * (std::size_t{1} << 17), 1.25e9, 5e-6, false);
}
