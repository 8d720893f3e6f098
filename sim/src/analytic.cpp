// The analytic engine (fibers, timers, message matching over FluidNetwork), its Comm / Compute / Clock, and
// simulate_analytic(): the same algorithms and traces as the SimGrid backend, without SimGrid.
#include "analytic.hpp"

#include <algorithm>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <string>
#include <typeinfo>

#include "monitor_board.hpp"
#include "sgdsim/core/algorithms/algorithm.hpp"
#include "sgdsim/core/comm/compute.hpp"
#include "sgdsim/core/trace/row_collector.hpp"
#include "sgdsim/error.hpp"
#include "sgdsim/sim/simulate.hpp"

namespace sgdsim::sim::analytic {

namespace ctx = boost::context;

namespace {
// Each actor's stack: mapped lazily with a guard page below it, so only the pages an actor touches cost memory.
// 1 MiB leaves room for Eigen's stack temporaries (up to 128 KiB) inside the gradient kernels.
constexpr std::size_t STACK_BYTES = std::size_t{1} << 20;
const Op NO_OP;  // awaited by a sleep or the barrier: no op ends it
}  // namespace

std::size_t Engine::ChannelHash::operator()(const ChannelKey& k) const noexcept {
  std::uint64_t h = static_cast<std::uint32_t>(k.src);
  h = h * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint32_t>(k.dst);
  h = h * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint32_t>(k.epoch);
  return static_cast<std::size_t>(h ^ (h >> 29));
}

// One all-reduce in progress (Engine::allreduce_sum), Comm's recursive doubling over the largest power of two
// p ≤ n. The steps of a rank: 0, the extra ranks' hand-over (rank r ≥ p sends its vector to r − p, which adds it);
// 1..levels, the exchange with r ^ 2^(step−1) among the first p; levels + 1, the result back from r − p to r ≥ p.
struct Collective {
  Collective(int ranks, int tag_, std::size_t elements_) : tag(tag_), n(ranks), elements(elements_) {
    while (p * 2 <= n) {
      p *= 2;
      ++levels;
    }
    data.resize(static_cast<std::size_t>(n));
    at.assign(static_cast<std::size_t>(n), NOT_ARRIVED);
    done.assign(static_cast<std::size_t>(n), 0);
    moving.assign(static_cast<std::size_t>(n), 0);
    left = n;
  }
  // Whom rank r exchanges with at `step`, −1 if it has no part in that step.
  int partner(int r, int step) const {
    if (step == 0 || step == levels + 1) {
      if (r >= p) return r - p;
      return r < n - p ? r + p : -1;
    }
    return r >= p ? -1 : r ^ (1 << (step - 1));
  }
  static constexpr int NOT_ARRIVED = -1;
  static constexpr int EXCHANGING = -2;
  int tag;
  int n;
  std::size_t elements;
  int p = 1, levels = 0;
  std::vector<std::span<double>> data;  // each rank's vector (valid while the rank waits in allreduce_sum)
  std::vector<int> at;                  // the step each rank waits at for its partner, or the two markers above
  std::vector<char> done;               // the rank's last exchange has ended
  std::vector<int> moving;              // per exchange, by its lower rank: its transfers still in the network
  int left;                             // ranks that have not returned yet
};

Engine::Engine(const NetworkSpec& network, int ranks) : network_(network, ranks) {
  for (int r = 0; r < ranks; ++r) actors_.push_back(std::make_unique<Actor>());
  live_.assign(static_cast<std::size_t>(ranks), 0);
  left_in_.assign(static_cast<std::size_t>(ranks), -1);
}

Engine::~Engine() {
  // Unwind the actors that never finished (an error or a deadlock): their pending requests withdraw themselves
  // through this engine, which is still whole; nobody is woken any more.
  unwinding_ = true;
  for (auto& a : actors_) a->fiber = {};
}

int Engine::self() const {
  if (current_ < 0) SGDSIM_THROW(SimulationError, "analytic engine: called outside an actor");
  return current_;
}

void Engine::wake(int rank) {
  if (unwinding_) return;
  Actor& a = *actors_[static_cast<std::size_t>(rank)];
  if (a.finished || a.queued || rank == current_) return;
  a.queued = true;
  ready_.push_back(rank);
}

void Engine::block(const Op* awaited) {
  Actor& a = *actors_[static_cast<std::size_t>(self())];
  a.blocked = true;
  a.awaited = awaited;
  a.scheduler = std::move(a.scheduler).resume();
  a.blocked = false;
  a.awaited = nullptr;
}

void Engine::set_timer(double time) {
  Actor& a = *actors_[static_cast<std::size_t>(self())];
  a.timer_fired = false;
  timers_.push({time, seq_++, current_, ++a.timer});
}

void Engine::sleep_for(double seconds) {
  if (seconds <= 0) return;
  set_timer(now_ + seconds);
  Actor& a = *actors_[static_cast<std::size_t>(current_)];
  while (!a.timer_fired) block(&NO_OP);
}

bool Engine::wait_for(const Op& op, double timeout) {
  if (timeout <= 0) return op.over();
  set_timer(now_ + timeout);
  Actor& a = *actors_[static_cast<std::size_t>(current_)];
  for (;;) {
    if (a.timer_fired) return false;
    if (op.over()) {
      ++a.timer;  // the timer will find its token stale
      return true;
    }
    block(&op);
  }
}

void Engine::barrier() {
  self();
  const std::uint64_t generation = barrier_generation_;
  if (++barrier_waiting_ == ranks()) {
    barrier_waiting_ = 0;
    ++barrier_generation_;
    for (int r = 0; r < ranks(); ++r) wake(r);
    return;
  }
  while (barrier_generation_ == generation) block(&NO_OP);
}

void Engine::leave(int epoch, int rank) {
  left_in_[static_cast<std::size_t>(rank)] = epoch;
  for (auto& [key, channel] : channels_) {
    if (key.epoch != epoch || key.dst != rank) continue;
    while (Op* send = channel.sends.head) {
      channel.sends.remove(send);
      finish(*send, Op::State::DROPPED);
    }
  }
  if (fence_waiting_) wake(0);
}

void Engine::fence(int epoch) {
  const int rank = self();
  int& arrived = ++at_fence_[epoch];
  if (rank != 0) {
    if (fence_waiting_) wake(0);
    return;
  }
  fence_waiting_ = true;
  while (arrived + static_cast<int>(std::count(left_in_.begin(), left_in_.end(), epoch)) < ranks()) block(&NO_OP);
  fence_waiting_ = false;
}

void Channel::Fifo::push(Op* op) {
  op->queued_next = nullptr;
  if (tail == nullptr) {
    head = op;
  } else {
    tail->queued_next = op;
  }
  tail = op;
}

Op* Channel::Fifo::take(int tag) {
  for (Op* o = head; o != nullptr; o = o->queued_next) {
    if (o->key.tag != tag) continue;
    remove(o);
    return o;
  }
  return nullptr;
}

void Channel::Fifo::remove(Op* op) {
  Op* before = nullptr;
  for (Op* o = head; o != nullptr; before = o, o = o->queued_next) {
    if (o != op) continue;
    (before == nullptr ? head : before->queued_next) = o->queued_next;
    if (tail == o) tail = before;
    o->queued_next = nullptr;
    return;
  }
}

void Engine::submit(Op& op) {
  ++live_[static_cast<std::size_t>(op.owner)];
  post(op);
}

void Engine::ended(Op& op) { --live_[static_cast<std::size_t>(op.owner)]; }

Channel& Engine::channel(int epoch, int src, int dst) { return channels_[ChannelKey{epoch, src, dst}]; }

void Engine::post(Op& op) {
  Channel& q = *op.channel;
  Op* other = (op.is_send ? q.recvs : q.sends).take(op.key.tag);
  if (other == nullptr) {
    (op.is_send ? q.sends : q.recvs).push(&op);
    op.state = Op::State::POSTED;
    return;
  }
  if (op.is_send) {
    start(op, *other);
  } else {
    start(*other, op);
  }
}

void Engine::start(Op& send, Op& recv) {
  send.state = recv.state = Op::State::MOVING;
  send.peer = &recv;
  recv.peer = &send;
  // From the rank that sends it (its owner): a relay taken over from a rank that left carries that rank's key.
  const auto flow = network_.start(send.owner, send.key.dst, static_cast<double>(send.out.size() * sizeof(double)));
  send.flow = recv.flow = flow;
  if (moving_.size() <= static_cast<std::size_t>(flow)) moving_.resize(static_cast<std::size_t>(flow) + 1);
  moving_[static_cast<std::size_t>(flow)] = &send;
}

void Engine::finish(Op& op, Op::State state) {
  ended(op);
  op.state = state;
  op.peer = nullptr;
  op.flow = -1;
  Actor& a = *actors_[static_cast<std::size_t>(op.owner)];
  op.done_prev = a.done_tail;
  op.done_next = nullptr;
  (a.done_tail == nullptr ? a.done_head : a.done_tail->done_next) = &op;
  a.done_tail = &op;
  op.listed = true;
  if (a.blocked && (a.awaited == nullptr || a.awaited == &op)) wake(op.owner);
}

void Engine::deliver(FluidNetwork::FlowId flow) {
  Op* send = moving_[static_cast<std::size_t>(flow)];
  if (send == nullptr) {
    // The exchange goes on after this instant's other deliveries: it may start transfers, which could reuse the ids
    // of flows that ended with this one and are still to be delivered.
    const CollectiveFlow f = internal_[static_cast<std::size_t>(flow)];
    if (--f.collective->moving[static_cast<std::size_t>(f.a)] == 0)
      exchanges_.push({now_, seq_++, f.collective, f.a, f.b, f.step});
    return;
  }
  Op* recv = send->peer;
  // Staged until the receiver sees it: a receive withdrawn after its message arrived must leave its buffer alone.
  if (!spare_.empty() && recv->staged.capacity() == 0) {
    recv->staged.swap(spare_.back());
    spare_.pop_back();
  }
  recv->staged.assign(send->out.begin(), send->out.end());
  finish(*send, Op::State::DONE);
  finish(*recv, Op::State::DONE);
}

void Engine::dequeue(Op& op) { (op.is_send ? op.channel->sends : op.channel->recvs).remove(&op); }

void Engine::observed(Op& op) {
  if (op.listed) {
    Actor& a = *actors_[static_cast<std::size_t>(op.owner)];
    (op.done_prev == nullptr ? a.done_head : op.done_prev->done_next) = op.done_next;
    (op.done_next == nullptr ? a.done_tail : op.done_next->done_prev) = op.done_prev;
    op.done_prev = op.done_next = nullptr;
    op.listed = false;
  }
  if (op.staged.capacity() > 0) {
    op.staged.clear();
    spare_.push_back(std::move(op.staged));
    op.staged = {};
  }
}

void Engine::cancel(Op& op) {
  switch (op.state) {
    case Op::State::POSTED:
      dequeue(op);
      ended(op);
      break;
    case Op::State::MOVING: {
      ended(op);
      // Withdrawn in flight: the transfer stops. A receive whose sender withdrew waits for the next message of its
      // key; a send whose receiver withdrew is over (the message is dropped), as with SimComm.
      network_.abort(op.flow);
      Op& peer = *op.peer;
      peer.peer = nullptr;
      peer.flow = -1;
      if (peer.is_send) {
        finish(peer, Op::State::DROPPED);
      } else {
        post(peer);
      }
      break;
    }
    case Op::State::DONE:
    case Op::State::DROPPED:
      break;
  }
  observed(op);
  op.state = Op::State::DROPPED;
  op.peer = nullptr;
  op.flow = -1;
}

void Engine::allreduce_sum(int epoch, std::uint64_t index, int tag, std::span<double> data) {
  const int r = self();
  const std::uint64_t key = (static_cast<std::uint64_t>(epoch) << 40) | index;
  auto& slot = collectives_[key];
  if (!slot) slot = std::make_unique<Collective>(ranks(), tag, data.size());
  Collective& c = *slot;
  if (c.tag != tag || c.elements != data.size()) {
    SGDSIM_THROW(SimulationError, "analytic engine: all-reduce number " + std::to_string(index) + " of rank " +
                                      std::to_string(r) + " has tag " + std::to_string(tag) + " and " +
                                      std::to_string(data.size()) + " values, another rank's has tag " +
                                      std::to_string(c.tag) + " and " + std::to_string(c.elements) +
                                      " (every rank must call the same collectives in the same order)");
  }
  c.data[static_cast<std::size_t>(r)] = data;
  collective_reach(c, r, 0);
  while (!c.done[static_cast<std::size_t>(r)]) block(&NO_OP);
  if (--c.left == 0) collectives_.erase(key);
}

void Engine::collective_reach(Collective& c, int r, int step) {
  while (step <= c.levels + 1 && c.partner(r, step) < 0) ++step;
  if (step > c.levels + 1) {
    c.done[static_cast<std::size_t>(r)] = 1;
    wake(r);
    return;
  }
  c.at[static_cast<std::size_t>(r)] = step;
  const int q = c.partner(r, step);
  if (c.at[static_cast<std::size_t>(q)] == step) collective_exchange(c, std::min(r, q), std::max(r, q), step);
}

void Engine::collective_exchange(Collective& c, int a, int b, int step) {
  c.at[static_cast<std::size_t>(a)] = c.at[static_cast<std::size_t>(b)] = Collective::EXCHANGING;
  // The values now, in Comm::allreduce_mean's order: each receiver adds what it receives to its own vector (a + b on
  // one side, b + a on the other: the same bits), or takes the result as it is.
  const std::span<double> x = c.data[static_cast<std::size_t>(a)], y = c.data[static_cast<std::size_t>(b)];
  const bool both_ways = step != 0 && step != c.levels + 1;
  if (step == 0) {
    for (std::size_t i = 0; i < x.size(); ++i) x[i] += y[i];
  } else {
    if (both_ways)
      for (std::size_t i = 0; i < x.size(); ++i) x[i] += y[i];
    std::copy(x.begin(), x.end(), y.begin());
  }
  // Their time: the hand-over goes from b to a, the result from a to b, a doubling step both ways at once.
  const int src = step == 0 ? b : a;
  const int dst = step == 0 ? a : b;
  const double bytes = static_cast<double>(c.elements * sizeof(double));
  if (live_[static_cast<std::size_t>(a)] == 0 && live_[static_cast<std::size_t>(b)] == 0) {
    exchanges_.push({network_.isolated_end(now_, src, dst, bytes, both_ways), seq_++, &c, a, b, step});
    return;
  }
  auto transfer = [&](int from, int to) {
    const auto flow = static_cast<std::size_t>(network_.start(from, to, bytes));
    if (moving_.size() <= flow) moving_.resize(flow + 1);
    if (internal_.size() <= flow) internal_.resize(flow + 1);
    moving_[flow] = nullptr;
    internal_[flow] = {&c, a, b, step};
    ++c.moving[static_cast<std::size_t>(a)];
  };
  transfer(src, dst);
  if (both_ways) transfer(dst, src);
}

void Engine::collective_ended(Collective& c, int a, int b, int step) {
  collective_reach(c, a, step + 1);
  collective_reach(c, b, step + 1);
}

void Engine::run(const std::function<void(int)>& body) {
  for (int r = 0; r < ranks(); ++r) {
    Actor& a = *actors_[static_cast<std::size_t>(r)];
    a.fiber = ctx::fiber(std::allocator_arg, ctx::protected_fixedsize_stack(STACK_BYTES),
                         [this, &a, r, &body](ctx::fiber&& scheduler) {
                           a.scheduler = std::move(scheduler);
                           try {
                             body(r);
                           } catch (const ctx::detail::forced_unwind&) {
                             throw;  // the engine unwinding an unfinished actor: not ours to swallow
                           } catch (...) {
                             if (!error_) error_ = std::current_exception();
                           }
                           a.finished = true;
                           ++finished_;
                           return std::move(a.scheduler);
                         });
    wake(r);
  }
  for (;;) {
    while (!ready_.empty()) {
      const int r = ready_.front();
      ready_.pop_front();
      Actor& a = *actors_[static_cast<std::size_t>(r)];
      a.queued = false;
      current_ = r;
      a.fiber = std::move(a.fiber).resume();
      current_ = -1;
    }
    if (finished_ == ranks() || error_) break;
    while (!timers_.empty()) {
      const Timer& t = timers_.top();
      if (actors_[static_cast<std::size_t>(t.rank)]->timer == t.token) break;
      timers_.pop();  // stale: the wait it bounded ended first
    }
    const double next = std::min({timers_.empty() ? FluidNetwork::NEVER : timers_.top().time, network_.next_event(),
                                  exchanges_.empty() ? FluidNetwork::NEVER : exchanges_.top().time});
    if (next == FluidNetwork::NEVER) break;
    now_ = next;
    // Timers first, then the transfers that ended at the same instant (SimGrid's order within one time step).
    while (!timers_.empty() && timers_.top().time <= now_) {
      const Timer t = timers_.top();
      timers_.pop();
      Actor& a = *actors_[static_cast<std::size_t>(t.rank)];
      if (a.timer != t.token) continue;
      a.timer_fired = true;
      wake(t.rank);
    }
    ended_.clear();
    network_.advance(now_, ended_);
    for (auto flow : ended_) deliver(flow);
    while (!exchanges_.empty() && exchanges_.top().time <= now_) {
      const ExchangeEnd e = exchanges_.top();
      exchanges_.pop();
      collective_ended(*e.collective, e.a, e.b, e.step);
    }
  }
  orphans_.clear();
  if (error_) std::rethrow_exception(error_);
  if (finished_ != ranks()) {
    SGDSIM_THROW(SimulationError, "simulation deadlocked: " + std::to_string(ranks() - finished_) + " of " +
                                      std::to_string(ranks()) + " actors did not finish");
  }
}

namespace {

class AnalyticRequest final : public Request::Impl {
 public:
  AnalyticRequest(Engine& engine, const Op::Key& key, bool is_send, int owner) : engine_(&engine) {
    op.key = key;
    op.is_send = is_send;
    op.owner = owner;
  }
  ~AnalyticRequest() override {
    // A request dropped while pending is withdrawn, so nothing stale stays queued.
    engine_->cancel(op);
  }
  Op op;

 private:
  Engine* engine_;
};

AnalyticRequest& impl_of(const Request& request) {
  Request::Impl* base = request.impl();
  // typeid equality instead of a dynamic_cast: the class is final, and this runs for every message.
  const bool ours = base != nullptr && typeid(*base) == typeid(AnalyticRequest);
  auto* impl = ours ? static_cast<AnalyticRequest*>(base) : nullptr;
  if (impl == nullptr) SGDSIM_THROW(SimulationError, "analytic Comm: request is empty or belongs to another Comm");
  return *impl;
}

class AnalyticComm final : public Comm {
 public:
  AnalyticComm(Engine& engine, MonitorBoard& monitor, int rank, int epoch)
      : engine_(engine), monitor_(monitor), rank_(rank), epoch_(epoch) {}
  int rank() const override { return rank_; }
  int size() const override { return engine_.ranks(); }

  void send(int dst, int tag, std::span<const double> data) override {
    Request r = send_async(dst, tag, data);
    wait(r);
  }
  void recv(int src, int tag, std::span<double> data) override {
    Request r = recv_async(src, tag, data);
    wait(r);
  }
  Request send_async(int dst, int tag, std::span<const double> data) override { return send_as(rank_, dst, tag, data); }
  Request recv_async(int src, int tag, std::span<double> data) override {
    check_peer(src, "source");
    auto impl = std::make_unique<AnalyticRequest>(engine_, Op::Key{epoch_, src, rank_, tag}, false, rank_);
    impl->op.in = data;
    impl->op.channel = peer_channel(in_, src, rank_);
    engine_.submit(impl->op);
    return Request(std::move(impl));
  }

  void wait(Request& request) override {
    if (!request.pending()) return;
    Op& op = impl_of(request).op;
    while (!op.over()) engine_.block(&op);
    complete(request);
  }

  // The request that ended first among those pending (in the order the transfers ended), found in O(1) per arrival:
  // each op remembers its index in the span (checked before use, refreshed with one pass when the span changed).
  std::size_t wait_any(std::span<Request> requests) override {
    if (std::none_of(requests.begin(), requests.end(), [](const Request& r) { return r.pending(); }))
      SGDSIM_THROW(SimulationError, "analytic Comm::wait_any: no pending request");
    for (;;) {
      bool indexed = false;
      for (Op* op = engine_.completed(rank_); op != nullptr; op = op->done_next) {
        auto at = [&](std::size_t i) {
          return i < requests.size() && requests[i].pending() && &impl_of(requests[i]).op == op;
        };
        if (!at(op->slot) && !indexed) {
          for (std::size_t i = 0; i < requests.size(); ++i)
            if (requests[i].pending()) impl_of(requests[i]).op.slot = i;
          indexed = true;
        }
        if (at(op->slot)) {
          const std::size_t i = op->slot;
          complete(requests[i]);
          return i;
        }
      }
      engine_.block();
    }
  }

  // Comm's recursive doubling run by the engine (Engine::allreduce_sum): the same result bits, times and byte counts
  // as the schedule's messages, without them. Vectors that take the ring schedule go through messages.
  void allreduce_mean(std::span<double> data, int tag) override {
    if (!Comm::recursive_doubling(data.size())) {
      Comm::allreduce_mean(data, tag);
      return;
    }
    count_allreduce(data.size());
    engine_.allreduce_sum(epoch_, collectives_++, tag, data);
    const double inv = 1.0 / static_cast<double>(size());
    for (double& v : data) v *= inv;
  }

  bool test(Request& request) override {
    if (!request.pending() || !impl_of(request).op.over()) return false;
    complete(request);
    return true;
  }

  void cancel(Request& request) override {
    if (!request.pending()) return;
    engine_.cancel(impl_of(request).op);
    request.reset();
  }

  // As SimComm's: see Comm::leave and Comm::deliver.
  bool leave(std::span<Request> outgoing) override {
    engine_.leave(epoch_, rank_);
    monitor_.leave(epoch_, rank_);
    for (Request& r : outgoing) {
      if (!r.pending()) continue;
      if (impl_of(r).op.state == Op::State::POSTED) {
        engine_.adopt(std::move(r));  // nobody listens yet, or any more: it stays posted for whoever will
      } else {
        wait(r);  // in flight: it lands
      }
    }
    return true;
  }
  bool deliver(int dst, int tag, std::span<const double> data, int as) override {
    check_peer(as, "sender");
    if (as != rank_ && !engine_.has_left(epoch_, as))
      SGDSIM_THROW(SimulationError, "analytic Comm: rank " + std::to_string(rank_) + " cannot send as rank " +
                                        std::to_string(as) + ", which has not left");
    Request request = send_as(as, dst, tag, data);
    if (!request.pending()) return false;  // dst had left
    const Op& op = impl_of(request).op;
    while (!op.over()) engine_.block(&op);
    const bool delivered = op.state == Op::State::DONE;
    complete(request);
    return delivered || !engine_.has_left(epoch_, dst);
  }
  void monitor_fence(int /*tag*/) override { engine_.fence(epoch_); }

  // Monitoring gathers through the engine's shared memory, in zero simulated time (as SimComm's).
  void monitor_contribute(std::int64_t key, std::span<const double> values) override {
    monitor_.contribute(epoch_, key, rank_, size(), values);
  }
  bool monitor_collect(std::int64_t key, std::vector<double>& all, bool wait) override {
    return monitor_.collect(epoch_, key, size(), all, wait, "analytic Comm");
  }

  // Waits at most `timeout` seconds for `request`; true (and the request emptied) if it ended.
  bool wait_for(Request& request, double timeout) {
    if (!engine_.wait_for(impl_of(request).op, timeout)) return false;
    complete(request);
    return true;
  }

 private:
  // send_async under rank `as`'s key (this rank's, or that of a rank that left whose relay it takes over).
  Request send_as(int as, int dst, int tag, std::span<const double> data) {
    check_peer(dst, "destination");
    // The sender does not know whether dst has left: it counts what it sends. A share taken over (as ≠ this rank) is
    // the left rank's message, already in the run's traffic plan: not counted again.
    if (as == rank_) count_sent(data.size());
    if (engine_.has_left(epoch_, dst)) return {};  // dropped: over at once
    auto impl = std::make_unique<AnalyticRequest>(engine_, Op::Key{epoch_, as, dst, tag}, true, rank_);
    impl->op.out = data;
    impl->op.channel = as == rank_ ? peer_channel(out_, rank_, dst) : &engine_.channel(epoch_, as, dst);
    engine_.submit(impl->op);
    return Request(std::move(impl));
  }
  void check_peer(int peer, const char* what) const {
    if (peer < 0 || peer >= size()) {
      SGDSIM_THROW(SimulationError, std::string("analytic Comm: ") + what + " " + std::to_string(peer) +
                                        " outside 0.." + std::to_string(size() - 1));
    }
  }
  // The op is over and its owner sees it: a receive copies the payload out.
  void complete(Request& request) {
    Op& op = impl_of(request).op;
    if (!op.is_send && op.state == Op::State::DONE) {
      if (op.staged.size() != op.in.size()) {
        SGDSIM_THROW(SimulationError, "analytic Comm: rank " + std::to_string(op.key.dst) + " received " +
                                          std::to_string(op.staged.size()) + " values from rank " +
                                          std::to_string(op.key.src) + " with tag " + std::to_string(op.key.tag) +
                                          " into a buffer of " + std::to_string(op.in.size()));
      }
      std::copy(op.staged.begin(), op.staged.end(), op.in.begin());
    }
    engine_.observed(op);
    request.reset();
  }

  // This rank's channels to (out_) and from (in_) each peer it talks to: few per rank, so the lookup stays in cache.
  Channel* peer_channel(std::unordered_map<int, Channel*>& cache, int src, int dst) {
    const int peer = src == rank_ ? dst : src;
    auto [it, added] = cache.try_emplace(peer, nullptr);
    if (added) it->second = &engine_.channel(epoch_, src, dst);
    return it->second;
  }

  Engine& engine_;
  MonitorBoard& monitor_;
  int rank_;
  int epoch_;
  std::unordered_map<int, Channel*> out_, in_;
  std::uint64_t collectives_ = 0;  // all-reduces run by the engine so far (every rank runs the same ones)
};

class AnalyticClock final : public Clock {
 public:
  explicit AnalyticClock(const Engine& engine) : engine_(engine), start_(engine.now()) {}
  double now() const override { return engine_.now() - start_; }

 private:
  const Engine& engine_;
  double start_;
};

class AnalyticCompute final : public ModelledCompute {
 public:
  AnalyticCompute(const Scenario& scenario, const Problem& problem, int repetition, int worker, Engine& engine,
                  AnalyticComm& comm)
      : ModelledCompute(scenario, problem, repetition, worker), engine_(engine), comm_(comm) {}
  bool spend(double load, std::int64_t /*iteration*/, double /*started*/, Request* interrupt) override {
    const double duration = draw_task(load).total();
    if (interrupt == nullptr || !interrupt->pending()) {
      engine_.sleep_for(duration);
      return true;
    }
    return !comm_.wait_for(*interrupt, duration);
  }

 private:
  Engine& engine_;
  AnalyticComm& comm_;
};

}  // namespace

std::unique_ptr<Comm> make_comm(Engine& engine, MonitorBoard& monitor, int rank, int epoch) {
  return std::make_unique<AnalyticComm>(engine, monitor, rank, epoch);
}

}  // namespace sgdsim::sim::analytic

namespace sgdsim::sim {

void simulate_analytic(const Scenario& scenario, const Problem& problem, RunSink& sink, const SimulationOptions& options) {
  if (!options.simgrid_args.empty())
    SGDSIM_THROW(ConfigError, "SimGrid options (" + options.simgrid_args.front() +
                                  ") do not apply to the analytic engine; drop them or use the simgrid engine");
  analytic::Engine engine(scenario.cluster.network, ranks_needed(scenario));
  // As in the SimGrid engine: actors run one at a time and report into one collector, which streams rows to the sink.
  RowCollector rows(scenario.cluster.workers, sink, options.observer);
  MonitorBoard monitor;
  const int first = options.only_repetition.value_or(0);
  const int end = options.only_repetition ? first + 1 : scenario.repetitions;
  engine.run([&](int rank) {
    const int worker = worker_of_rank(scenario, rank);
    for (int repetition = first; repetition < end; ++repetition) {
      engine.barrier();
      analytic::AnalyticComm comm(engine, monitor, rank, repetition);
      analytic::AnalyticClock clock(engine);
      analytic::AnalyticCompute compute(scenario, problem, repetition, worker, engine, comm);
      const RunOutcome outcome = run_algorithm({scenario, problem, repetition, comm, compute, clock, rows});
      if (rank == 0) sink.repetition(outcome.summary, outcome.model);
    }
  });
  rows.flush();  // every worker reported every iteration: nothing is left open (an Error otherwise)
}

}  // namespace sgdsim::sim
