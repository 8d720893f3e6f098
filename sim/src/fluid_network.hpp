// FluidNetwork: the flow-level network of a generated platform (star, cluster, ideal) in closed form, as SimGrid's
// CM02 model computes it: a latency phase, then max-min fair bandwidth sharing.
#pragma once

#include <cstdint>
#include <limits>
#include <queue>
#include <vector>

#include "sgdsim/core/scenario/scenario.hpp"

namespace sgdsim::sim {

// What is modelled (SimGrid 3.32's CM02 without cross-traffic, the model sgdsim configures for generated platforms):
// - routes: star and ideal give every host one link used in both directions, and a message crosses the sender's
//   and the receiver's link; cluster gives every host a private up and a private down link with latency/2 each;
// - a transfer of S bytes started at t0 first waits the route latency (the sum of its links'); then it shares the
//   bandwidth of its links with the other transfers in their bandwidth phase: max-min fairness with weights
//   1/route latency (1 when the latency is 0), each transfer bounded by the smallest bandwidth on its route and by
//   TCP-gamma / (2·route latency) (SimGrid's network/TCP-gamma, 4 MiB);
// - rates are recomputed whenever a transfer enters or leaves its bandwidth phase; a transfer ends when its bytes are
//   sent. Hence k equal transfers that start together on one shared link all end at t0 + latency + k·S/bandwidth.
// Floating-point results agree with SimGrid's to rounding (SimGrid solves the same system with its own arithmetic and
// precision thresholds), not bit for bit.
//
// Cost: when every transfer in its bandwidth phase gets the same rate (one shared link carries all of them and every
// other link at most one, as when k workers send to a parameter server, or no link is shared at all), the transfers
// progress as one processor-sharing queue: a common "service" counter grows at that rate and a heap orders the
// transfers by the service at which they end, O(log n) per event. Otherwise max-min is solved again over all transfers
// in their bandwidth phase at every event, O(n).
class FluidNetwork {
 public:
  using FlowId = std::int32_t;
  static constexpr double NEVER = std::numeric_limits<double>::infinity();
  static constexpr double TCP_GAMMA = 4194304.0;  // bytes, SimGrid's network/TCP-gamma default

  FluidNetwork(const NetworkSpec& network, int hosts);

  // Starts a transfer of `bytes` from host src to host dst at time `now` (the last time advanced to).
  FlowId start(int src, int dst, double bytes);
  // Withdraws a transfer that has not ended; its id may be reused.
  void abort(FlowId flow);

  // The time of the next event (a transfer ending its latency phase or ending), NEVER if none.
  double next_event();
  // Moves time to `t` (≤ next_event()) and appends the transfers that ended at `t`; their ids may be reused.
  void advance(double t, std::vector<FlowId>& ended);

  double now() const { return now_; }
  std::size_t in_flight() const { return flows_.size() - free_.size(); }

 private:
  struct Flow {
    int links[2] = {-1, -1};
    double remaining = 0;    // bytes
    double weight = 1;       // max-min weight: 1 / route latency
    double bound = 0;        // bytes/s
    double rate = 0;         // bytes/s while sharing
    double latency_end = 0;  // when the bandwidth phase starts
    double end = 0;          // when it ends at the current rates
    std::uint64_t seq = 0;   // start order
    double finish = 0;       // uniform mode: the service at which it ends
    std::size_t pos = 0;     // its index in sharing_
    bool live = false;
    bool sharing = false;  // in the bandwidth phase
  };
  struct LatencyEvent {
    double time;
    FlowId flow;
    std::uint64_t seq;
    bool operator>(const LatencyEvent& o) const { return time != o.time ? time > o.time : seq > o.seq; }
  };

  struct Finish {
    double service;
    std::uint64_t seq;
    FlowId flow;
    bool operator>(const Finish& o) const { return service != o.service ? service > o.service : seq > o.seq; }
  };

  void share();             // general mode: max-min rates of the sharing transfers, and their ends
  void progress(double t);  // bytes sent up to t at the current rates
  void add_sharing(FlowId id);
  void remove_sharing(FlowId id);
  void choose_mode();       // uniform when the sharing transfers all get one rate, else general

  std::vector<double> capacity_;  // per link, bytes/s
  std::vector<double> latency_;   // per link, seconds
  int links_per_host_ = 1;        // star/ideal: one shared link; cluster: up (2h) and down (2h+1)
  bool shared_links_ = true;

  std::vector<Flow> flows_;
  std::vector<FlowId> free_;
  std::vector<FlowId> sharing_;  // transfers in the bandwidth phase
  std::priority_queue<LatencyEvent, std::vector<LatencyEvent>, std::greater<>> latency_events_;
  std::uint64_t seq_ = 0;
  double now_ = 0;
  double next_end_ = NEVER;  // earliest end among sharing transfers at the current rates
  bool dirty_ = false;       // rates must be recomputed

  // Uniform mode (see the class comment). load_: sharing transfers per link; crowded_: links carrying two or more,
  // listed (lazily) in crowded_links_.
  bool uniform_possible_ = true;  // all transfers have one weight and bound, all links one capacity
  bool uniform_ = false;
  double service_ = 0;       // bytes each sharing transfer has been served, in uniform mode
  double uniform_rate_ = 0;  // their common rate
  std::priority_queue<Finish, std::vector<Finish>, std::greater<>> finishes_;
  std::vector<int> load_;
  int crowded_ = 0;
  std::vector<int> crowded_links_;
  double first_weight_ = -1, first_bound_ = -1;

  // Scratch of share(): per link the capacity left, the weight and number of transfers not yet fixed, saturation.
  std::vector<double> left_, weights_;
  std::vector<int> counts_;
  std::vector<char> saturated_;
  std::vector<int> touched_;
  std::vector<FlowId> unfixed_;
};

}  // namespace sgdsim::sim
