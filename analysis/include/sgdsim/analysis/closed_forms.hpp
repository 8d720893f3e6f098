// Closed forms: order statistics of exponentials, mean iteration times of the algorithms, network transfer times.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "sgdsim/core/algorithms/gradient_coding.hpp"
#include "sgdsim/core/scenario/scenario.hpp"

namespace sgdsim::analysis {

// Mean and variance of a random time; the variance is there so that tests can derive their tolerances from it.
struct Moments {
  double mean = 0;
  double variance = 0;
  double stddev() const;
};

// H_m = Σ_{i=1}^{m} 1/i (H_0 = 0), and Σ_{i=1}^{m} 1/i². Summed from the small terms up for accuracy.
double harmonic(std::int64_t m);
double harmonic_squares(std::int64_t m);

// The r-th smallest of k i.i.d. Exp(rate) (r = k: the maximum). By Rényi's representation the gaps between
// consecutive order statistics are independent Exp((k−j)·rate), j = 0..r−1, hence
//   mean = (H_k − H_{k−r}) / rate,  variance = Σ_{i=k−r+1}^{k} 1 / (i² rate²).
// rate = +∞ means "no random part" and gives 0 ± 0. Throws ConfigError unless 1 ≤ r ≤ k and rate > 0.
Moments exp_order_statistic(std::int64_t k, std::int64_t r, double rate);

// The maximum over `groups` groups of the minimum over `group_size` i.i.d. Exp(rate) inside each group. The minimum
// of c i.i.d. Exp(rate) is Exp(c·rate), so this is the maximum of `groups` i.i.d. Exp(group_size·rate).
Moments exp_max_of_group_minima(std::int64_t groups, std::int64_t group_size, double rate);

// The law of shift + the r-th smallest of n i.i.d. Exp(rate): what the compute part of an iteration is under each
// waiting rule below (EGC: n = k/c groups, r = n, rate c·rate). Its CDF is that of a binomial count: the r-th smallest
// is ≤ t when at least r of the n draws are, P = Σ_{j=r}^{n} C(n,j) F^j (1−F)^{n−j} = I_F(r, n−r+1) with
// F = 1 − exp(−rate·(t − shift)) (the regularised incomplete beta function, Boost.Math ibeta).
struct OrderStatisticLaw {
  double shift = 0;
  double rate = std::numeric_limits<double>::infinity();  // +∞: deterministic, the CDF steps at `shift`
  std::int64_t n = 1;
  std::int64_t r = 1;
  double cdf(double t) const;
  Moments moments() const;  // exp_order_statistic(n, r, rate), its mean moved by `shift`
};

// The law of one task's time: shift + Exp(rate) (rate = +∞: deterministic). Both compute models of SCENARIO.md
// reduce to it:
//   multiplicative straggling ℓ·(s + X), X ~ Exp(λ):  shift ℓ·s, rate λ/ℓ  (ℓ·X ~ Exp(λ/ℓ));
//   additive delay ℓ·s + D, D ~ Exp(mean m):          shift ℓ·s, rate 1/m;
//   neither:                                          shift ℓ·s, rate +∞.
struct TaskLaw {
  double shift = 0;
  double rate = std::numeric_limits<double>::infinity();
};
TaskLaw straggling_task(double load, double seconds_per_pass, double lambda);
TaskLaw delayed_task(double load, double seconds_per_pass, double delay_mean);
TaskLaw deterministic_task(double load, double seconds_per_pass);

// Compute part of one iteration on an ideal network (communication takes no time), k workers, each running one task
// of the given law per iteration, independent across workers and iterations.
// uncoded / sync SGD: the PS (or the all-reduce) waits for all k: shift + max of k.
Moments wait_all_iteration(std::int64_t k, TaskLaw task);
// EGC with the fractional repetition code: k/c groups of c workers holding the same c partitions; the PS can decode
// as soon as every group has one finisher, so the iteration ends at the max over the k/c groups of the min over the
// c workers of each group: shift + max of k/c i.i.d. Exp(c·rate).
Moments egc_iteration(std::int64_t k, std::int64_t c, TaskLaw task);
// AGC and ignore-stragglers: the PS takes the first r arrivals: shift + r-th order statistic of k.
Moments first_r_iteration(std::int64_t k, std::int64_t r, TaskLaw task);
// The same three as whole laws (for their CDFs).
OrderStatisticLaw wait_all_law(std::int64_t k, TaskLaw task);
OrderStatisticLaw egc_law(std::int64_t k, std::int64_t c, TaskLaw task);
OrderStatisticLaw first_r_law(std::int64_t k, std::int64_t r, TaskLaw task);

// The shifted-exponential model (task time ℓ·(s + X), X ~ Exp(λ)) with the loads of each algorithm filled in:
//   uncoded            ℓ = 1/k:  (1/k)(s + H_k/λ)
//   egc                ℓ = c/k:  (c/k)(s + H_{k/c}/(cλ))
//   agc                ℓ = c/k:  (c/k)(s + (H_k − H_{k−r})/λ)
//   ignore_stragglers  ℓ = 1/k:  (1/k)(s + (H_k − H_{k−r})/λ)
//   sync SGD           ℓ given (B/N for mini-batches of B of N samples): ℓ(s + H_k/λ)
Moments uncoded_time(std::int64_t k, double s, double lambda);
Moments egc_time(std::int64_t k, std::int64_t c, double s, double lambda);
Moments agc_time(std::int64_t k, std::int64_t c, std::int64_t r, double s, double lambda);
Moments ignore_stragglers_time(std::int64_t k, std::int64_t r, double s, double lambda);
Moments sync_sgd_time(std::int64_t k, double load, double s, double lambda);

// Ring all-reduce of M bytes over N hosts: 2(N−1) steps, each sending M/N bytes to the next host:
//   2(N−1)(lat + M/(N·bw)). (SimGrid CM02, no cross-traffic, one private link per route direction.)
double ring_allreduce_time(std::int64_t hosts, double bytes, double bandwidth, double latency);

// SimGrid CM02 options that change a transfer's time. Defaults: the values of SimGrid 3.32's CM02 model with
// network/crosstraffic:0 (as the simulator sets it for closed-form checks).
struct Cm02Options {
  bool crosstraffic = false;   // network/crosstraffic: each flow also loads the links of its back route by 5%
  double tcp_gamma = 4194304;  // network/TCP-gamma (bytes): a flow's rate is capped at γ / (2 · route latency)
};

// `flows` transfers of `bytes` each, started at the same instant from the parameter server of a star: every host
// (the PS too) hangs on its own link (bandwidth bw, latency lat) off the center, so every route is two links.
//
// Derivation (SimGrid 3.32, NetworkCm02Model::communicate):
//  - CM02 has latency factor 1, bandwidth factor 1, weight-S 0, so a flow's sharing penalty is its route latency
//    2·lat, identical for all flows: max-min sharing gives them equal rates.
//  - Each flow first pays its route latency 2·lat with a zero-weight variable (it takes no bandwidth meanwhile);
//    since all start together, all enter the bandwidth sharing together.
//  - Constraints: the PS link carries all `flows` (weight 1 each; with cross-traffic on shared links the back route
//    runs over the same two links, weight 1.05): flows·f·ρ ≤ bw. A worker link carries one flow: f·ρ ≤ bw, never
//    tighter. Each variable is also bounded by min(route bw, γ/(2·2·lat)).
//  - So ρ = min(bw/(f·flows), γ/(4·lat)), f = 1.05 with cross-traffic else 1, all flows end together at
//        T = 2·lat + bytes/ρ   (= 2·lat + flows·bytes/bw in the default case).
// The same holds for `flows` workers sending to the PS at the same instant (gather with no straggling). A flow
// alone on the PS link takes 2·lat + bytes/min(bw/f, γ/(4·lat)): the floor when arrivals are spread out.
double star_concurrent_transfer_time(std::int64_t flows, double bytes, double bandwidth, double latency,
                                     const Cm02Options& options = {});
// One PS iteration's communication when nobody straggles: broadcast of the model to k workers (k concurrent flows),
// then the gather of k results of the same size (k concurrent flows): 2·(2·lat + k·M/bw) by default.
double star_broadcast_gather_time(std::int64_t workers, double bytes, double bandwidth, double latency,
                                  const Cm02Options& options = {});

// The communication part of one iteration for the scenario's topology: the star's concurrent broadcast and gather
// for the parameter-server algorithms, the ring all-reduce for sync SGD (local SGD with tau > 1 averages every tau
// iterations: none per iteration), 0 on an ideal network; or why there is none.
struct NetworkTime {
  std::optional<double> time;
  std::string formula;
};
NetworkTime scenario_network_time(const Scenario& scenario, std::int64_t dimension);

// The closed form of a scenario's mean iteration time (compute part, ideal network), or why none applies.
struct IterationClosedForm {
  std::optional<Moments> time;           // empty: no closed form
  std::optional<OrderStatisticLaw> law;  // the whole law of which `time` holds the moments (set with it)
  std::string formula;                   // the formula used, with its numbers, or why none applies
};
// Picks the compute law from cluster.compute (straggling rate λ → multiplicative, delay mean m → additive; both, or a
// slowdown, or local SGD with τ > 1: none) and the algorithm's load and waiting rule. `samples` is N (sync SGD's load
// is batch_size/N, capped at 1).
IterationClosedForm scenario_iteration_time(const Scenario& scenario, std::int64_t samples);
// The same for a member of the gradient-coding family on the scenario's cluster (also for comparison columns: e.g.
// CodingParams::egc(k, c) beside the scenario's AGC).
IterationClosedForm coding_iteration_time(const ComputeSpec& compute, int workers, const CodingParams& params);

}  // namespace sgdsim::analysis
