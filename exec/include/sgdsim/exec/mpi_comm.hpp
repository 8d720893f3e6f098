// MpiComm: the Comm interface over an MPI communicator (point-to-point with iteration tags, collectives, drain).
#pragma once

#include <mpi.h>

#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <span>
#include <unordered_set>
#include <vector>

#include "sgdsim/core/comm/comm.hpp"

namespace sgdsim::exec {

// One per rank per repetition. The constructor duplicates `parent` (collective), so messages of one MpiComm never
// match receives of another: a late result of repetition r cannot be taken for one of repetition r+1, whatever the
// tags. Only the thread that made it may call it (MPI_THREAD_FUNNELED).
//
// Waiting never busy-spins for long: every blocking call (send, recv, wait, wait_any and the collectives, which use
// the non-blocking MPI_I* forms) tests for ~20 µs, then yields the core between tests up to 0.5 ms, then sleeps in
// 50 µs slices between tests, so that ranks oversubscribing a few cores leave them to the ranks that compute. Every
// wait is also an interrupt checkpoint: a SIGINT or SIGTERM makes it throw Interrupted.
//
// Late messages. A recv the algorithm cancels is MPI_Cancel'ed and completed at once (if its message had already
// matched, the message is discarded). A send the algorithm cancels cannot be withdrawn reliably in MPI, so it is
// "detached": it stays in a list of this object, is completed lazily by later calls, and its payload stays alive
// because send_async always sends from a private copy. Whatever is still in flight at the end is settled by
// finish(), a collective drain: every rank tells every other how many messages it sent it (MPI_Alltoall); each rank
// then receives and discards the messages sent to it that no recv took, while completing its own detached sends.
// The counts make the drain exact: it ends when nothing is in flight, and cannot wait for a message never sent.
//
// Waiting for a send_async returns at once and detaches the send if MPI has not completed it: the payload is a private
// copy, so the caller's buffer is free anyway, and MPI completes the send in the background (later calls, finish()).
// A receiver that stops taking messages (a stopped or hung worker) thus never blocks the sender, which a wait for MPI
// completion would as soon as the shared-memory queue to that peer fills or a message is large (rendezvous). The cost:
// each message to such a peer keeps its copy until the peer takes it or the run ends.
//
// Bytes: point-to-point messages count their payload. Collectives run as MPI_Allreduce / MPI_Bcast / MPI_Barrier but
// count what the default point-to-point schedules of Comm send (ring all-reduce: 2(n−1) chunks of ~m/n per rank;
// broadcast: the root sends m to each other rank; barrier: empty messages), i.e. exactly what the simulation sends
// for the same call, so the bytes column of a real and a simulated trace agree.
class MpiComm final : public Comm {
 public:
  explicit MpiComm(MPI_Comm parent = MPI_COMM_WORLD);
  // Local only; never blocks or throws. Without finish(), requests still pending are cancelled (recv) or released
  // (send) and the communicator is left allocated: this is the error path, where the application aborts.
  ~MpiComm() override;
  MpiComm(const MpiComm&) = delete;
  MpiComm& operator=(const MpiComm&) = delete;

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void send(int dst, int tag, std::span<const double> data) override;
  void recv(int src, int tag, std::span<double> data) override;
  // Copies `data` (one memcpy), so the caller's buffer is free again as soon as this returns.
  Request send_async(int dst, int tag, std::span<const double> data) override;
  Request recv_async(int src, int tag, std::span<double> data) override;

  void wait(Request& request) override;
  std::size_t wait_any(std::span<Request> requests) override;
  // wait_any for at most `seconds`: the index of the completed request, or nothing if none completed in time.
  std::optional<std::size_t> wait_any_for(std::span<Request> requests, double seconds);
  // False for an empty request (nothing completed now).
  bool test(Request& request) override;
  void cancel(Request& request) override;

  void allreduce_mean(std::span<double> data, int tag) override;
  void broadcast(int root, std::span<double> data, int tag) override;
  void barrier(int tag) override;

  // Monitoring gathers: MPI_Igather to rank 0 on a communicator of their own (so they never match the run's
  // messages), from a private copy of the values; not counted in bytes_sent(). Completed as later calls poll, and at
  // the latest by monitor_collect(wait) on rank 0 and finish() everywhere.
  void monitor_contribute(std::int64_t key, std::span<const double> values) override;
  bool monitor_collect(std::int64_t key, std::vector<double>& all, bool wait) override;

  // Collective end of use (see above): cancels what is still pending, drains late messages, completes detached
  // sends, frees the communicator. Every rank calls it after its part of the run. Throws MpiError if the drain has
  // not finished after `timeout` seconds (a peer that did not call finish) instead of hanging.
  void finish(double timeout = 60.0);

  std::size_t detached_sends() const { return detached_.size(); }  // cancelled sends not yet complete
  std::int64_t drained_messages() const { return drained_; }       // late messages discarded by finish()
  MPI_Comm handle() const { return comm_; }

 private:
  struct Pending;
  friend struct Pending;
  struct Detached {
    MPI_Request request = MPI_REQUEST_NULL;
    std::vector<double> payload;  // what the MPI send reads until it completes
  };
  struct Monitor {
    std::int64_t key = 0;
    MPI_Request request = MPI_REQUEST_NULL;
    std::vector<double> sent;      // this rank's values, read by MPI until the gather completes
    std::vector<double> gathered;  // rank 0: every rank's values
  };

  Pending& pending_of(const Request& request) const;
  Request post_send(int dst, int tag, std::span<const double> data, bool copy);
  void check_peer_tag(int peer, int tag) const;
  static int count_of(std::size_t elements);
  // Marks a completed operation (its MPI_Request already MPI_REQUEST_NULL): recv accounting.
  void completed(Pending& pending, const MPI_Status& status);
  // Cancels a pending recv (discarding a message that already matched) or detaches a pending send. Never throws.
  void abandon(Pending& pending) noexcept;
  void progress_detached();
  // Polls `done` (which tests MPI requests) with the spin-then-sleep back-off until it returns true (then returns
  // true) or `seconds` have passed (then false). An interrupt (SIGINT, SIGTERM) throws Interrupted from here.
  template <class Done>
  bool poll(Done&& done, double seconds = std::numeric_limits<double>::infinity());
  void wait_request(MPI_Request& request, MPI_Status& status);

  MPI_Comm comm_ = MPI_COMM_NULL;
  MPI_Comm monitor_comm_ = MPI_COMM_NULL;  // monitoring gathers only
  std::deque<Monitor> monitors_;           // gathers not yet collected (rank 0) or not yet complete (others)
  int rank_ = 0;
  int size_ = 1;
  int tag_ub_ = 32767;
  bool finished_ = false;
  std::unordered_set<Pending*> live_;  // requests handed out and still pending
  std::vector<Detached> detached_;
  std::vector<std::int64_t> sent_to_;        // messages this rank sent to each rank (posted sends)
  std::vector<std::int64_t> received_from_;  // messages received from each rank (completed or discarded recvs)
  std::int64_t drained_ = 0;
  std::vector<MPI_Request> handles_;  // wait_any scratch
  std::vector<std::size_t> slots_;    // wait_any scratch: index in the caller's span
};

}  // namespace sgdsim::exec
