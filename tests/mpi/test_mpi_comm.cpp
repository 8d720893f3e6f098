// MpiComm under mpirun -np 4: tag matching, wait_any, cancel, drain of late sends, collectives and byte counts,
// neighbour mixing and monitoring gathers.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <vector>

#include "sgdsim/error.hpp"
#include "sgdsim/exec/mpi_comm.hpp"

using sgdsim::Request;
using sgdsim::exec::MpiComm;

TEST_CASE("a message sent with tag t is received by the recv of tag t, not by an earlier-posted recv of tag t+1") {
  MpiComm comm;
  REQUIRE(comm.size() == 4);
  if (comm.rank() == 0) {
    comm.send(1, 11, std::array{11.0});  // the next iteration's message goes first
    comm.send(1, 10, std::array{10.0});
  } else if (comm.rank() == 1) {
    std::array<double, 1> later{-1};
    std::array<double, 1> now{-1};
    Request r11 = comm.recv_async(0, 11, later);
    comm.recv(0, 10, now);
    CHECK(now[0] == 10.0);
    comm.wait(r11);
    CHECK(later[0] == 11.0);
    CHECK_FALSE(r11.pending());
  }
  comm.finish();
  CHECK(comm.drained_messages() == 0);
}

TEST_CASE("wait_any returns the index of the request that completed and leaves the others pending") {
  MpiComm comm;
  if (comm.rank() == 0) {
    std::array<std::array<double, 1>, 3> in{};
    std::array<Request, 3> requests;
    for (int w = 1; w <= 3; ++w) requests[w - 1] = comm.recv_async(w, 1, in[w - 1]);
    const std::size_t first = comm.wait_any(requests);  // only rank 2 sends before being released
    CHECK(first == 1);
    CHECK(in[1][0] == 20.0);
    CHECK_FALSE(requests[1].pending());
    CHECK(requests[0].pending());
    CHECK(requests[2].pending());
    CHECK_FALSE(comm.test(requests[1]));  // an empty request has nothing to complete
    comm.send(1, 2, {});
    comm.send(3, 2, {});
    const std::size_t second = comm.wait_any(requests);
    const std::size_t third = comm.wait_any(requests);
    CHECK(second + third == 2);  // {0, 2} in either order
    CHECK(in[0][0] == 10.0);
    CHECK(in[2][0] == 30.0);
  } else {
    if (comm.rank() != 2) comm.recv(0, 2, {});
    comm.send(0, 1, std::array{10.0 * comm.rank()});
  }
  comm.finish();
}

TEST_CASE("a cancelled recv never takes the message later sent with its tag, a new recv does") {
  MpiComm comm;
  if (comm.rank() == 0) {
    std::array<double, 1> cancelled{-1};
    Request r = comm.recv_async(1, 7, cancelled);
    comm.cancel(r);
    CHECK_FALSE(r.pending());
    comm.send(1, 8, {});  // tells rank 1 the cancel happened
    std::array<double, 1> fresh{-1};
    comm.recv(1, 7, fresh);
    CHECK(fresh[0] == 42.0);
    CHECK(cancelled[0] == -1.0);
  } else if (comm.rank() == 1) {
    comm.recv(0, 8, {});
    comm.send(0, 7, std::array{42.0});
  }
  comm.finish();
  CHECK(comm.drained_messages() == 0);
}

TEST_CASE("a late result whose send was cancelled is drained by finish and never reaches the next MpiComm") {
  const std::vector<double> big(1 << 20, 1.0);  // 8 MB: rendezvous protocol, the send cannot complete by itself
  {
    MpiComm comm;
    if (comm.rank() == 1) {
      Request r = comm.send_async(0, 3, big);
      comm.cancel(r);  // the PS no longer wants it
      CHECK_FALSE(r.pending());
      CHECK(comm.detached_sends() == 1);
    }
    comm.barrier(0);
    comm.finish();
    CHECK(comm.detached_sends() == 0);
    CHECK(comm.drained_messages() == (comm.rank() == 0 ? 1 : 0));
  }
  MpiComm next;
  if (next.rank() == 1) next.send(0, 3, std::array{99.0});
  if (next.rank() == 0) {
    std::array<double, 1> got{-1};
    next.recv(1, 3, got);  // the 8 MB message would not fit (MPI_ERR_TRUNCATE) if it leaked into this comm
    CHECK(got[0] == 99.0);
  }
  next.finish();
}

TEST_CASE("waiting for a send_async does not wait for the receiver, the message still arrives when it receives") {
  const std::vector<double> big(1 << 20, 2.0);  // 8 MB: rendezvous, MPI cannot complete it before rank 0 receives
  MpiComm comm;
  if (comm.rank() == 1) {
    Request r = comm.send_async(0, 6, big);
    comm.wait(r);  // would block until rank 0 receives, i.e. forever: rank 0 only receives after the barrier
    CHECK_FALSE(r.pending());
  }
  comm.barrier(0);
  if (comm.rank() == 0) {
    std::vector<double> got(big.size());
    comm.recv(1, 6, got);
    CHECK(got == big);
  }
  comm.finish();
  CHECK(comm.detached_sends() == 0);
  CHECK(comm.drained_messages() == 0);
}

TEST_CASE("a pending recv dropped without wait is withdrawn and finish drains the message it would have taken") {
  MpiComm comm;
  std::array<double, 1> buffer{-1};
  if (comm.rank() == 0) {
    Request dropped = comm.recv_async(1, 4, buffer);
    dropped = Request();  // destroyed while pending
  }
  comm.barrier(0);
  if (comm.rank() == 1) comm.send(0, 4, std::array{5.0});
  comm.finish();
  CHECK(buffer[0] == -1.0);
  CHECK(comm.drained_messages() == (comm.rank() == 0 ? 1 : 0));
}

TEST_CASE("allreduce_mean gives the exact mean on every rank and counts the default schedule's bytes") {
  MpiComm comm;
  std::vector<double> data(10);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = (comm.rank() + 1.0) * (i + 1.0);
  comm.allreduce_mean(data, 0);
  for (std::size_t i = 0; i < data.size(); ++i) CHECK(data[i] == 2.5 * (i + 1.0));
  // n = 4, m = 10 doubles (under SMALL_ALLREDUCE_BYTES): recursive doubling, log2 4 = 2 exchanges of the whole
  // vector: 20 doubles in 2 messages per rank.
  CHECK(comm.bytes_sent() == 20 * sizeof(double));
  CHECK(comm.messages_sent() == 2);
  // m = 600 doubles (4800 bytes): the ring, chunks of 150; every rank sends 3 chunks in each half: 900 doubles in 6.
  std::vector<double> large(600, comm.rank() + 1.0);
  comm.allreduce_mean(large, 0);
  CHECK(large[599] == 2.5);
  CHECK(comm.bytes_sent() == (20 + 900) * sizeof(double));
  CHECK(comm.messages_sent() == 8);
  comm.finish();
}

TEST_CASE("broadcast copies the root's buffer to every rank and only the root counts bytes") {
  MpiComm comm;
  std::array<double, 3> data{0, 0, 0};
  if (comm.rank() == 2) data = {1.5, -2.0, 3.25};
  comm.broadcast(2, data, 0);
  CHECK(data == std::array{1.5, -2.0, 3.25});
  CHECK(comm.bytes_sent() == (comm.rank() == 2 ? 3 * 3 * sizeof(double) : 0));
  comm.barrier(0);
  comm.finish();
}

TEST_CASE("neighbor_mix on a ring of 4 sums its neighbours' vectors with their weights and counts the messages") {
  MpiComm comm;
  const int r = comm.rank();
  const int left = (r + 3) % 4;
  const int right = (r + 1) % 4;
  std::vector<sgdsim::Comm::NeighborWeight> row{{r, 0.5}, {left, 0.25}, {right, 0.25}};
  std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.rank < b.rank; });
  std::vector<double> x(3, r + 1.0);
  comm.neighbor_mix(row, x, 5);
  for (double v : x) CHECK(v == 0.5 * (r + 1.0) + 0.25 * (left + 1.0) + 0.25 * (right + 1.0));
  CHECK(comm.bytes_sent() == 2 * 3 * sizeof(double));
  comm.finish();
}

TEST_CASE("monitoring gathers reach rank 0 in rank order, are not counted, and can be collected late or at finish") {
  MpiComm comm;
  for (int key = 1; key <= 3; ++key) {
    const std::array<double, 2> values{10.0 * comm.rank() + key, -1.0};
    comm.monitor_contribute(key, values);
  }
  CHECK(comm.bytes_sent() == 0);
  if (comm.rank() == 0) {
    std::vector<double> all;
    CHECK(comm.monitor_collect(2, all, true));
    CHECK(all == std::vector<double>{2, -1, 12, -1, 22, -1, 32, -1});
    CHECK(comm.monitor_collect(1, all, true));
    CHECK(all[6] == 31.0);
    CHECK_THROWS_AS(comm.monitor_collect(2, all, true), sgdsim::MpiError);  // collected already
  }
  comm.finish();  // key 3, never collected, completes here on every rank
}

TEST_CASE("tags outside [0, MPI_TAG_UB] and unknown ranks are MpiErrors, not MPI aborts") {
  MpiComm comm;
  std::array<double, 1> x{0};
  CHECK_THROWS_AS(comm.send((comm.rank() + 1) % 4, -1, x), sgdsim::MpiError);
  CHECK_THROWS_AS(comm.recv_async(4, 0, x), sgdsim::MpiError);
  CHECK_THROWS_WITH_AS(comm.send_async(0, -7, x), doctest::Contains("MPI_TAG_UB"), sgdsim::MpiError);
  comm.finish();
}
