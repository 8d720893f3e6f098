// Comm::leave in both simulation engines (a failed worker's rank ending): messages to a rank that left are dropped at
// their senders in no time, queued ones when it leaves; its in-flight send lands; deliver() reports the drop and can
// send as the left rank; monitoring counts it as zeros and rank 0's fence does not wait for it. Closed forms on a star.
#include <doctest/doctest.h>

#include <functional>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <vector>

#include "analytic.hpp"
#include "monitor_board.hpp"
#include "sgdsim/sim/actors.hpp"
#include "sim_test_util.hpp"

using namespace sgdsim;

namespace {

constexpr double BW = 1.0e8;    // bytes/s
constexpr double LAT = 1.0e-4;  // seconds per link
constexpr std::size_t N = 12500;  // doubles: 1e5 bytes

// What a rank's body gets, whichever engine runs it.
struct Rank {
  int rank;
  Comm& comm;
  std::function<void(double)> sleep;
  std::function<double()> now;
};
using Body = std::function<void(Rank&)>;

void on_simgrid(int ranks, const Body& body) {
  sim::run_actors(test::generated_network(Topology::STAR, BW, LAT), ranks, [&](sim::RankContext& context) {
    auto comm = context.make_comm(0);
    Rank r{context.rank(), *comm, [](double s) { simgrid::s4u::this_actor::sleep_for(s); },
           [] { return simgrid::s4u::Engine::get_clock(); }};
    body(r);
  });
}

void on_analytic(int ranks, const Body& body) {
  sim::analytic::Engine engine(test::generated_network(Topology::STAR, BW, LAT), ranks);
  sim::MonitorBoard monitor;
  engine.run([&](int rank) {
    auto comm = sim::analytic::make_comm(engine, monitor, rank, 0);
    Rank r{rank, *comm, [&](double s) { engine.sleep_for(s); }, [&] { return engine.now(); }};
    body(r);
  });
}

// Rank 3 leaves at 0.01 s. Rank 0's send posted to it at 0 (never received) ends then; its later sends to ranks 1, 2
// and 3 at once take the time of two flows on its link, not three; deliver() to rank 3 reports the drop.
void dropped_sends(void (*engine)(int, const Body&)) {
  const std::vector<double> payload(N, 2.5);
  double queued_end = -1, deliver_end = -1;
  bool to_left = true, to_live = false;
  std::vector<double> arrival(3, -1);
  std::uint64_t messages = 0;
  engine(4, [&](Rank& r) {
    std::vector<double> in(N);
    if (r.rank == 0) {
      Request queued = r.comm.send_async(3, 1, payload);
      r.comm.wait(queued);
      queued_end = r.now();
      std::vector<Request> sends;
      for (int dst = 1; dst <= 3; ++dst) sends.push_back(r.comm.send_async(dst, 2, payload));
      CHECK_FALSE(sends[2].pending());  // dropped at once: over
      CHECK_FALSE(r.comm.test(sends[2]));
      for (auto& s : sends) r.comm.wait(s);
      to_left = r.comm.deliver(3, 3, payload, 0);
      deliver_end = r.now();
      to_live = r.comm.deliver(1, 4, payload, 0);
      messages = r.comm.messages_sent();
    } else if (r.rank == 3) {
      r.sleep(0.01);
      CHECK(r.comm.leave({}));
    } else {
      r.comm.recv(0, 2, in);
      arrival[static_cast<std::size_t>(r.rank)] = r.now();
      CHECK(in == payload);
      if (r.rank == 1) r.comm.recv(0, 4, in);
    }
  });
  CHECK(queued_end == doctest::Approx(0.01).epsilon(1e-12));
  const double both = 0.01 + 2 * LAT + 2e5 / BW;  // two flows share rank 0's link: the third is not on it
  CHECK(arrival[1] == doctest::Approx(both).epsilon(1e-9));
  CHECK(arrival[2] == doctest::Approx(both).epsilon(1e-9));
  CHECK_FALSE(to_left);
  CHECK(deliver_end == doctest::Approx(both).epsilon(1e-9));  // no time either
  CHECK(to_live);
  CHECK(messages == 6);  // the sender does not know: it counts what it sent
}

// Rank 2 leaves at once with two sends of its own pending: the one rank 0 receives lands first (leave() returns when it
// has); the one nobody receives yet stays posted past rank 2's run, and rank 1 takes it when it posts its receive at
// 0.05 s (a failure notice sent before the aggregator listens). Rank 0 sends to rank 1 as rank 2 (a relay taken
// over), which rank 1 receives from rank 2.
void own_sends_and_relay(void (*engine)(int, const Body&)) {
  const std::vector<double> payload(N, 4.0);
  const std::vector<double> tiny(1, 1.0);
  double left_at = -1, landed = -1, relayed = -1, late = -1;
  bool relay_reached = false;
  engine(3, [&](Rank& r) {
    std::vector<double> in(N);
    if (r.rank == 2) {
      std::vector<Request> out;
      out.push_back(r.comm.send_async(0, 5, payload));
      out.push_back(r.comm.send_async(1, 6, tiny));  // nobody posts tag 6 until 0.05 s
      CHECK(r.comm.leave(out));
      CHECK_FALSE(out[0].pending());
      CHECK_FALSE(out[1].pending());
      left_at = r.now();
    } else if (r.rank == 0) {
      r.comm.recv(2, 5, in);
      landed = r.now();
      CHECK(in == payload);
      r.sleep(0.01 - r.now());
      relay_reached = r.comm.deliver(1, 7, payload, 2);
    } else {
      r.comm.recv(2, 7, in);
      relayed = r.now();
      CHECK(in == payload);
      r.sleep(0.05 - r.now());
      std::vector<double> small(1);
      r.comm.recv(2, 6, small);
      late = r.now();
      CHECK(small == tiny);
    }
  });
  const double one = 2 * LAT + 1e5 / BW;
  CHECK(late == doctest::Approx(0.05 + 2 * LAT + 8 / BW).epsilon(1e-9));
  CHECK(landed == doctest::Approx(one).epsilon(1e-9));
  CHECK(left_at == doctest::Approx(one).epsilon(1e-9));
  CHECK(relay_reached);
  CHECK(relayed == doctest::Approx(0.01 + one).epsilon(1e-9));
}

// Ranks 0 and 1 contribute and reach the fence (rank 1 at 0.02 s); rank 2 contributes, then leaves; rank 3 leaves
// without contributing. Rank 0's fence ends at 0.02 s, and the gather holds rank 3's values as zeros.
void monitoring(void (*engine)(int, const Body&)) {
  double fenced = -1;
  std::vector<double> all;
  bool complete = false;
  engine(4, [&](Rank& r) {
    const std::vector<double> mine{r.rank + 1.0, 1.0};
    if (r.rank == 3) {
      CHECK(r.comm.leave({}));
      return;
    }
    if (r.rank == 1) r.sleep(0.02);
    r.comm.monitor_contribute(9, mine);
    if (r.rank == 2) {
      CHECK(r.comm.leave({}));
      return;
    }
    r.comm.monitor_fence(11);
    if (r.rank == 0) {
      fenced = r.now();
      complete = r.comm.monitor_collect(9, all, true);
    }
  });
  CHECK(fenced == doctest::Approx(0.02).epsilon(1e-12));
  REQUIRE(complete);
  CHECK(all == std::vector<double>{1, 1, 2, 1, 3, 1, 0, 0});
}

}  // namespace

TEST_CASE("SimGrid: messages to a rank that left are dropped in no time, queued ones when it leaves") {
  dropped_sends(on_simgrid);
}
TEST_CASE("analytic: messages to a rank that left are dropped in no time, queued ones when it leaves") {
  dropped_sends(on_analytic);
}
TEST_CASE("SimGrid: a leaving rank's sends land, even when received later, and deliver as a left rank") {
  own_sends_and_relay(on_simgrid);
}
TEST_CASE("analytic: a leaving rank's sends land, even when received later, and deliver as a left rank") {
  own_sends_and_relay(on_analytic);
}
TEST_CASE("SimGrid: a rank that left counts as zeros in monitoring gathers, and the fence does not wait for it") {
  monitoring(on_simgrid);
}
TEST_CASE("analytic: a rank that left counts as zeros in monitoring gathers, and the fence does not wait for it") {
  monitoring(on_analytic);
}
