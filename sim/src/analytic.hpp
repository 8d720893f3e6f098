// The analytic engine: rank actors as fibers over a discrete-event clock, messages over FluidNetwork, no SimGrid.
#pragma once

#include <boost/context/fiber.hpp>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <span>
#include <unordered_map>
#include <vector>

#include "fluid_network.hpp"
#include "sgdsim/core/comm/comm.hpp"

namespace sgdsim::sim {
class MonitorBoard;
}

namespace sgdsim::sim::analytic {

struct Op;
struct Collective;

// The posted, unmatched operations of one (epoch, source, destination): sends and receives in posting order. Within a
// channel messages match on the tag, first posted first matched. Channels live as long as the engine (there are at
// most as many as communicating pairs) and each Comm keeps pointers to those of its peers, so that posting a message
// neither allocates nor searches a table.
struct Channel {
  struct Fifo {
    Op* head = nullptr;
    Op* tail = nullptr;
    void push(Op* op);
    Op* take(int tag);  // removes and returns the first op with this tag, or nullptr
    void remove(Op* op);
  };
  Fifo sends, recvs;
};

// One point-to-point operation. Owned by its Request; the engine holds plain pointers to it while it is posted or
// moving, and the operation unlinks itself (cancel) before it goes away.
struct Op {
  enum class State { POSTED, MOVING, DONE, DROPPED };  // DROPPED: a send whose receiver withdrew, or any withdrawn op
  struct Key {
    int epoch, src, dst, tag;
    bool operator==(const Key&) const = default;
  };
  Key key{};
  bool is_send = false;
  int owner = 0;  // the rank that posted it
  State state = State::POSTED;
  std::span<const double> out;  // send: the payload (the caller keeps it valid until the op is over)
  std::span<double> in;         // recv: where the payload goes when the receiver sees it arrived
  std::vector<double> staged;   // recv: the payload delivered, until the receiver sees it
  Op* peer = nullptr;           // while moving
  FluidNetwork::FlowId flow = -1;
  Channel* channel = nullptr;  // where it is matched
  Op* queued_next = nullptr;   // posted: the next op of the same channel and direction
  // Unobserved completions of the owner, in completion order (see Engine::completed()): an intrusive list, so that
  // neither matching nor completing allocates.
  Op* done_prev = nullptr;
  Op* done_next = nullptr;
  bool listed = false;
  std::size_t slot = 0;  // its index in the request span of the owner's last wait_any (a hint, checked before use)
  bool over() const { return state == State::DONE || state == State::DROPPED; }
};

// Discrete-event engine: time jumps from event to event (network events, timers); at each time every ready actor
// runs until it blocks. Everything runs on the calling thread, one actor at a time.
class Engine {
 public:
  Engine(const NetworkSpec& network, int ranks);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  int ranks() const { return static_cast<int>(actors_.size()); }
  double now() const { return now_; }

  // Runs `body(rank)` as the actor of every rank until all return. Rethrows the first exception an actor threw;
  // throws SimulationError when actors wait for something that can never happen (deadlock).
  void run(const std::function<void(int)>& body);

  // --- Called by actors ---
  int self() const;
  void sleep_for(double seconds);
  // Blocks until `op` is over or `timeout` seconds passed; true if it is over. At a tie the timeout wins (as in
  // SimGrid, whose timers fire before the transfers that end at the same instant are handled).
  bool wait_for(const Op& op, double timeout);
  // Blocks until the actor is woken: by `awaited` ending (nullptr: by any op of it ending), its timer, the barrier.
  // Ops the actor does not wait for end without resuming it.
  void block(const Op* awaited = nullptr);
  void barrier();
  // Rank `rank` has left in `epoch` (Comm::leave): the sends that wait for it unmatched are dropped (their senders
  // see them over, as when a receiver withdraws), and so is every later one (has_left: the Comm does not post them).
  void leave(int epoch, int rank);
  bool has_left(int epoch, int rank) const { return left_in_[static_cast<std::size_t>(rank)] == epoch; }
  // Comm::monitor_fence: rank 0 waits until every rank of `epoch` reached it or left; the others go on at once.
  void fence(int epoch);
  // A send a leaving rank left unmatched (Comm::leave): it stays posted, to be matched if its receiver posts, and is
  // withdrawn when the run ends.
  void adopt(Request orphan) { orphans_.push_back(std::move(orphan)); }

  Channel& channel(int epoch, int src, int dst);
  void post(Op& op);      // matches it against the opposite queue of its channel, or queues it
  void cancel(Op& op);    // withdraws a posted or moving op; an op that already ended is only unlisted
  void observed(Op& op);  // the owner has seen the op end: unlist it (and recycle a receive's staging buffer)
  // The first of the rank's ended, unobserved ops (follow done_next for the others, in the order they ended).
  Op* completed(int rank) const { return actors_[static_cast<std::size_t>(rank)]->done_head; }
  // Counts an op the actor posts for the first time (then post() it): ops posted or moving per rank (live_) tell
  // whether a rank's links can carry anything but its collectives' transfers.
  void submit(Op& op);

  // The `index`-th all-reduce of `epoch`, called by every rank with its vector: Comm's recursive-doubling schedule
  // (the same exchanges, sums in the same order, the same bits), run by the engine instead of by messages. Each
  // exchange starts when both partners have reached it. When neither partner has an op posted or moving, nothing but
  // the exchange can use their links until it ends, so its end is computed in closed form (FluidNetwork::isolated_end)
  // and one event replaces its two transfers and four operations; otherwise its transfers go through the network like
  // any other. Returns (the caller's vector summed, not yet divided) when this rank's last exchange has ended.
  void allreduce_sum(int epoch, std::uint64_t index, int tag, std::span<double> data);

 private:
  struct Actor {
    boost::context::fiber fiber;      // where the actor continues
    boost::context::fiber scheduler;  // (inside the actor) where the scheduler continues
    bool queued = false;
    bool finished = false;
    bool blocked = false;         // in block(): woken by the ops below
    const Op* awaited = nullptr;  // the one op it waits for; nullptr while blocked: any op
    std::uint64_t timer = 0;      // token of the current timer
    bool timer_fired = false;
    Op* done_head = nullptr;
    Op* done_tail = nullptr;
  };
  struct Timer {
    double time;
    std::uint64_t seq;
    int rank;
    std::uint64_t token;
    bool operator>(const Timer& o) const { return time != o.time ? time > o.time : seq > o.seq; }
  };
  void wake(int rank);
  void set_timer(double time);
  void start(Op& send, Op& recv);
  void finish(Op& op, Op::State state);
  void deliver(FluidNetwork::FlowId flow);
  void dequeue(Op& op);
  void ended(Op& op);  // an op of its owner is no longer posted or moving
  // The collective: rank r goes on from its step `step` (the next one it takes part in; past the last: it is done).
  void collective_reach(Collective& c, int r, int step);
  void collective_exchange(Collective& c, int a, int b, int step);
  void collective_ended(Collective& c, int a, int b, int step);

  FluidNetwork network_;
  double now_ = 0;
  std::uint64_t seq_ = 0;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::deque<int> ready_;
  struct ChannelKey {
    int epoch, src, dst;
    bool operator==(const ChannelKey&) const = default;
  };
  struct ChannelHash {
    std::size_t operator()(const ChannelKey& c) const noexcept;
  };
  std::unordered_map<ChannelKey, Channel, ChannelHash> channels_;
  std::vector<Op*> moving_;  // flow id -> its send op (nullptr: a collective's transfer, in internal_)
  std::vector<int> live_;    // per rank: its ops posted or moving
  struct CollectiveFlow {
    Collective* collective = nullptr;
    int a = 0, b = 0, step = 0;
  };
  std::vector<CollectiveFlow> internal_;  // flow id -> the exchange it belongs to
  struct ExchangeEnd {
    double time;
    std::uint64_t seq;
    Collective* collective;
    int a, b, step;
    bool operator>(const ExchangeEnd& o) const { return time != o.time ? time > o.time : seq > o.seq; }
  };
  std::priority_queue<ExchangeEnd, std::vector<ExchangeEnd>, std::greater<>> exchanges_;
  std::unordered_map<std::uint64_t, std::unique_ptr<Collective>> collectives_;  // by (epoch, index)
  std::vector<FluidNetwork::FlowId> ended_;
  std::vector<std::vector<double>> spare_;  // staging buffers of observed receives, reused
  int current_ = -1;
  int finished_ = 0;
  bool unwinding_ = false;
  std::vector<int> left_in_;       // rank -> the epoch in which it left, −1: none
  std::map<int, int> at_fence_;    // epoch -> ranks that reached the fence
  bool fence_waiting_ = false;     // rank 0 waits at the fence
  int barrier_waiting_ = 0;
  std::uint64_t barrier_generation_ = 0;
  std::exception_ptr error_;
  std::vector<Request> orphans_;  // withdrawn at the end of run(), while the engine is whole
  std::vector<std::unique_ptr<Actor>> actors_;  // last: destroyed first, unwinding fibers while the rest is alive
};

// The Comm of `rank` in repetition `epoch` over the engine, as simulate_analytic() gives it to that rank's actor.
std::unique_ptr<Comm> make_comm(Engine& engine, MonitorBoard& monitor, int rank, int epoch);

}  // namespace sgdsim::sim::analytic
