// RealCompute under mpirun -np 2: injected sleeps follow the straggler model's draws and an interrupt cuts them short.
#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <thread>

#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/comm/straggler.hpp"
#include "sgdsim/exec/mpi_comm.hpp"
#include "sgdsim/exec/real_compute.hpp"

#include "mpi_test_util.hpp"

using namespace sgdsim;

namespace {

using test::tiny_problem;

Scenario compute_scenario(double seconds_per_pass, Inject inject) {
  Scenario s;
  s.seed = 7;
  s.cluster.workers = 2;
  s.cluster.compute.seconds_per_pass = seconds_per_pass;
  s.cluster.compute.inject = inject;
  return s;
}

}  // namespace

TEST_CASE("inject=model sleeps until started + the modelled time drawn from the simulation's straggler stream") {
  exec::MpiComm comm;
  const Problem problem = tiny_problem();
  Scenario s = compute_scenario(0.04, Inject::MODEL);
  s.cluster.compute.straggling_rate = 20.0;  // X ~ Exp(20): mean 50 ms
  const int worker = comm.rank();
  const exec::WallClock clock;
  exec::RealCompute compute(s, problem, 1, worker, comm, clock);
  StragglerModel reference(s.cluster.compute, s.seed, 1, worker);
  for (int task = 0; task < 2; ++task) {
    const double started = clock.now();
    CHECK(compute.spend(0.5, task, started));
    const double elapsed = clock.now() - started;
    const double modelled = reference.draw(0.5).total();
    CHECK(compute.last_modelled() == doctest::Approx(modelled).epsilon(1e-15));
    CHECK(elapsed >= modelled);
    CHECK(elapsed < modelled + 0.25);  // generous: two ranks may share one core
  }
  comm.finish();
}

TEST_CASE("inject=model does not sleep when the real compute already took longer than the modelled time") {
  exec::MpiComm comm;
  const Problem problem = tiny_problem();
  const Scenario s = compute_scenario(0.001, Inject::MODEL);
  const exec::WallClock clock;
  exec::RealCompute compute(s, problem, 0, comm.rank(), comm, clock);
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(compute.spend(1.0, 0, 0.0));
  CHECK(compute.last_injected() == 0.0);
  CHECK(compute.last_modelled() == doctest::Approx(0.001));
  comm.finish();
}

TEST_CASE("without inject only the delay and (slowdown - 1) x the real compute time so far are slept") {
  exec::MpiComm comm;
  const Problem problem = tiny_problem();
  Scenario s = compute_scenario(100.0, Inject::NONE);  // the modelled base time is never slept without inject
  s.cluster.compute.delay_mean = 0.01;
  s.cluster.compute.slowdown = {{0, 3.0}};
  const int worker = comm.rank();
  const exec::WallClock clock;
  exec::RealCompute compute(s, problem, 0, worker, comm, clock);
  StragglerModel reference(s.cluster.compute, s.seed, 0, worker);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // stands for 20 ms of real compute since time 0
  const double called = clock.now();
  CHECK(compute.spend(0.5, 0, 0.0));
  const double delay = reference.draw(0.5).delay;
  const double expected = delay + (worker == 0 ? 2.0 * called : 0.0);
  // last_injected is (now + delay) − now, which rounding can leave an ulp below the delay.
  CHECK(compute.last_injected() >= expected - 1e-12);
  CHECK(compute.last_injected() <= expected + 0.01);
  CHECK(clock.now() - called >= expected);
  comm.finish();
}

TEST_CASE("a completed interrupt cuts an injected sleep short and is emptied") {
  exec::MpiComm comm;
  const Problem problem = tiny_problem();
  const Scenario s = compute_scenario(5.0, Inject::MODEL);
  comm.barrier(0);
  const exec::WallClock clock;
  if (comm.rank() == 0) {
    exec::RealCompute compute(s, problem, 0, 0, comm, clock);
    Request interrupt = comm.recv_async(1, 9, {});
    const double started = clock.now();
    CHECK_FALSE(compute.spend(1.0, 0, started, &interrupt));  // would sleep 5 s
    const double elapsed = clock.now() - started;
    CHECK(elapsed >= 0.03);  // rank 1 waited 50 ms after the barrier
    CHECK(elapsed < 1.0);
    CHECK_FALSE(interrupt.pending());
  } else {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    comm.send(0, 9, {});
  }
  comm.finish();
}
