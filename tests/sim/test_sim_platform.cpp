// Platforms: the XML files in platforms/ load, ranks map to their hosts in natural name order, closed-form times hold.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sgdsim/error.hpp"
#include "sgdsim/sim/actors.hpp"
#include "sim_test_util.hpp"

using namespace sgdsim;

TEST_CASE("two_cabinets.xml: ranks run on node-0..node-31 in natural order, with its intra/inter-cabinet link times") {
  std::vector<std::string> hosts(32);
  double intra = -1;
  double inter = -1;
  sim::run_actors(test::platform_network("two_cabinets.xml"), 32, [&](sim::RankContext& context) {
    const int r = context.rank();
    hosts[static_cast<std::size_t>(r)] = context.host_name();
    auto comm = context.make_comm(0);
    auto clock = context.make_clock();
    std::vector<double> data(125000, r);  // 1e6 bytes
    if (r == 1 || r == 20) comm->send(0, 1, data);
    if (r == 0) {
      comm->recv(1, 1, data);  // node-1 -> node-0: same cabinet
      intra = clock->now();
      // node-20 -> node-0 crosses the inter-cabinet link. Rendezvous: node-20 posted its send at 0, but the transfer
      // starts when node-0 posts the matching receive, at `intra`.
      comm->recv(20, 1, data);
      inter = clock->now();
      CHECK(data[0] == 20.0);
    }
  });
  for (int r = 0; r < 32; ++r) CHECK(hosts[static_cast<std::size_t>(r)] == "node-" + std::to_string(r));
  CHECK(intra == doctest::Approx(50e-6 + 1e6 / 1.25e9).epsilon(1e-9));
  CHECK(inter == doctest::Approx(intra + 550e-6 + 1e6 / 1.25e8).epsilon(1e-9));
}

TEST_CASE("cluster32.xml: a ring all-reduce on its 32 hosts takes 2(N-1)(lat + M/(N bw))") {
  double finish = -1;
  sim::run_actors(test::platform_network("cluster32.xml"), 32, [&](sim::RankContext& context) {
    auto comm = context.make_comm(0);
    auto clock = context.make_clock();
    std::vector<double> data(32 * 1000, 1.0);
    comm->allreduce_mean(data, 3);
    if (context.rank() == 0) finish = clock->now();
  });
  CHECK(finish == doctest::Approx(2.0 * 31 * (50e-6 + 8000 / 1.25e9)).epsilon(1e-9));
}

TEST_CASE("a platform file with fewer hosts than ranks is a ConfigError naming the file and both counts") {
  std::string message;
  try {
    sim::run_actors(test::platform_network("cluster32.xml"), 40, [](sim::RankContext&) {});
  } catch (const ConfigError& e) {
    message = e.what();
  }
  CHECK(message.find("cluster32.xml has 32 hosts, but the scenario needs 40 ranks") != std::string::npos);
}

TEST_CASE("a missing platform file is a ConfigError naming it") {
  std::string message;
  try {
    sim::run_actors(test::platform_network("no_such_platform.xml"), 2, [](sim::RankContext&) {});
  } catch (const ConfigError& e) {
    message = e.what();
  }
  CHECK(message.find("no_such_platform.xml does not exist") != std::string::npos);
}
