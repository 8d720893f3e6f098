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

Engine::Engine(const NetworkSpec& network, int ranks) : network_(network, ranks) {
  for (int r = 0; r < ranks; ++r) actors_.push_back(std::make_unique<Actor>());
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
  const auto flow = network_.start(send.key.src, send.key.dst, static_cast<double>(send.out.size() * sizeof(double)));
  send.flow = recv.flow = flow;
  if (moving_.size() <= static_cast<std::size_t>(flow)) moving_.resize(static_cast<std::size_t>(flow) + 1);
  moving_[static_cast<std::size_t>(flow)] = &send;
}

void Engine::finish(Op& op, Op::State state) {
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
      break;
    case Op::State::MOVING: {
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
    const double next = std::min(timers_.empty() ? FluidNetwork::NEVER : timers_.top().time, network_.next_event());
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
  }
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
  Request send_async(int dst, int tag, std::span<const double> data) override {
    check_peer(dst, "destination");
    auto impl = std::make_unique<AnalyticRequest>(engine_, Op::Key{epoch_, rank_, dst, tag}, true, rank_);
    impl->op.out = data;
    impl->op.channel = peer_channel(out_, rank_, dst);
    engine_.post(impl->op);
    count_sent(data.size());
    return Request(std::move(impl));
  }
  Request recv_async(int src, int tag, std::span<double> data) override {
    check_peer(src, "source");
    auto impl = std::make_unique<AnalyticRequest>(engine_, Op::Key{epoch_, src, rank_, tag}, false, rank_);
    impl->op.in = data;
    impl->op.channel = peer_channel(in_, src, rank_);
    engine_.post(impl->op);
    return Request(std::move(impl));
  }

  void wait(Request& request) override {
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

  bool test(Request& request) override {
    if (!impl_of(request).op.over()) return false;
    complete(request);
    return true;
  }

  void cancel(Request& request) override {
    if (!request.pending()) return;
    engine_.cancel(impl_of(request).op);
    request.reset();
  }

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
