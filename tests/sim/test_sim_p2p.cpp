// SimComm point-to-point: closed-form transfer times over star, exact tag matching, wait_any order, test, cancel.
#include <doctest/doctest.h>

#include <simgrid/s4u/Actor.hpp>
#include <vector>

#include "sgdsim/sim/actors.hpp"
#include "sim_test_util.hpp"

using namespace sgdsim;

namespace {
constexpr double BW = 1.0e8;    // bytes/s
constexpr double LAT = 1.0e-4;  // seconds per link
void sleep_for(double seconds) { simgrid::s4u::this_actor::sleep_for(seconds); }
}  // namespace

TEST_CASE("a message over star crosses two links: 2 latency + bytes/bandwidth, and bytes are counted") {
  const std::vector<double> payload(125000, 3.5);  // 1e6 bytes
  double arrival = -1;
  std::vector<double> got(payload.size());
  std::uint64_t bytes = 0;
  std::uint64_t messages = 0;
  sim::run_actors(test::generated_network(Topology::STAR, BW, LAT), 2, [&](sim::RankContext& context) {
    auto comm = context.make_comm(0);
    auto clock = context.make_clock();
    if (context.rank() == 0) {
      comm->send(1, 8, payload);
      bytes = comm->bytes_sent();
      messages = comm->messages_sent();
    } else {
      comm->recv(0, 8, got);
      arrival = clock->now();
    }
  });
  CHECK(arrival == doctest::Approx(2 * LAT + 1e6 / BW).epsilon(1e-9));
  CHECK(got == payload);
  CHECK(bytes == 1000000);
  CHECK(messages == 1);
}

TEST_CASE("star: three workers sending to rank 0 at once share its link (2 latency + 3 bytes/bandwidth)") {
  double arrival = -1;
  sim::run_actors(test::generated_network(Topology::STAR, BW, LAT), 4, [&](sim::RankContext& context) {
    auto comm = context.make_comm(0);
    auto clock = context.make_clock();
    std::vector<double> data(12500, context.rank());  // 1e5 bytes each
    if (context.rank() == 0) {
      std::vector<std::vector<double>> in(3, std::vector<double>(12500));
      std::vector<Request> requests;
      for (int src = 1; src <= 3; ++src) requests.push_back(comm->recv_async(src, 1, in[src - 1]));
      for (auto& r : requests) comm->wait(r);
      arrival = clock->now();
      for (int src = 1; src <= 3; ++src) CHECK(in[src - 1][0] == src);
    } else {
      comm->send(0, 1, data);
    }
  });
  CHECK(arrival == doctest::Approx(2 * LAT + 3e5 / BW).epsilon(1e-9));
}

TEST_CASE("messages with different tags never match: tag 9 then tag 8 sent, recv of tag 8 gets the tag-8 data") {
  std::vector<double> first(4, -1.0);
  std::vector<double> second(4, -1.0);
  sim::run_actors(test::generated_network(Topology::CLUSTER, BW, LAT), 2, [&](sim::RankContext& context) {
    auto comm = context.make_comm(0);
    if (context.rank() == 0) {
      const std::vector<double> nine(4, 9.0);
      const std::vector<double> eight(4, 8.0);
      Request a = comm->send_async(1, 9, nine);
      Request b = comm->send_async(1, 8, eight);
      comm->wait(a);
      comm->wait(b);
    } else {
      sleep_for(1.0);  // both messages are posted before any receive
      comm->recv(0, 8, first);
      comm->recv(0, 9, second);
    }
  });
  CHECK(first == std::vector<double>(4, 8.0));
  CHECK(second == std::vector<double>(4, 9.0));
}

TEST_CASE("epochs separate repetitions: the same tag in another epoch does not match") {
  double got = -1;
  sim::run_actors(test::generated_network(Topology::IDEAL, BW, LAT), 2, [&](sim::RankContext& context) {
    if (context.rank() == 0) {
      auto old_comm = context.make_comm(0);
      auto new_comm = context.make_comm(1);
      const std::vector<double> stale{1.0};
      const std::vector<double> fresh{2.0};
      Request a = old_comm->send_async(1, 3, stale);  // never received: withdrawn when dropped
      new_comm->send(1, 3, fresh);
      old_comm->cancel(a);
    } else {
      auto comm = context.make_comm(1);
      std::vector<double> in(1);
      comm->recv(0, 3, in);
      got = in[0];
    }
  });
  CHECK(got == 2.0);
}

TEST_CASE("wait_any returns the first-arriving receive, test reports completion without blocking") {
  std::vector<std::size_t> order;
  std::vector<double> times;
  bool early_test = true;
  bool late_test = false;
  sim::run_actors(test::generated_network(Topology::CLUSTER, BW, LAT), 4, [&](sim::RankContext& context) {
    auto comm = context.make_comm(0);
    auto clock = context.make_clock();
    const int r = context.rank();
    if (r == 0) {
      // Rank 1 sends 1e6 bytes at 0, rank 2 sends 8 bytes at 0.05, rank 3 sends 1e4 bytes at 0.
      std::vector<double> a(125000), b(1), c(1250);
      std::vector<Request> requests;
      requests.push_back(comm->recv_async(1, 2, a));
      requests.push_back(comm->recv_async(2, 2, b));
      requests.push_back(comm->recv_async(3, 2, c));
      early_test = comm->test(requests[0]);
      for (int k = 0; k < 3; ++k) {
        order.push_back(comm->wait_any(requests));
        times.push_back(clock->now());
      }
      CHECK(a[0] == 1.0);
      CHECK(b[0] == 2.0);
      CHECK(c[0] == 3.0);
      std::vector<double> d(1);
      Request last = comm->recv_async(1, 4, d);
      sleep_for(1.0);
      late_test = comm->test(last);
      CHECK(!last.pending());
    } else {
      const std::size_t sizes[] = {0, 125000, 1, 1250};
      std::vector<double> data(sizes[r], r);
      if (r == 2) sleep_for(0.05);
      comm->send(0, 2, data);
      if (r == 1) comm->send(0, 4, std::vector<double>{7.0});
    }
  });
  CHECK(!early_test);
  CHECK(late_test);
  REQUIRE(order.size() == 3);
  // Ranks 1 and 3 share rank 0's down link (max-min: half the bandwidth each) until rank 3's 1e4 bytes are through;
  // rank 2's 8 bytes leave at 0.05, when the link is free again.
  CHECK(order == std::vector<std::size_t>{2, 0, 1});
  CHECK(times[0] == doctest::Approx(LAT + 2e4 / BW).epsilon(1e-9));
  CHECK(times[1] == doctest::Approx(LAT + (1e6 + 1e4) / BW).epsilon(1e-9));
  CHECK(times[2] == doctest::Approx(0.05 + LAT + 8 / BW).epsilon(1e-9));
}

TEST_CASE("cancelling a receive in flight leaves the sender unharmed and the next-iteration message arrives") {
  double sender_released = -1;
  double next_value = -1;
  bool unmatched_cancel_ok = false;
  sim::run_actors(test::generated_network(Topology::CLUSTER, BW, LAT), 2, [&](sim::RankContext& context) {
    auto comm = context.make_comm(0);
    auto clock = context.make_clock();
    if (context.rank() == 0) {
      std::vector<double> big(1250000);  // 1e7 bytes: 0.1 s on the wire
      Request late = comm->recv_async(1, 8, big);
      sleep_for(0.04);
      comm->cancel(late);  // the late result is dropped mid-transfer
      CHECK(!late.pending());
      // A receive nobody sends to can be withdrawn as well.
      std::vector<double> none(1);
      Request orphan = comm->recv_async(1, 40, none);
      comm->cancel(orphan);
      std::vector<double> next(1);
      comm->recv(1, 16, next);
      next_value = next[0];
      std::vector<double> after(1);
      comm->recv(1, 32, after);
      unmatched_cancel_ok = after[0] == 32.0;
    } else {
      const std::vector<double> big(1250000, 1.0);
      comm->send(0, 8, big);  // returns when rank 0 cancels
      sender_released = clock->now();
      comm->send(0, 16, std::vector<double>{16.0});
      // A send withdrawn before anyone receives it is never delivered.
      const std::vector<double> stale{24.0};
      Request withdrawn = comm->send_async(0, 24, stale);
      comm->cancel(withdrawn);
      comm->send(0, 32, std::vector<double>{32.0});
    }
  });
  CHECK(sender_released == doctest::Approx(0.04).epsilon(1e-9));
  CHECK(next_value == 16.0);
  CHECK(unmatched_cancel_ok);
}
