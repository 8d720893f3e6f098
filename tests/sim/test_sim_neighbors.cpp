// Neighbour exchange over SimComm: the time of a sparse mixing round against its closed forms on star, cluster,
// ideal networks and a platform file, the mixed values, and monitoring gathers that take no simulated time.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "sgdsim/sim/actors.hpp"
#include "sim_test_util.hpp"

using namespace sgdsim;

namespace {

struct Exchange {
  std::vector<double> finish;
  std::vector<std::uint64_t> bytes;
  std::vector<std::vector<double>> mixed;
};

// Every rank mixes its vector (rank + 1 everywhere) with its neighbours on a torus of rows × cols (a ring when rows
// is 1), uniform weights 1/(deg + 1), over `network`.
Exchange torus_exchange(int rows, int cols, std::size_t elements, const NetworkSpec& network) {
  const int n = rows * cols;
  Exchange out{std::vector<double>(static_cast<std::size_t>(n)), std::vector<std::uint64_t>(static_cast<std::size_t>(n)),
               std::vector<std::vector<double>>(static_cast<std::size_t>(n))};
  auto body = [&](sim::RankContext& context) {
    const int r = context.rank();
    auto comm = context.make_comm(0);
    auto clock = context.make_clock();
    std::vector<int> nodes{r};
    const int a = r / cols;
    const int b = r % cols;
    for (int q : {((a + 1) % rows) * cols + b, ((a + rows - 1) % rows) * cols + b, a * cols + (b + 1) % cols,
                  a * cols + (b + cols - 1) % cols})
      if (std::find(nodes.begin(), nodes.end(), q) == nodes.end()) nodes.push_back(q);
    std::sort(nodes.begin(), nodes.end());
    std::vector<Comm::NeighborWeight> row;
    for (int q : nodes) row.push_back({q, 1.0 / static_cast<double>(nodes.size())});
    std::vector<double> x(elements, r + 1.0);
    comm->neighbor_mix(row, x, 3);
    out.finish[static_cast<std::size_t>(r)] = clock->now();
    out.bytes[static_cast<std::size_t>(r)] = comm->bytes_sent();
    out.mixed[static_cast<std::size_t>(r)] = x;
  };
  sim::run_actors(network, n, body);
  return out;
}

}  // namespace

TEST_CASE("ring exchange on a star: every link carries 2 deg flows, 2 lat + 2 deg M / bw") {
  // Rank i sends M = 8000 B to i ± 1 and receives from both: four flows share its link (one link for both directions),
  // and each flow crosses two such links, so every flow gets bw/4.
  const double bw = 1e8, lat = 1e-4, m = 1000 * 8;
  const Exchange e = torus_exchange(1, 8, 1000, test::generated_network(Topology::STAR, bw, lat));
  for (int r = 0; r < 8; ++r) {
    CAPTURE(r);
    CHECK(e.finish[static_cast<std::size_t>(r)] == doctest::Approx(2 * lat + 4 * m / bw).epsilon(1e-9));
    CHECK(e.bytes[static_cast<std::size_t>(r)] == 2 * 8000);
    // (r, r ± 1 mod 8 plus one each) / 3, summed in rank order.
    const double left = (r + 7) % 8 + 1.0, right = (r + 1) % 8 + 1.0;
    CHECK(e.mixed[static_cast<std::size_t>(r)][999] == doctest::Approx((left + r + 1.0 + right) / 3).epsilon(1e-15));
  }
}

TEST_CASE("torus exchange on a star (degree 4) and on a cluster (split-duplex links, degree 4)") {
  const double bw = 1e8, lat = 1e-4, m = 500 * 8;
  const Exchange star = torus_exchange(4, 4, 500, test::generated_network(Topology::STAR, bw, lat));
  for (double t : star.finish) CHECK(t == doctest::Approx(2 * lat + 8 * m / bw).epsilon(1e-9));
  // Cluster: up and down halves are separate (latency lat/2 each): 4 flows out on the up half, 4 in on the down half.
  const Exchange cluster = torus_exchange(4, 4, 500, test::generated_network(Topology::CLUSTER, bw, lat));
  for (double t : cluster.finish) CHECK(t == doctest::Approx(lat + 4 * m / bw).epsilon(1e-9));
  for (auto bytes : cluster.bytes) CHECK(bytes == 4 * 4000);
}

TEST_CASE("ring exchange on two_cabinets.xml: ranks on its hosts, the 4 cross-cabinet flows share the 1 Gbps link") {
  // Intra-cabinet flows (50 us) are done before the cross-cabinet ones (550 us) start moving: every intra flow shares
  // the up link of its sender or the down link of its receiver with one other (1.25e9 / 2 B/s each). The flows
  // 15 <-> 16 and 31 <-> 0 then share the inter-cabinet link four ways (1.25e8 / 4 B/s each).
  const double m = 1000 * 8;
  const Exchange e = torus_exchange(1, 32, 1000, test::platform_network("two_cabinets.xml"));
  for (int r = 0; r < 32; ++r) {
    CAPTURE(r);
    const bool crosses = r == 0 || r == 15 || r == 16 || r == 31;
    const double expected = crosses ? 550e-6 + m / (1.25e8 / 4) : 50e-6 + m / (1.25e9 / 2);
    CHECK(e.finish[static_cast<std::size_t>(r)] == doctest::Approx(expected).epsilon(1e-9));
    CHECK(e.bytes[static_cast<std::size_t>(r)] == 2 * 8000);
  }
}

TEST_CASE("on the ideal network a neighbour exchange takes no time") {
  const Exchange e = torus_exchange(1, 6, 1000, test::generated_network(Topology::IDEAL, 1.0, 1.0));
  for (double t : e.finish) CHECK(t < 1e-9);
}

TEST_CASE("a monitoring gather takes no simulated time, is not counted, and rank 0 gets every rank's values") {
  std::vector<double> after(4, -1.0);
  std::vector<std::uint64_t> bytes(4, 1);
  std::vector<double> collected;
  bool early = true;
  bool complete = false;
  auto body = [&](sim::RankContext& context) {
    const int r = context.rank();
    auto comm = context.make_comm(0);
    auto clock = context.make_clock();
    const double values[2] = {10.0 * r, 10.0 * r + 1};
    comm->monitor_contribute(7, values);
    after[static_cast<std::size_t>(r)] = clock->now();
    // Rank 0 runs first: the others have not contributed, and asking does not wait for them.
    if (r == 0) early = comm->monitor_collect(7, collected, false);
    comm->barrier(2);  // empty messages: no bytes
    if (r == 0) complete = comm->monitor_collect(7, collected, true);
    bytes[static_cast<std::size_t>(r)] = comm->bytes_sent();
  };
  // A 1 s latency network: any message would show in the clock.
  sim::run_actors(test::generated_network(Topology::STAR, 1e6, 1.0), 4, body);
  CHECK_FALSE(early);
  CHECK(complete);
  CHECK(collected == std::vector<double>{0, 1, 10, 11, 20, 21, 30, 31});
  for (int r = 0; r < 4; ++r) {
    CHECK(after[static_cast<std::size_t>(r)] == 0.0);
    CHECK(bytes[static_cast<std::size_t>(r)] == 0);
  }
}
