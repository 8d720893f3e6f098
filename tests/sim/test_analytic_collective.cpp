// The analytic engine's all-reduce (Engine::allreduce_sum) against Comm's recursive doubling run by messages on the
// same engine: the same bits on every rank and the same end times, with staggered ranks, a non-power-of-two count,
// every generated topology and transfers of other traffic on the ranks' links; and its closed form on a star.
#include <doctest/doctest.h>

#include <vector>

#include "analytic.hpp"
#include "monitor_board.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;

namespace {

constexpr double BW = 1.25e9;   // bytes/s
constexpr double LAT = 50e-6;   // seconds per link
constexpr std::size_t D = 101;  // values: 808 bytes, recursive doubling

struct Outcome {
  std::vector<double> end;                 // per rank: when its all-reduce returned
  std::vector<std::vector<double>> value;  // per rank: its vector afterwards
};

// n ranks enter one after the other (rank r at r·17 µs, in a scrambled order), each with its own vector; with
// `other_traffic`, rank 0 sends rank 1 a 1 MB message that is in flight on both their links during the all-reduce.
Outcome run(Topology topology, int n, bool by_engine, bool other_traffic) {
  NetworkSpec network;
  network.topology = topology;
  network.bandwidth = BW;
  network.latency = LAT;
  sim::analytic::Engine engine(network, n);
  sim::MonitorBoard monitor;
  Outcome out{std::vector<double>(static_cast<std::size_t>(n)), std::vector<std::vector<double>>(static_cast<std::size_t>(n))};
  std::vector<double> big(125000, 1.0), big_in(big.size());
  engine.run([&](int r) {
    auto comm = sim::analytic::make_comm(engine, monitor, r, 0);
    Request pending;
    if (other_traffic && r == 0) pending = comm->send_async(1, 7, big);
    if (other_traffic && r == 1) pending = comm->recv_async(0, 7, big_in);
    engine.sleep_for(17e-6 * ((r * 5) % n));
    std::vector<double> x(D);
    for (std::size_t i = 0; i < D; ++i) x[i] = 1.0 / (3.0 + r) + 0.1 * static_cast<double>(i) * r;
    if (by_engine) {
      comm->allreduce_mean(x, 3);
    } else {
      comm->Comm::allreduce_mean(x, 3);
    }
    out.end[static_cast<std::size_t>(r)] = engine.now();
    out.value[static_cast<std::size_t>(r)] = x;
    if (pending.pending()) comm->wait(pending);
  });
  return out;
}

}  // namespace

TEST_CASE("the engine's all-reduce gives the messages' bits and end times") {
  for (Topology topology : {Topology::STAR, Topology::CLUSTER, Topology::IDEAL}) {
    for (int n : {2, 6, 8, 13}) {
      for (bool other_traffic : {false, true}) {
        CAPTURE(static_cast<int>(topology));
        CAPTURE(n);
        CAPTURE(other_traffic);
        const Outcome engine = run(topology, n, true, other_traffic);
        const Outcome messages = run(topology, n, false, other_traffic);
        for (int r = 0; r < n; ++r) {
          CAPTURE(r);
          CHECK(engine.value[static_cast<std::size_t>(r)] == messages.value[static_cast<std::size_t>(r)]);
          CHECK(engine.value[static_cast<std::size_t>(r)] == engine.value[0]);
          CHECK(engine.end[static_cast<std::size_t>(r)] ==
                doctest::Approx(messages.end[static_cast<std::size_t>(r)]).epsilon(1e-12));
        }
      }
    }
  }
}

TEST_CASE("star, 4 ranks entering together: two exchanges of 2 latency + 2·bytes/bandwidth each") {
  NetworkSpec network;
  network.bandwidth = BW;
  network.latency = LAT;
  sim::analytic::Engine engine(network, 4);
  sim::MonitorBoard monitor;
  std::vector<double> end(4), first(4);
  engine.run([&](int r) {
    auto comm = sim::analytic::make_comm(engine, monitor, r, 0);
    std::vector<double> x(D, r + 1.0);
    comm->allreduce_mean(x, 1);
    end[static_cast<std::size_t>(r)] = engine.now();
    first[static_cast<std::size_t>(r)] = x[0];
    CHECK(comm->bytes_sent() == 2 * D * sizeof(double));
  });
  // Both directions of an exchange share the two host links: each gets half the bandwidth.
  const double exchange = 2 * LAT + 2.0 * D * sizeof(double) / BW;
  for (int r = 0; r < 4; ++r) {
    CHECK(end[static_cast<std::size_t>(r)] == doctest::Approx(2 * exchange).epsilon(1e-12));
    CHECK(first[static_cast<std::size_t>(r)] == 2.5);
  }
}

TEST_CASE("ranks calling different all-reduces are told so") {
  NetworkSpec network;
  sim::analytic::Engine engine(network, 2);
  sim::MonitorBoard monitor;
  CHECK_THROWS_WITH_AS(engine.run([&](int r) {
    auto comm = sim::analytic::make_comm(engine, monitor, r, 0);
    std::vector<double> x(r == 0 ? 3 : 4, 1.0);
    comm->allreduce_mean(x, 1);
  }),
                       doctest::Contains("every rank must call the same collectives in the same order"),
                       SimulationError);
}
