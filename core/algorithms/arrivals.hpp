// Waiting for the first results of k workers and withdrawing the rest (private to core/algorithms): the one mechanism
// of every rule that leaves workers behind, the gradient-coding parameter server's (all, every group, first r) and the
// model-averaging aggregator's (the first r models of a round).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sgdsim/core/algorithms/algorithm.hpp"

namespace sgdsim {

// Failure notices: a worker that fails sends one message (its failure time, one double) to the aggregating rank under
// this tag, and nothing else ever after. It stands for the failure detector of a real system (a connection that
// breaks, a missed heartbeat): the aggregator uses it only to see that its rule can no longer be met, never to change
// what it waits for or how it decodes. Iteration 0 has no results, so the tag is free.
inline int failure_tag() { return message_tag(0, MessageKind::RESULT); }

// "12.5 s": a failure time in a stall reason.
std::string seconds_text(double t);

// A worker's last act when it fails: the notice (its failure time) to the aggregating rank. Posted and never waited
// for, since the aggregator may already have stopped listening (the run ending); withdraw() at the end of the run
// takes it back if nobody took it.
class FailureNotice {
 public:
  void send(Comm& comm, int to, double time);
  bool sent() const { return sent_; }
  void withdraw(Comm& comm);
  // After send(): ends the rank where the backend can (Comm::leave; the notice lands first if it is in flight). True:
  // the caller returns now. False (mpirun): the rank stays, silent.
  bool leave(Comm& comm) { return comm.leave(std::span<Request>(&request_, 1)); }

 private:
  double time_ = 0;  // the payload: valid until the send is over
  Request request_;
  bool sent_ = false;
};

class Arrivals {
 public:
  // `first_rank` is the rank of worker 0 (workers are ranks first_rank .. first_rank + workers − 1); with `watch`
  // (the scenario has failures) a receive of every worker's failure notice stays posted until finish().
  Arrivals(Comm& comm, int workers, int first_rank, bool watch);

  // One round: `pending` holds a posted receive per worker. Waits until `enough(arrived)`, calling on_arrival(w) as
  // each result arrives, then withdraws the remaining receives. Returns false, without waiting further, when a failure
  // notice shows that `feasible(arrived, failed)` no longer holds (the run has stalled); `failed` is per worker.
  template <class Enough, class Feasible, class OnArrival>
  bool collect(std::span<Request> pending, Enough enough, Feasible feasible, OnArrival on_arrival) {
    int arrived = 0;
    bool alive = feasible(arrived, failed_);
    while (alive && !enough(arrived)) {
      const std::size_t i = wait(pending);
      if (i < pending.size()) {
        ++arrived;
        on_arrival(static_cast<int>(i));
      } else {
        alive = feasible(arrived, failed_);
      }
    }
    for (auto& r : pending)
      if (r.pending()) comm_.cancel(r);
    return alive;
  }

  // Withdraws the notice receives still posted (at the end of the run).
  void finish();

  const std::vector<char>& failed() const { return failed_; }
  // The failure that was noticed last: worker and its failure time (−1 and NaN when none).
  int last_failed() const { return last_failed_; }
  double last_failure_time() const { return last_time_; }

 private:
  // Waits for a result (returns its index) or a notice (records it, returns pending.size()).
  std::size_t wait(std::span<Request> pending);

  Comm& comm_;
  std::vector<char> failed_;
  std::vector<Request> notices_;
  std::vector<double> times_;
  std::vector<Request> all_;  // scratch for wait_any over results and notices
  int last_failed_ = -1;
  double last_time_;
};

}  // namespace sgdsim
