// Closed forms of order statistics of exponentials, iteration times and network transfer times.
#include "sgdsim/analysis/closed_forms.hpp"

#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <sstream>

#include "sgdsim/core/algorithms/cooperative/params.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim::analysis {

namespace {

// Σ_{i=lo}^{hi} i^(−power), from the smallest term up so that long sums do not lose the tail.
double inverse_power_sum(std::int64_t lo, std::int64_t hi, int power) {
  double sum = 0;
  for (std::int64_t i = hi; i >= lo; --i) {
    const double x = static_cast<double>(i);
    sum += power == 1 ? 1.0 / x : 1.0 / (x * x);
  }
  return sum;
}

void check_rate(double rate) {
  if (!(rate > 0)) SGDSIM_THROW(ConfigError, "exponential rate must be > 0, got " + std::to_string(rate));
}

std::string number(double x) {
  std::ostringstream out;
  out.precision(6);
  out << x;
  return out.str();
}

}  // namespace

double Moments::stddev() const { return std::sqrt(variance); }

double harmonic(std::int64_t m) { return m <= 0 ? 0.0 : inverse_power_sum(1, m, 1); }

double harmonic_squares(std::int64_t m) { return m <= 0 ? 0.0 : inverse_power_sum(1, m, 2); }

Moments exp_order_statistic(std::int64_t k, std::int64_t r, double rate) {
  if (k < 1 || r < 1 || r > k) {
    SGDSIM_THROW(ConfigError,
                 "order statistic: need 1 <= r <= k, got r = " + std::to_string(r) + ", k = " + std::to_string(k));
  }
  check_rate(rate);
  if (std::isinf(rate)) return {0.0, 0.0};
  const double mean = inverse_power_sum(k - r + 1, k, 1) / rate;
  const double variance = inverse_power_sum(k - r + 1, k, 2) / (rate * rate);
  return {mean, variance};
}

Moments exp_max_of_group_minima(std::int64_t groups, std::int64_t group_size, double rate) {
  if (group_size < 1) SGDSIM_THROW(ConfigError, "group size must be >= 1, got " + std::to_string(group_size));
  check_rate(rate);
  return exp_order_statistic(groups, groups, static_cast<double>(group_size) * rate);
}

TaskLaw straggling_task(double load, double seconds_per_pass, double lambda) {
  check_rate(lambda);
  if (!(load > 0)) SGDSIM_THROW(ConfigError, "task load must be > 0, got " + std::to_string(load));
  return {load * seconds_per_pass, lambda / load};
}

TaskLaw delayed_task(double load, double seconds_per_pass, double delay_mean) {
  if (!(delay_mean > 0)) SGDSIM_THROW(ConfigError, "delay mean must be > 0, got " + std::to_string(delay_mean));
  return {load * seconds_per_pass, 1.0 / delay_mean};
}

TaskLaw deterministic_task(double load, double seconds_per_pass) {
  return {load * seconds_per_pass, std::numeric_limits<double>::infinity()};
}

double OrderStatisticLaw::cdf(double t) const {
  if (t < shift) return 0.0;
  if (std::isinf(rate)) return 1.0;
  // F = 1 − e^{−rate·(t − shift)}, computed with expm1 so that small arguments keep their digits.
  const double f = -std::expm1(-rate * (t - shift));
  if (f >= 1.0) return 1.0;
  if (f <= 0.0) return 0.0;
  return boost::math::ibeta(static_cast<double>(r), static_cast<double>(n - r + 1), f);
}

Moments OrderStatisticLaw::moments() const {
  Moments m = exp_order_statistic(n, r, rate);
  m.mean += shift;
  return m;
}

OrderStatisticLaw wait_all_law(std::int64_t k, TaskLaw task) { return {task.shift, task.rate, k, k}; }

OrderStatisticLaw egc_law(std::int64_t k, std::int64_t c, TaskLaw task) {
  if (c < 1 || k % c != 0) {
    SGDSIM_THROW(ConfigError,
                 "egc: tasks per worker c = " + std::to_string(c) + " must divide k = " + std::to_string(k));
  }
  // The minimum of c i.i.d. Exp(rate) is Exp(c·rate): the max over k/c groups of it.
  return {task.shift, static_cast<double>(c) * task.rate, k / c, k / c};
}

OrderStatisticLaw first_r_law(std::int64_t k, std::int64_t r, TaskLaw task) { return {task.shift, task.rate, k, r}; }

Moments wait_all_iteration(std::int64_t k, TaskLaw task) { return wait_all_law(k, task).moments(); }

Moments egc_iteration(std::int64_t k, std::int64_t c, TaskLaw task) { return egc_law(k, c, task).moments(); }

Moments first_r_iteration(std::int64_t k, std::int64_t r, TaskLaw task) { return first_r_law(k, r, task).moments(); }

Moments uncoded_time(std::int64_t k, double s, double lambda) {
  return wait_all_iteration(k, straggling_task(1.0 / static_cast<double>(k), s, lambda));
}

Moments egc_time(std::int64_t k, std::int64_t c, double s, double lambda) {
  return egc_iteration(k, c, straggling_task(static_cast<double>(c) / static_cast<double>(k), s, lambda));
}

Moments agc_time(std::int64_t k, std::int64_t c, std::int64_t r, double s, double lambda) {
  return first_r_iteration(k, r, straggling_task(static_cast<double>(c) / static_cast<double>(k), s, lambda));
}

Moments ignore_stragglers_time(std::int64_t k, std::int64_t r, double s, double lambda) {
  return first_r_iteration(k, r, straggling_task(1.0 / static_cast<double>(k), s, lambda));
}

Moments sync_sgd_time(std::int64_t k, double load, double s, double lambda) {
  return wait_all_iteration(k, straggling_task(load, s, lambda));
}

double ring_allreduce_time(std::int64_t hosts, double bytes, double bandwidth, double latency) {
  if (hosts < 1 || !(bandwidth > 0)) SGDSIM_THROW(ConfigError, "ring all-reduce: need hosts >= 1 and bandwidth > 0");
  const double n = static_cast<double>(hosts);
  return 2.0 * (n - 1.0) * (latency + bytes / (n * bandwidth));
}

double star_concurrent_transfer_time(std::int64_t flows, double bytes, double bandwidth, double latency,
                                     const Cm02Options& options) {
  if (flows < 1 || !(bandwidth > 0) || latency < 0) {
    SGDSIM_THROW(ConfigError, "star transfer: need flows >= 1, bandwidth > 0, latency >= 0");
  }
  const double route_latency = 2.0 * latency;
  const double weight = options.crosstraffic ? 1.05 : 1.0;
  double rate = bandwidth / (weight * static_cast<double>(flows));
  if (route_latency > 0 && options.tcp_gamma > 0) rate = std::min(rate, options.tcp_gamma / (2.0 * route_latency));
  return route_latency + bytes / rate;
}

double star_broadcast_gather_time(std::int64_t workers, double bytes, double bandwidth, double latency,
                                  const Cm02Options& options) {
  return 2.0 * star_concurrent_transfer_time(workers, bytes, bandwidth, latency, options);
}

namespace {

// The task law of a compute spec for a task of load ℓ, or why there is no closed form.
std::optional<TaskLaw> task_law(const ComputeSpec& compute, double load, std::string& why, std::string& law) {
  if (!compute.slowdown.empty()) {
    why = "no closed form: cluster.compute.slowdown makes the workers non-identical";
    return std::nullopt;
  }
  if (compute.straggling_rate && compute.delay_mean) {
    why = "no closed form: straggling and delay together give a sum of two exponentials per task";
    return std::nullopt;
  }
  const double s = compute.seconds_per_pass;
  if (compute.straggling_rate) {
    law = "task l*(s + Exp(lambda)), s = " + number(s) + ", lambda = " + number(*compute.straggling_rate);
    return straggling_task(load, s, *compute.straggling_rate);
  }
  if (compute.delay_mean) {
    law = "task l*s + Exp(mean m), s = " + number(s) + ", m = " + number(*compute.delay_mean);
    return delayed_task(load, s, *compute.delay_mean);
  }
  law = "task l*s (deterministic), s = " + number(s);
  return deterministic_task(load, s);
}

}  // namespace

IterationClosedForm coding_iteration_time(const ComputeSpec& compute, int workers, const CodingParams& params) {
  IterationClosedForm out;
  const std::int64_t k = workers;
  const double kd = static_cast<double>(workers);
  const int c = params.tasks_per_worker;
  const int r = params.wait_for;
  std::string law;
  switch (params.rule) {
    case WaitRule::ALL: {
      auto task = task_law(compute, 1.0 / kd, out.formula, law);
      if (!task) return out;
      out.law = wait_all_law(k, *task);
      out.time = out.law->moments();
      out.formula = "uncoded: l = 1/k, max of k = " + std::to_string(k) + "; " + law;
      return out;
    }
    case WaitRule::EVERY_GROUP: {
      if (c < 1 || k % c != 0) {
        out.formula = "no closed form: egc needs c | k (c = " + std::to_string(c) + ", k = " + std::to_string(k) + ")";
        return out;
      }
      auto task = task_law(compute, static_cast<double>(c) / kd, out.formula, law);
      if (!task) return out;
      out.law = egc_law(k, c, *task);
      out.time = out.law->moments();
      out.formula = "egc: l = c/k, max over k/c = " + std::to_string(k / c) +
                    " groups of min over c = " + std::to_string(c) + "; " + law;
      return out;
    }
    case WaitRule::FIRST_R: {
      const bool agc = !params.rescale;
      if (r < 1 || r > k || (agc && c < 1)) {
        out.formula = "no closed form: need 1 <= r <= k and c >= 1";
        return out;
      }
      const double load = agc ? static_cast<double>(c) / kd : 1.0 / kd;
      auto task = task_law(compute, load, out.formula, law);
      if (!task) return out;
      out.law = first_r_law(k, r, *task);
      out.time = out.law->moments();
      out.formula = std::string(agc ? "agc: l = c/k" : "ignore_stragglers: l = 1/k") +
                    ", r-th of k (r = " + std::to_string(r) + ", k = " + std::to_string(k) + "); " + law;
      return out;
    }
  }
  return out;
}

NetworkTime scenario_network_time(const Scenario& scenario, std::int64_t dimension) {
  const NetworkSpec& net = scenario.cluster.network;
  const int k = scenario.cluster.workers;
  const double bytes = 8.0 * static_cast<double>(dimension);  // d doubles per model / gradient message
  NetworkTime out;
  if (!net.platform_file.empty()) {
    out.formula = "no closed form for a platform file";
    return out;
  }
  if (net.topology == Topology::IDEAL) {
    out.time = 0.0;
    out.formula = "ideal network: 0";
    return out;
  }
  const std::string msg = "M = " + number(bytes) + " B, bw = " + net.bandwidth_text + ", lat = " + net.latency_text;
  if (scenario.algorithm.params_if<CodingParams>() != nullptr) {
    if (net.topology != Topology::STAR) {
      out.formula = "no closed form: PS algorithms are modelled on the star topology";
      return out;
    }
    out.time = star_broadcast_gather_time(k, bytes, net.bandwidth, net.latency);
    out.formula = "star, CM02: 2(2 lat + k M/bw), all k flows concurrent (exact without stragglers, an upper "
                  "estimate with them); " + msg;
    return out;
  }
  const auto* averaging = scenario.algorithm.params_if<CooperativeParams>();
  if (averaging != nullptr && averaging->averages_every_iteration()) {
    out.time = ring_allreduce_time(k, bytes, net.bandwidth, net.latency);
    out.formula = "ring all-reduce, CM02: 2(k-1)(lat + M/(k bw)); " + msg;
    return out;
  }
  out.formula = "no closed form for this algorithm's communication";
  return out;
}

IterationClosedForm scenario_iteration_time(const Scenario& scenario, std::int64_t samples) {
  const int k = scenario.cluster.workers;
  if (const auto* coding = scenario.algorithm.params_if<CodingParams>())
    return coding_iteration_time(scenario.cluster.compute, k, *coding);
  IterationClosedForm out;
  const auto* averaging = scenario.algorithm.params_if<CooperativeParams>();
  if (averaging == nullptr) {
    out.formula = "no closed form for algorithm " + scenario.algorithm.name();
    return out;
  }
  if (!averaging->mixing.is_average()) {
    out.formula = "no closed form: with a sparse mixing matrix each worker waits for its neighbours only";
    return out;
  }
  if (averaging->redundancy && averaging->redundancy->mu > 0) {
    out.formula = "no closed form here: RI-SGD's step loads q_j B/N differ per worker (its redundant chunks)";
    return out;
  }
  if (!averaging->averages_every_iteration()) {
    out.formula = "no closed form: a local SGD round is the max over workers of a sum of tau task times";
    return out;
  }
  if (samples < 1) {
    out.formula = "no closed form: empty data set";
    return out;
  }
  const double load = std::min(1.0, static_cast<double>(averaging->batch_size) / static_cast<double>(samples));
  std::string law;
  auto task = task_law(scenario.cluster.compute, load, out.formula, law);
  if (!task) return out;
  out.law = wait_all_law(k, *task);
  out.time = out.law->moments();
  out.formula = "sync: l = B/N = " + number(load) + ", max of k = " + std::to_string(k) + "; " + law;
  return out;
}

}  // namespace sgdsim::analysis
