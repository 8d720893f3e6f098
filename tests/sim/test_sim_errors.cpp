// Failures inside a simulation: a deadlock and an actor's exception both surface as exceptions, never as a hang.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sgdsim/error.hpp"
#include "sgdsim/sim/actors.hpp"
#include "sim_test_util.hpp"

using namespace sgdsim;

TEST_CASE("two actors that both receive first deadlock, and run_actors throws SimulationError") {
  std::string message;
  int reached = 0;
  try {
    sim::run_actors(test::generated_network(Topology::STAR, 1e8, 1e-4), 3, [&](sim::RankContext& context) {
      auto comm = context.make_comm(0);
      std::vector<double> in(2);
      if (context.rank() == 2) return;  // finishes normally
      ++reached;
      comm->recv(1 - context.rank(), 0, in);
      comm->send(1 - context.rank(), 0, in);
    });
  } catch (const SimulationError& e) {
    message = e.what();
  }
  CHECK(reached == 2);
  CHECK(message == "simulation deadlocked: 2 of 3 actors did not finish");
}

TEST_CASE("an exception thrown in one actor is rethrown by run_actors after the simulation stops") {
  bool caught = false;
  std::string message;
  try {
    sim::run_actors(test::generated_network(Topology::CLUSTER, 1e8, 1e-4), 2, [&](sim::RankContext& context) {
      auto comm = context.make_comm(0);
      std::vector<double> in(1);
      if (context.rank() == 0) {
        Request pending = comm->recv_async(1, 4, in);  // withdrawn while the exception unwinds
        SGDSIM_THROW(DataError, "bad row 7");
      }
      comm->recv(0, 5, in);  // waits for a message that never comes
    });
  } catch (const DataError& e) {
    caught = true;
    message = e.what();
  }
  CHECK(caught);
  CHECK(message == "bad row 7");
}

TEST_CASE("a message whose size differs from the receive buffer is a SimulationError naming both ranks and the tag") {
  std::string message;
  try {
    sim::run_actors(test::generated_network(Topology::IDEAL, 1e8, 1e-4), 2, [&](sim::RankContext& context) {
      auto comm = context.make_comm(0);
      if (context.rank() == 0) {
        comm->send(1, 11, std::vector<double>(3, 1.0));
      } else {
        std::vector<double> in(2);
        comm->recv(0, 11, in);
      }
    });
  } catch (const SimulationError& e) {
    message = e.what();
  }
  CHECK(message == "SimComm: rank 1 received 3 values from rank 0 with tag 11 into a buffer of 2");
}

TEST_CASE("an actor killed while it posts a receive (the mailbox not yet made) unwinds without a crash") {
  // Rank 0 posts a receive, whose first mailbox is a simcall: rank 1 throws meanwhile and the runner kills rank 0
  // inside that simcall, before the receive has a comm to withdraw (a segmentation fault before).
  std::string message;
  try {
    sim::run_actors(test::generated_network(Topology::STAR, 1e8, 1e-4), 2, [&](sim::RankContext& context) {
      auto comm = context.make_comm(0);
      std::vector<double> in(1);
      if (context.rank() == 1) SGDSIM_THROW(DataError, "rank 1 failed");
      comm->recv(1, 3, in);
    });
  } catch (const DataError& e) {
    message = e.what();
  }
  CHECK(message == "rank 1 failed");
}
