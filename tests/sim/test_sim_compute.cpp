// SimCompute: spend() waits the straggler model's drawn time in simulated time, or returns early when interrupted.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <simgrid/s4u/Actor.hpp>
#include <string>
#include <vector>

#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/comm/straggler.hpp"
#include "sgdsim/sim/actors.hpp"
#include "sim_test_util.hpp"

using namespace sgdsim;

namespace {

constexpr double BW = 1.0e8;
constexpr double LAT = 1.0e-4;

Problem tiny_problem() {
  Dataset data;
  data.rows = 2;
  data.cols = 1;
  data.dense = {1.0, 2.0};
  data.labels = {1.0, -1.0};
  return Problem(std::move(data), kernels::Loss::LOGISTIC, 0.0, kernels::Device::REFERENCE);
}

Scenario compute_scenario(double seconds_per_pass, std::optional<double> rate) {
  Scenario scenario;
  scenario.seed = 42;
  scenario.cluster.workers = 2;
  scenario.cluster.compute.seconds_per_pass = seconds_per_pass;
  scenario.cluster.compute.straggling_rate = rate;
  return scenario;
}

}  // namespace

TEST_CASE("spend waits exactly the task time the straggler model draws for that worker") {
  const Scenario scenario = compute_scenario(2.0, 4.0);
  const Problem problem = tiny_problem();
  std::vector<double> elapsed;
  std::vector<double> modelled;
  std::vector<char> finished;
  sim::run_actors(test::generated_network(Topology::IDEAL, BW, LAT), 1, [&](sim::RankContext& context) {
    auto comm = context.make_comm(0);
    auto clock = context.make_clock();
    auto compute = context.make_compute(scenario, problem, 1, 3, *comm);
    for (int k = 0; k < 5; ++k) {
      const double start = clock->now();
      finished.push_back(compute->spend(0.25, k, start) ? 1 : 0);
      elapsed.push_back(clock->now() - start);
      modelled.push_back(compute->last_modelled());
    }
  });
  // Reference: the same (seed, repetition, worker) streams drawn directly.
  StragglerModel reference(scenario.cluster.compute, scenario.seed, 1, 3);
  REQUIRE(elapsed.size() == 5);
  for (std::size_t k = 0; k < 5; ++k) {
    CAPTURE(k);
    const double expected = reference.draw(0.25).total();
    CHECK(finished[k] == 1);
    CHECK(modelled[k] == expected);
    CHECK(elapsed[k] == doctest::Approx(expected).epsilon(1e-12));
    CHECK(expected > 0.5);  // 0.25·(2 + X), X > 0
  }
}

TEST_CASE("spend is interrupted by a message that arrives before the task ends, and not by a later one") {
  const Scenario scenario = compute_scenario(2.0, std::nullopt);  // a task of load 0.5 takes exactly 1 s
  const Problem problem = tiny_problem();
  bool first_done = true;
  double first_return = -1;
  double first_value = -1;
  bool second_done = false;
  double second_return = -1;
  bool second_still_pending = false;
  sim::run_actors(test::generated_network(Topology::CLUSTER, BW, LAT), 2, [&](sim::RankContext& context) {
    auto comm = context.make_comm(0);
    auto clock = context.make_clock();
    if (context.rank() == 0) {
      auto compute = context.make_compute(scenario, problem, 0, 0, *comm);
      std::vector<double> in(1);
      Request stop = comm->recv_async(1, 7, in);
      first_done = compute->spend(0.5, 0, clock->now(), &stop);
      first_return = clock->now();
      first_value = stop.pending() ? -2.0 : in[0];
      Request late = comm->recv_async(1, 15, in);
      second_done = compute->spend(0.5, 1, clock->now(), &late);
      second_return = clock->now();
      second_still_pending = late.pending();
      comm->wait(late);
    } else {
      simgrid::s4u::this_actor::sleep_for(0.3);
      comm->send(0, 7, std::vector<double>{7.0});
      simgrid::s4u::this_actor::sleep_for(5.0);
      comm->send(0, 15, std::vector<double>{15.0});
    }
  });
  const double arrival = 0.3 + LAT + 8 / BW;
  CHECK_FALSE(first_done);
  CHECK(first_return == doctest::Approx(arrival).epsilon(1e-12));
  CHECK(first_value == 7.0);
  CHECK(second_done);
  CHECK(second_return == doctest::Approx(arrival + 1.0).epsilon(1e-12));
  CHECK(second_still_pending);
}

TEST_CASE("a zero-time task completes at once, unless its interrupt has already completed") {
  const Scenario scenario = compute_scenario(2.0, std::nullopt);
  const Problem problem = tiny_problem();
  bool plain = false;
  double plain_elapsed = -1;
  bool with_pending_interrupt = false;
  bool with_arrived_interrupt = true;
  sim::run_actors(test::generated_network(Topology::CLUSTER, BW, LAT), 2, [&](sim::RankContext& context) {
    auto comm = context.make_comm(0);
    auto clock = context.make_clock();
    if (context.rank() == 0) {
      auto compute = context.make_compute(scenario, problem, 0, 0, *comm);
      simgrid::s4u::this_actor::sleep_for(1.0);
      const double start = clock->now();
      plain = compute->spend(0.0, 0, start);
      plain_elapsed = clock->now() - start;
      std::vector<double> in(1);
      Request waiting = comm->recv_async(1, 9, in);
      with_pending_interrupt = compute->spend(0.0, 1, clock->now(), &waiting);
      CHECK(waiting.pending());
      simgrid::s4u::this_actor::sleep_for(2.0);  // the message arrives meanwhile
      with_arrived_interrupt = compute->spend(0.0, 2, clock->now(), &waiting);
      CHECK_FALSE(waiting.pending());
      CHECK(in[0] == 9.0);
    } else {
      simgrid::s4u::this_actor::sleep_for(2.0);
      comm->send(0, 9, std::vector<double>{9.0});
    }
  });
  CHECK(plain);
  CHECK(plain_elapsed == 0.0);
  CHECK(with_pending_interrupt);
  CHECK_FALSE(with_arrived_interrupt);
}

TEST_CASE("a platform host slower than the reference speed computes proportionally longer, the delay is not scaled") {
  const std::string xml = R"(<?xml version='1.0'?><!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1"><zone id="z" routing="Full">
  <host id="node-0" speed="1Gf"/><host id="node-1" speed="250Mf"/>
  <link id="l" bandwidth="1Gbps" latency="1us"/>
  <route src="node-0" dst="node-1"><link_ctn id="l"/></route>
</zone></platform>)";
  const auto file = std::filesystem::temp_directory_path() / "sgdsim_host_speed.xml";
  std::ofstream(file) << xml;
  NetworkSpec network;
  network.platform_file = file;
  Scenario scenario = compute_scenario(2.0, std::nullopt);
  scenario.cluster.compute.delay_mean = 1.0;
  const Problem problem = tiny_problem();
  std::vector<double> elapsed(2), modelled(2), delay(2);
  sim::run_actors(network, 2, [&](sim::RankContext& context) {
    const auto r = static_cast<std::size_t>(context.rank());
    auto comm = context.make_comm(0);
    auto clock = context.make_clock();
    auto compute = context.make_compute(scenario, problem, 0, 0, *comm);  // the same worker stream on both hosts
    compute->spend(0.5, 1, 0.0);
    elapsed[r] = clock->now();
    modelled[r] = compute->last_modelled();
    delay[r] = StragglerModel(scenario.cluster.compute, scenario.seed, 0, 0).draw(0.5).delay;
  });
  std::filesystem::remove(file);
  CHECK(elapsed[0] == doctest::Approx(0.5 * 2.0 + delay[0]));
  CHECK(elapsed[1] == doctest::Approx(4 * 0.5 * 2.0 + delay[1]));  // 1 Gf / 250 Mf = 4
  CHECK(modelled[1] == doctest::Approx(elapsed[1]));
}
