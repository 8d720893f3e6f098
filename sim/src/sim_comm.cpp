// SimComm: point-to-point messages over recycled SimGrid mailboxes, request bookkeeping, ring all-reduce.
#include "sim_comm.hpp"

#include <algorithm>
#include <functional>
#include <simgrid/Exception.hpp>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <string>

#include "platform.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim::sim {

namespace s4u = simgrid::s4u;

std::size_t MailboxKeyHash::operator()(const MailboxKey& k) const noexcept {
  // Ranks and epochs are small, tags grow with the iteration: mix all four into 64 bits.
  std::uint64_t h = static_cast<std::uint32_t>(k.tag);
  h = h * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint32_t>(k.src);
  h = h * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint32_t>(k.dst);
  h = h * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint32_t>(k.epoch);
  return static_cast<std::size_t>(h ^ (h >> 29));
}

s4u::Mailbox* MailboxTable::acquire(const MailboxKey& key) {
  auto it = slots_.find(key);
  if (it == slots_.end()) {
    s4u::Mailbox* mailbox = nullptr;
    if (free_.empty()) {
      // Mailbox::by_name is a simcall: other actors run meanwhile and may create this key (or any other) first.
      mailbox = s4u::Mailbox::by_name("mb-" + std::to_string(created_++));
    } else {
      mailbox = free_.back();
      free_.pop_back();
    }
    it = slots_.find(key);
    if (it == slots_.end()) {
      it = slots_.emplace(key, Slot{mailbox, 0}).first;
    } else {
      free_.push_back(mailbox);
    }
  }
  ++it->second.users;
  return it->second.mailbox;
}

void MailboxTable::release(const MailboxKey& key) noexcept {
  auto it = slots_.find(key);
  if (it == slots_.end()) return;
  if (--it->second.users == 0) {
    free_.push_back(it->second.mailbox);
    slots_.erase(it);
  }
}

std::vector<MailboxKey> MailboxTable::held_to(int epoch, int dst) const {
  std::vector<MailboxKey> keys;
  for (const auto& [key, slot] : slots_)
    if (key.epoch == epoch && key.dst == dst) keys.push_back(key);
  return keys;
}

int MailboxTable::users(const MailboxKey& key) const {
  auto it = slots_.find(key);
  return it == slots_.end() ? 0 : it->second.users;
}

namespace {

// The payload handed from sender to receiver. It points at the sender's buffer until the sender sees the transfer
// finish; if the receiver has not read it by then, the sender copies the data into `owned` before it may reuse its
// buffer. Whoever of the two is last to let go deletes it; if the transfer never completes, the sender deletes it.
struct Message {
  int tag = 0;
  std::span<const double> view;
  std::vector<double> owned;
  bool sender_released = false;
  bool receiver_released = false;
  bool delivered = false;  // set by SimGrid's data copy, which only happens for a transfer that completed
};

// SimGrid hands the message pointer to the receiver only when a transfer completes; a transfer withdrawn in flight
// can look "finished" to a test() at the other end. Marking the message at the copy tells the two apart.
void copy_message(simgrid::kernel::activity::CommImpl* comm, void* payload, std::size_t size) {
  static_cast<Message*>(payload)->delivered = true;
  s4u::Comm::copy_pointer_callback(comm, payload, size);
}

enum class Status { PENDING, DONE, CANCELED };

constexpr std::size_t YIELD_BEFORE_COPY = 1024;  // doubles

// Runs a blocking or testing SimGrid call. When the peer withdraws a transfer in flight (cancels it), SimGrid throws
// CancelException or NetworkFailureException at this end: the operation is then over, with `status` CANCELED.
template <class F>
void guarded(F&& call, Status& status) {
  try {
    call();
  } catch (const simgrid::CancelException&) {
    status = Status::CANCELED;
  } catch (const simgrid::NetworkFailureException&) {
    status = Status::CANCELED;
  }
}

class SimRequest final : public Request::Impl {
 public:
  SimRequest(MailboxTable& table, const MailboxKey& key, bool is_send) : table_(&table), key_(key), is_send_(is_send) {}
  SimRequest(const SimRequest&) = delete;
  SimRequest& operator=(const SimRequest&) = delete;
  ~SimRequest() override;

  bool is_send() const { return is_send_; }
  const MailboxKey& key() const { return key_; }

  void post_send(std::span<const double> data) {
    mailbox_ = table_->acquire(key_);
    outgoing_ = new Message{key_.tag, data, {}, false, false, false};
    comm_ = mailbox_->put_init(outgoing_, data.size() * sizeof(double))->set_copy_data_callback(copy_message);
    comm_->start();
  }
  void post_recv(std::span<double> data) {
    mailbox_ = table_->acquire(key_);
    destination_ = data;
    repost_recv();
  }
  // A receive whose matched send was withdrawn by the sender waits for the next message of its key.
  void repost_recv() {
    incoming_ = nullptr;
    comm_ = mailbox_->get_init()
                ->set_dst_data(reinterpret_cast<void**>(&incoming_), sizeof(void*))
                ->set_copy_data_callback(copy_message);
    comm_->start();
  }

  const s4u::CommPtr& comm() const { return comm_; }
  // A send not matched to a receive yet: it still waits in its mailbox. (A mailbox is never empty while a send of its
  // key waits unmatched; callers ask this of keys that hold one operation, such as a failure notice's.)
  bool unmatched() const { return mailbox_ != nullptr && !mailbox_->empty(); }

  // Asks SimGrid (without blocking) whether the transfer finished, was withdrawn, or is still going. A comm that
  // already failed must not be tested again (SimGrid asserts on it).
  Status probe() {
    switch (comm_->get_state()) {
      case s4u::Activity::State::FINISHED:
        return delivered() ? Status::DONE : Status::CANCELED;
      case s4u::Activity::State::FAILED:
      case s4u::Activity::State::CANCELED:
        return Status::CANCELED;
      default:
        break;
    }
    Status status = Status::PENDING;
    guarded([&] { status = comm_->test() ? Status::DONE : Status::PENDING; }, status);
    if (status != Status::PENDING) unlist();
    // DONE means delivered: a transfer withdrawn by the peer in flight also ends a test() with true.
    if (status == Status::DONE && !delivered()) status = Status::CANCELED;
    return status;
  }
  // SimGrid 3.32 keeps a comm on its actor's activity list (a std::list scanned on every later completion) until a
  // wait simcall on it ends: a comm found over by test() or withdrawn by cancel() stays listed, and a run's cost
  // grew quadratically with its length. A zero-timeout wait_any on a comm that is already over is answered at once,
  // in the same simulated instant, and unlists it. (test() itself runs in kernel mode without yielding, so it stays
  // the cheap check for comms that are still going.)
  void unlist() {
    std::vector<s4u::CommPtr> over{comm_};
    Status ignored = Status::DONE;
    guarded([&] { s4u::Comm::wait_any_for(over, 0); }, ignored);
  }
  bool delivered() const { return is_send_ ? outgoing_ != nullptr && outgoing_->delivered : incoming_ != nullptr; }

  // The operation is over for this rank: a receive copies the payload out; a withdrawn send just lets go.
  void finish(Status status);
  // Withdraws the operation if it is still pending; a payload that already arrived is discarded.
  void withdraw() noexcept;

 private:
  void release_message() noexcept;

  MailboxTable* table_;
  MailboxKey key_;
  bool is_send_;
  bool released_ = false;
  s4u::Mailbox* mailbox_ = nullptr;
  s4u::CommPtr comm_;
  Message* outgoing_ = nullptr;  // send: owned until the transfer completes
  Message* incoming_ = nullptr;  // receive: written by SimGrid when the transfer completes
  std::span<double> destination_;
};

void SimRequest::finish(Status status) {
  if (is_send_) {
    if (status == Status::DONE && outgoing_ != nullptr && outgoing_->delivered) {
      // The receiver woke at the same simulated instant; let it run first (zero simulated time) so that it usually
      // copies straight from our buffer. Large payloads only: a yield costs more than copying a few doubles.
      if (!outgoing_->receiver_released && outgoing_->view.size() >= YIELD_BEFORE_COPY) s4u::this_actor::yield();
      if (outgoing_->receiver_released) {
        delete outgoing_;
      } else {
        // The receiver has not copied yet and our caller may now reuse its buffer.
        outgoing_->owned.assign(outgoing_->view.begin(), outgoing_->view.end());
        outgoing_->view = outgoing_->owned;
        outgoing_->sender_released = true;
      }
    } else {
      delete outgoing_;  // never delivered
    }
    outgoing_ = nullptr;
  } else if (status == Status::DONE) {
    Message* message = incoming_;
    incoming_ = nullptr;
    if (message == nullptr) SGDSIM_THROW(SimulationError, "SimComm: a completed receive carries no message");
    const bool size_ok = message->view.size() == destination_.size();
    const bool tag_ok = message->tag == key_.tag;
    if (size_ok && tag_ok) std::copy(message->view.begin(), message->view.end(), destination_.begin());
    const std::size_t got = message->view.size();
    message->receiver_released = true;
    if (message->sender_released) delete message;
    released_ = true;
    table_->release(key_);
    if (!tag_ok) SGDSIM_THROW(SimulationError, "SimComm: message tag mismatch (internal error)");
    if (!size_ok) {
      SGDSIM_THROW(SimulationError, "SimComm: rank " + std::to_string(key_.dst) + " received " + std::to_string(got) +
                                        " values from rank " + std::to_string(key_.src) + " with tag " +
                                        std::to_string(key_.tag) + " into a buffer of " +
                                        std::to_string(destination_.size()));
    }
    return;
  }
  if (!released_) {
    released_ = true;
    table_->release(key_);
  }
}

void SimRequest::release_message() noexcept {
  if (is_send_) {
    delete outgoing_;
    outgoing_ = nullptr;
  } else if (incoming_ != nullptr) {
    incoming_->receiver_released = true;
    if (incoming_->sender_released) delete incoming_;
    incoming_ = nullptr;
  }
}

void SimRequest::withdraw() noexcept {
  if (released_) return;
  if (!comm_ || s4u::Actor::self() == nullptr) {
    // No comm: killed (the run ending on another actor's error) inside the post's simcalls, before the comm existed:
    // nothing to cancel, and the mailbox is ours to give back only if acquire() returned it. Outside any actor: an
    // orphan of Comm::leave destroyed with the simulation after an error (no simcall can run there; SimGrid drops
    // its pending transfers with the engine).
    release_message();
    released_ = true;
    if (mailbox_ != nullptr) table_->release(key_);
    return;
  }
  try {
    Status status = probe();
    if (status == Status::PENDING) {
      comm_->cancel();
      status = Status::CANCELED;
      // A cancel alone leaves the comm on this actor's activity list (see unlist()); a zero-timeout wait_any goes to
      // the kernel (unlike wait() on a comm whose s4u state already says CANCELED) and ends at once.
      unlist();
    }
    if (status == Status::DONE && is_send_) {
      finish(Status::DONE);  // already delivered: the receiver owns the payload
      return;
    }
  } catch (...) {
    // Cancelling can only fail while the actor is being killed at shutdown; nothing more to withdraw then.
  }
  release_message();
  released_ = true;
  table_->release(key_);
}

SimRequest::~SimRequest() {
  // A request dropped while pending is withdrawn, so nothing stale stays in a (recycled) mailbox.
  withdraw();
}

SimRequest& impl_of(Request& request) {
  auto* impl = dynamic_cast<SimRequest*>(request.impl());
  if (impl == nullptr) SGDSIM_THROW(SimulationError, "SimComm: request is empty or belongs to another Comm");
  return *impl;
}

}  // namespace

SimComm::SimComm(SimWorld& world, int rank, int epoch) : world_(world), rank_(rank), epoch_(epoch) {
  check_peer(rank, "own rank");
}

void SimComm::check_peer(int peer, const char* what) const {
  if (peer < 0 || peer >= size()) {
    SGDSIM_THROW(SimulationError, std::string("SimComm: ") + what + " " + std::to_string(peer) + " outside 0.." +
                                      std::to_string(size() - 1));
  }
}

Request SimComm::send_async(int dst, int tag, std::span<const double> data) { return send_as(rank_, dst, tag, data); }

Request SimComm::send_as(int as, int dst, int tag, std::span<const double> data) {
  check_peer(dst, "destination");
  // The sender does not know whether dst has left: it counts what it sends. A share taken over (as ≠ this rank) is
  // the left rank's message, already in the run's traffic plan: not counted again.
  if (as == rank_) count_sent(data.size());
  if (has_left(dst)) return {};  // dropped: over at once
  auto impl = std::make_unique<SimRequest>(world_.mailboxes, MailboxKey{epoch_, as, dst, tag}, true);
  impl->post_send(data);
  return Request(std::move(impl));
}

Request SimComm::recv_async(int src, int tag, std::span<double> data) {
  check_peer(src, "source");
  auto impl = std::make_unique<SimRequest>(world_.mailboxes, MailboxKey{epoch_, src, rank_, tag}, false);
  impl->post_recv(data);
  return Request(std::move(impl));
}

void SimComm::send(int dst, int tag, std::span<const double> data) {
  Request request = send_async(dst, tag, data);
  wait(request);
}

void SimComm::recv(int src, int tag, std::span<double> data) {
  Request request = recv_async(src, tag, data);
  wait(request);
}

void SimComm::wait(Request& request) { wait_delivered(request); }

bool SimComm::wait_delivered(Request& request) {
  if (!request.pending()) return true;
  SimRequest& impl = impl_of(request);
  for (;;) {
    Status status = Status::DONE;
    guarded([&] { impl.comm()->wait(); }, status);
    if (status == Status::DONE && !impl.delivered()) status = Status::CANCELED;
    if (status == Status::CANCELED && !impl.is_send()) {
      impl.repost_recv();  // the sender withdrew its message: keep waiting for the next one
      continue;
    }
    // A send whose receiver cancelled is over too: the message was dropped.
    impl.finish(status);
    request.reset();
    return status == Status::DONE;
  }
}

bool SimComm::deliver(int dst, int tag, std::span<const double> data, int as) {
  check_peer(as, "sender");
  if (as != rank_ && !has_left(as))
    SGDSIM_THROW(SimulationError, "SimComm: rank " + std::to_string(rank_) + " cannot send as rank " +
                                      std::to_string(as) + ", which has not left");
  Request request = send_as(as, dst, tag, data);
  if (!request.pending()) return false;  // dst had left
  return wait_delivered(request) || !has_left(dst);
}

bool SimComm::leave(std::span<Request> outgoing) {
  world_.left_in[static_cast<std::size_t>(rank_)] = epoch_;
  world_.monitor.leave(epoch_, rank_);
  world_.fenced->notify_all();  // rank 0 may be at the fence, waiting for this rank
  // Sends to this rank that wait unmatched: each is matched by a receive withdrawn at once, which drops it at its
  // sender. One such receive per operation holding a key addressed here (the caller's own receives among them: the
  // extra ones then wait behind those and are withdrawn unmatched). Later sends are dropped by send_async.
  for (const MailboxKey& key : world_.mailboxes.held_to(epoch_, rank_)) {
    for (int n = world_.mailboxes.users(key); n > 0; --n) {
      double sink = 0;
      Request drop = recv_async(key.src, key.tag, std::span<double>(&sink, 0));
      cancel(drop);
    }
  }
  for (Request& r : outgoing) {
    if (!r.pending()) continue;
    if (impl_of(r).unmatched()) {
      // Nobody listens yet (a failure at time 0, before the aggregator posted its receives) or any more (the run
      // ended): it stays posted for whoever posts its receive, held by the simulation past this rank's run.
      world_.orphans[static_cast<std::size_t>(rank_)].push_back(std::move(r));
    } else {
      wait(r);  // in flight: it lands
    }
  }
  return true;
}

bool SimComm::test(Request& request) {
  if (!request.pending()) return false;
  SimRequest& impl = impl_of(request);
  Status status = impl.probe();
  if (status == Status::PENDING) return false;
  if (status == Status::CANCELED && !impl.is_send()) {
    impl.repost_recv();
    return false;
  }
  impl.finish(status);
  request.reset();
  return true;
}

std::size_t SimComm::wait_any(std::span<Request> requests) {
  std::vector<s4u::CommPtr> comms;
  std::vector<std::size_t> index;
  comms.reserve(requests.size());
  index.reserve(requests.size());
  for (;;) {
    comms.clear();
    index.clear();
    for (std::size_t i = 0; i < requests.size(); ++i) {
      if (requests[i].pending()) {
        comms.push_back(impl_of(requests[i]).comm());
        index.push_back(i);
      }
    }
    if (comms.empty()) SGDSIM_THROW(SimulationError, "SimComm::wait_any: no pending request");
    ssize_t pos = -1;
    Status status = Status::DONE;  // CANCELED: one of them was withdrawn by its peer; found by the scan below
    guarded([&] { pos = s4u::Comm::wait_any(comms); }, status);
    if (status == Status::CANCELED) pos = -1;
    if (pos >= 0) {
      std::size_t i = index[static_cast<std::size_t>(pos)];
      if (test(requests[i])) return i;
    }
    for (std::size_t i : index) {
      if (requests[i].pending() && test(requests[i])) return i;
    }
  }
}

bool SimComm::wait_for(Request& request, double timeout) {
  if (timeout <= 0) return test(request);
  SimRequest& impl = impl_of(request);
  const double deadline = s4u::Engine::get_clock() + timeout;
  double remaining = timeout;  // exactly `timeout` on the first pass, so an uninterrupted wait lasts exactly that
  for (;;) {
    std::vector<s4u::CommPtr> comms{impl.comm()};
    ssize_t pos = -1;
    Status status = Status::DONE;
    guarded([&] { pos = s4u::Comm::wait_any_for(comms, remaining); }, status);
    if (pos < 0 && status != Status::CANCELED) return false;  // timed out
    if (test(request)) return true;
    remaining = deadline - s4u::Engine::get_clock();
    if (remaining <= 0) return false;
  }
}

void SimComm::cancel(Request& request) {
  if (!request.pending()) return;
  impl_of(request).withdraw();
  request.reset();
}

void SimComm::monitor_contribute(std::int64_t key, std::span<const double> values) {
  world_.monitor.contribute(epoch_, key, rank_, size(), values);
}

void SimComm::monitor_fence(int /*tag*/) {
  std::unique_lock lock(*world_.fence_mutex);
  ++world_.at_fence[epoch_];
  world_.fenced->notify_all();
  if (rank_ != 0) return;
  while (world_.at_fence[epoch_] + world_.left(epoch_) < size()) world_.fenced->wait(lock);
}

int SimWorld::left(int epoch) const { return static_cast<int>(std::count(left_in.begin(), left_in.end(), epoch)); }

bool SimComm::monitor_collect(std::int64_t key, std::vector<double>& all, bool wait) {
  return world_.monitor.collect(epoch_, key, size(), all, wait, "SimComm");
}

SimClock::SimClock() : start_(s4u::Engine::get_clock()) {}

double SimClock::now() const { return s4u::Engine::get_clock() - start_; }

SimCompute::SimCompute(const Scenario& scenario, const Problem& problem, int repetition, int worker, SimComm& comm,
                       double host_speed)
    : ModelledCompute(scenario, problem, repetition, worker),
      comm_(comm),
      speed_factor_(REFERENCE_HOST_SPEED / host_speed) {
  if (!(host_speed > 0)) SGDSIM_THROW(ConfigError, "platform: a host speed must be positive");
}

double SimCompute::last_modelled() const { return scaled(last_task()); }

bool SimCompute::spend(double load, std::int64_t /*iteration*/, double /*started*/, Request* interrupt) {
  const double duration = scaled(draw_task(load));
  if (interrupt == nullptr || !interrupt->pending()) {
    if (duration > 0) s4u::this_actor::sleep_for(duration);
    return true;
  }
  return !comm_.wait_for(*interrupt, duration);
}

}  // namespace sgdsim::sim
