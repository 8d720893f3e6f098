// SimGrid implementations of Comm, Clock and Compute, and the per-simulation state their rank actors share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <simgrid/s4u/Barrier.hpp>
#include <simgrid/s4u/ConditionVariable.hpp>
#include <simgrid/s4u/Mutex.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Mailbox.hpp>
#include <unordered_map>
#include <vector>

#include "monitor_board.hpp"
#include "sgdsim/core/comm/comm.hpp"
#include "sgdsim/core/comm/compute.hpp"

namespace sgdsim::sim {

// Messages match on (epoch, source, destination, tag) exactly: each such key has its own SimGrid mailbox, so a stale
// message of iteration t can never be taken by a receive of iteration t+1.
struct MailboxKey {
  int epoch = 0;
  int src = 0;
  int dst = 0;
  int tag = 0;
  bool operator==(const MailboxKey&) const = default;
};
struct MailboxKeyHash {
  std::size_t operator()(const MailboxKey& k) const noexcept;
};

// SimGrid never frees a mailbox, and a run of thousands of iterations on a thousand ranks would touch millions of
// keys. So mailboxes are recycled: a key holds one while some operation posted on it is outstanding (counted per
// posted send/receive, released when the rank that posted it sees it finish, cancels it or drops it). When the count
// drops to zero every operation of the key has been matched or withdrawn, so its mailbox is empty and goes back to a
// free list. Memory is bounded by the number of operations outstanding at once, and matching stays exact.
// Not thread-safe: SimGrid runs one actor at a time (the default, sequential contexts).
class MailboxTable {
 public:
  simgrid::s4u::Mailbox* acquire(const MailboxKey& key);
  void release(const MailboxKey& key) noexcept;
  std::size_t created() const { return created_; }
  // The keys of `epoch` addressed to `dst` that some posted operation still holds.
  std::vector<MailboxKey> held_to(int epoch, int dst) const;
  int users(const MailboxKey& key) const;
  std::size_t in_use() const { return slots_.size(); }

 private:
  struct Slot {
    simgrid::s4u::Mailbox* mailbox = nullptr;
    int users = 0;
  };
  std::unordered_map<MailboxKey, Slot, MailboxKeyHash> slots_;
  std::vector<simgrid::s4u::Mailbox*> free_;
  std::size_t created_ = 0;
};

// What the rank actors of one simulation share.
class SimWorld {
 public:
  std::vector<simgrid::s4u::Host*> hosts;  // rank -> host
  MailboxTable mailboxes;
  MonitorBoard monitor;  // monitoring gathers in progress
  simgrid::s4u::BarrierPtr barrier;  // all rank actors (RankContext::sync)
  std::vector<int> left_in;          // rank -> the epoch in which it left (Comm::leave), −1: none
  // Per rank: its sends still unmatched when it left (a failure notice posted before the aggregator listens). They
  // stay posted, to be matched if their receiver posts, until the rank's actor ends (run_actors withdraws them once
  // every actor is done, so that a late receiver still finds them).
  std::vector<std::vector<Request>> orphans;
  // Comm::monitor_fence: per epoch, the ranks that reached it; rank 0 waits on `fenced` until they and those that
  // left make up every rank.
  std::map<int, int> at_fence;
  simgrid::s4u::MutexPtr fence_mutex = simgrid::s4u::Mutex::create();
  simgrid::s4u::ConditionVariablePtr fenced = simgrid::s4u::ConditionVariable::create();
  int left(int epoch) const;
  std::exception_ptr error;          // the first exception an actor threw
  int finished = 0;                  // rank actors that returned (normally or by an exception)
  int holding = 0;                   // rank actors done but waiting to withdraw their orphans
};

// Comm over SimGrid mailboxes. Payloads are not copied at send time: the receiver copies straight from the sender's
// buffer when it sees the transfer done; only if the sender sees completion first (and may then reuse its buffer) is
// the payload copied once into the message. Modelled size on the wire: data.size() × sizeof(double).
class SimComm final : public Comm {
 public:
  SimComm(SimWorld& world, int rank, int epoch);

  int rank() const override { return rank_; }
  int size() const override { return static_cast<int>(world_.hosts.size()); }

  void send(int dst, int tag, std::span<const double> data) override;
  void recv(int src, int tag, std::span<double> data) override;
  Request send_async(int dst, int tag, std::span<const double> data) override;
  Request recv_async(int src, int tag, std::span<double> data) override;
  void wait(Request& request) override;
  std::size_t wait_any(std::span<Request> requests) override;
  bool test(Request& request) override;
  void cancel(Request& request) override;
  // The rank's actor is about to end (a failed worker): see Comm::leave.
  bool leave(std::span<Request> outgoing) override;
  bool deliver(int dst, int tag, std::span<const double> data, int as) override;

  // Monitoring gathers through the simulation's shared memory: a plain copy, in zero simulated time.
  void monitor_contribute(std::int64_t key, std::span<const double> values) override;
  bool monitor_collect(std::int64_t key, std::vector<double>& all, bool wait) override;
  void monitor_fence(int tag) override;

  // Waits at most `timeout` simulated seconds for `request`; true (and the request emptied) if it completed.
  // A timeout ≤ 0 only tests.
  bool wait_for(Request& request, double timeout);

 private:
  void check_peer(int peer, const char* what) const;
  bool has_left(int rank) const { return world_.left_in[static_cast<std::size_t>(rank)] == epoch_; }
  // send_async under rank `as`'s key (this rank's, or that of a rank that left whose relay it takes over).
  Request send_as(int as, int dst, int tag, std::span<const double> data);
  // wait() for a pending request; false if it was a send dropped by its receiver (which withdrew or left).
  bool wait_delivered(Request& request);

  SimWorld& world_;
  int rank_;
  int epoch_;
};

// Simulated seconds since the clock was made.
class SimClock final : public Clock {
 public:
  SimClock();
  double now() const override;

 private:
  double start_;
};

// Compute whose time is modelled: spend() waits the drawn task time in simulated time, or less if interrupted.
class SimCompute final : public ModelledCompute {
 public:
  SimCompute(const Scenario& scenario, const Problem& problem, int repetition, int worker, SimComm& comm,
             double host_speed);
  // Waits draw_task(load).total() seconds from now (`started` is the caller's record of the start; the simulation's
  // now is the start). `interrupt` must be a pending request of `comm`; if it completes first, returns false at that
  // moment with the request emptied. A task of zero time completes at once unless `interrupt` already completed.
  // A host slower than the reference speed (platform.hpp) computes proportionally longer: the task's compute part
  // ℓ·(s + X)·slowdown is scaled by REFERENCE_HOST_SPEED / host speed; the additive delay is not.
  bool spend(double load, std::int64_t iteration, double started, Request* interrupt) override;
  double last_modelled() const override;

 private:
  double scaled(const TaskTime& t) const { return (t.base + t.straggle) * speed_factor_ + t.delay; }

  SimComm& comm_;
  double speed_factor_;
};

}  // namespace sgdsim::sim
