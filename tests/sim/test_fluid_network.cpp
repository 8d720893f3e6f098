// FluidNetwork against hand-computed CM02 times: shared star links, private cluster links, staggered and withdrawn
// transfers, the TCP-gamma bound.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "fluid_network.hpp"

using sgdsim::NetworkSpec;
using sgdsim::Topology;
using sgdsim::sim::FluidNetwork;

namespace {

NetworkSpec net(Topology topology, double bandwidth, double latency) {
  NetworkSpec n;
  n.topology = topology;
  n.bandwidth = bandwidth;
  n.latency = latency;
  return n;
}

// Runs the network event by event up to `until` (everything by default), recording each flow's end time in `end`.
void run_until(FluidNetwork& network, std::vector<double>& end, double until = FluidNetwork::NEVER) {
  std::vector<FluidNetwork::FlowId> ended;
  for (;;) {
    const double t = std::min(network.next_event(), until);
    if (t == FluidNetwork::NEVER) return;
    ended.clear();
    network.advance(t, ended);
    for (auto f : ended) end[static_cast<std::size_t>(f)] = t;
    if (t == until) return;
  }
}

std::vector<double> run(FluidNetwork& network, std::size_t flows) {
  std::vector<double> end(flows, -1);
  run_until(network, end);
  return end;
}

}  // namespace

TEST_CASE("star: k transfers from one host end together at 2·latency + k·S/bandwidth") {
  const double b = 1.25e9, l = 50e-6, s = 808;
  const int k = 1024;
  FluidNetwork network(net(Topology::STAR, b, l), k + 1);
  for (int w = 1; w <= k; ++w) network.start(0, w, s);
  for (double e : run(network, k)) CHECK(e == doctest::Approx(2 * l + k * s / b).epsilon(1e-12));
}

TEST_CASE("cluster: a ring step (every host sends to its right) takes latency + S/bandwidth") {
  const double b = 1.25e9, l = 20e-6, s = 1e6;
  const int n = 8;
  FluidNetwork network(net(Topology::CLUSTER, b, l), n);
  for (int r = 0; r < n; ++r) network.start(r, (r + 1) % n, s);
  for (double e : run(network, n)) CHECK(e == doctest::Approx(l + s / b).epsilon(1e-12));
}

TEST_CASE("star: a second transfer into the same host halves the first one's rate from when it starts sharing") {
  const double b = 1e9, l = 1e-3, s = 1e6;  // alone: 2 ms latency + 1 ms
  FluidNetwork network(net(Topology::STAR, b, l), 3);
  network.start(1, 0, s);  // t = 0: shares from 2 ms
  std::vector<double> end(2, -1);
  run_until(network, end, 0.0025);  // the first has 0.5 ms of its 1 ms sent
  REQUIRE(end[0] == -1);
  network.start(2, 0, s);  // t = 2.5 ms: shares from 4.5 ms, after the first ended alone at 3 ms
  run_until(network, end);
  CHECK(end[0] == doctest::Approx(0.003).epsilon(1e-12));
  CHECK(end[1] == doctest::Approx(0.0025 + 0.002 + 0.001).epsilon(1e-12));

  FluidNetwork overlap(net(Topology::STAR, b, l), 3);
  overlap.start(1, 0, s);
  std::vector<double> both(2, -1);
  run_until(overlap, both, 0.0005);
  overlap.start(2, 0, s);  // shares from 2.5 ms, when the first has 0.5e6 bytes left: both at b/2
  run_until(overlap, both);
  // First: 0.5e6 bytes at 0.5e9 B/s -> ends at 3.5 ms; second: 0.5e6 sent by then, the rest alone -> 4 ms.
  CHECK(both[0] == doctest::Approx(0.0035).epsilon(1e-12));
  CHECK(both[1] == doctest::Approx(0.004).epsilon(1e-12));
}

TEST_CASE("a withdrawn transfer gives its share back") {
  const double b = 1e9, s = 1e6;
  FluidNetwork network(net(Topology::STAR, b, 0.0), 3);  // no latency: sharing from the start
  const auto a = network.start(1, 0, s);
  network.start(2, 0, s);
  std::vector<double> end(2, -1);
  run_until(network, end, 0.001);  // both at b/2: 0.5e6 bytes each sent
  REQUIRE(end[1] == -1);
  network.abort(a);
  run_until(network, end);
  CHECK(end[1] == doctest::Approx(0.0015).epsilon(1e-12));
  CHECK(end[0] == -1);  // never reported
}

TEST_CASE("a long round trip bounds the rate by TCP-gamma / (2 · latency)") {
  const double b = 1.25e8, l = 10e-3, s = 1e7;  // route latency 20 ms: bound 4194304 / 0.04 < 1.25e8 B/s
  FluidNetwork network(net(Topology::STAR, b, l), 2);
  network.start(0, 1, s);
  const double bound = FluidNetwork::TCP_GAMMA / (2 * 2 * l);
  REQUIRE(bound < b);
  CHECK(run(network, 1)[0] == doctest::Approx(2 * l + s / bound).epsilon(1e-12));
}

TEST_CASE("ideal: no latency and 1e15 B/s") {
  FluidNetwork network(net(Topology::IDEAL, 1.0, 1.0), 2);
  network.start(0, 1, 8e6);
  CHECK(run(network, 1)[0] == doctest::Approx(8e-9).epsilon(1e-12));
}
