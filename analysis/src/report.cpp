// The bounds report: closed forms, constants, Theorems 1 and 2, and simulated iteration times side by side.
#include "sgdsim/analysis/report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <vector>

#include "sgdsim/analysis/agc_bounds.hpp"
#include "sgdsim/analysis/closed_forms.hpp"
#include "sgdsim/analysis/estimate.hpp"
#include "sgdsim/analysis/text_table.hpp"
#include "sgdsim/core/algorithms/gradient_coding.hpp"
#include "sgdsim/core/algorithms/cooperative/params.hpp"
#include "sgdsim/core/data/assignment.hpp"

namespace sgdsim::analysis {

namespace {

std::string number(double x, int precision = 6) {
  if (std::isnan(x)) return "-";
  std::ostringstream out;
  out.precision(precision);
  out << x;
  return out.str();
}

std::string bound_text(const Bound& b) {
  if (b.applies) return number(b.value);
  return "n/a (violated: " + b.condition + ")" + (std::isnan(b.value) ? "" : " [formula: " + number(b.value) + "]");
}

// The network part of one iteration for the scenario's topology, or why none is given.
struct NetworkTerm {
  std::optional<double> time;
  std::string formula;
};
NetworkTerm network_term(const Scenario& scenario, std::int64_t dimension) {
  const NetworkSpec& net = scenario.cluster.network;
  const int k = scenario.cluster.workers;
  const double bytes = 8.0 * static_cast<double>(dimension);  // d doubles per model / gradient message
  NetworkTerm out;
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
    out.formula =
        "star, CM02: 2(2 lat + k M/bw), all k flows concurrent (exact without stragglers, an upper estimate with "
        "them); " +
        msg;
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

// Theorem 1's (c, r) for the scenario's algorithm, or why it does not cover it.
struct CodeParameters {
  bool covered = false;
  std::int64_t c = 1;
  std::int64_t r = 0;
  std::string why;
};
CodeParameters code_parameters(const Scenario& scenario) {
  const int k = scenario.cluster.workers;
  const auto* a = scenario.algorithm.params_if<CodingParams>();
  if (a == nullptr)
    return {false, 1, 0, scenario.algorithm.name() + " is mini-batch SGD; the theorems are about GD with a gradient code"};
  if (a->rescale)
    return {false, 1, a->wait_for, "ignore_stragglers rescales by k/r; the theorems cover the unscaled FRC decoder"};
  switch (a->rule) {
    case WaitRule::ALL:
      return {true, 1, k, ""};
    case WaitRule::EVERY_GROUP:
      return {true, a->tasks_per_worker, k - a->tasks_per_worker + 1, ""};
    case WaitRule::FIRST_R:
      return {true, a->tasks_per_worker, a->wait_for, ""};
  }
  return {};
}

}  // namespace

ObservedIterationTime observed_iteration_time(const RunResults& results) {
  std::map<int, std::vector<const IterationRecord*>> runs;
  for (const auto& r : results.iterations) runs[r.run].push_back(&r);
  std::vector<double> per_iteration;  // time increment / iteration increment of each record, weighted below
  std::vector<double> weights;
  double total_time = 0;
  std::int64_t total_iterations = 0;
  for (auto& [run, records] : runs) {
    std::sort(records.begin(), records.end(),
              [](const IterationRecord* x, const IterationRecord* y) { return x->iteration < y->iteration; });
    double last_time = 0;
    std::int64_t last_iteration = 0;
    for (const IterationRecord* r : records) {
      const std::int64_t di = r->iteration - last_iteration;
      if (di <= 0) continue;
      const double dt = r->time - last_time;
      per_iteration.push_back(dt / static_cast<double>(di));
      weights.push_back(static_cast<double>(di));
      total_time += dt;
      total_iterations += di;
      last_time = r->time;
      last_iteration = r->iteration;
    }
  }
  ObservedIterationTime out;
  out.iterations = total_iterations;
  if (total_iterations == 0) return out;
  out.mean = total_time / static_cast<double>(total_iterations);
  if (per_iteration.size() > 1) {
    double ss = 0;
    for (std::size_t i = 0; i < per_iteration.size(); ++i) {
      ss += weights[i] * (per_iteration[i] - out.mean) * (per_iteration[i] - out.mean);
    }
    const double variance = ss / static_cast<double>(total_iterations - 1);
    out.standard_error = std::sqrt(variance / static_cast<double>(total_iterations));
  }
  return out;
}

std::string bounds_report(const Scenario& scenario, const Problem& problem, const RunResults* simulated) {
  std::ostringstream out;
  const int k = scenario.cluster.workers;
  const auto& alg = scenario.algorithm;
  const auto& compute = scenario.cluster.compute;
  const std::int64_t n_samples = problem.samples();
  const std::int64_t d = problem.dimension();

  out << "Bounds report: scenario '" << scenario.name << "'\n";
  out << "  problem: " << (problem.objective() == kernels::Loss::LOGISTIC ? "logistic" : "least_squares")
      << ", N = " << n_samples << ", d = " << d << ", l2 = " << number(problem.l2()) << "\n";
  out << "  cluster: k = " << k << " workers, s = " << number(compute.seconds_per_pass) << " s/pass";
  if (compute.straggling_rate) out << ", straggling rate lambda = " << number(*compute.straggling_rate);
  if (compute.delay_mean) out << ", additive delay mean m = " << number(*compute.delay_mean);
  if (!compute.slowdown.empty()) out << ", " << compute.slowdown.size() << " slowed-down worker(s)";
  const auto* coding = alg.params_if<CodingParams>();
  const int c = coding ? coding->tasks_per_worker : 1;
  const int r = coding ? coding->wait_for : k;
  out << "\n  algorithm: " << alg.name() << " (c = " << c << ", r = " << r << ")\n\n";

  // Iteration times.
  out << "Mean iteration time, closed forms (compute part, ideal network)\n";
  TextTable times;
  times.row({"algorithm", "mean [s]", "std [s]", "formula"});
  const IterationClosedForm own = scenario_iteration_time(scenario, n_samples);
  auto add_time = [&](const std::string& label, const IterationClosedForm& f) {
    times.row({label, f.time ? number(f.time->mean) : "-", f.time ? number(f.time->stddev()) : "-", f.formula});
  };
  add_time(alg.name() + " (scenario)", own);
  add_time("uncoded", coding_iteration_time(compute, k, CodingParams::uncoded(k)));
  add_time("egc c=" + std::to_string(c), coding_iteration_time(compute, k, CodingParams::egc(k, c)));
  add_time("agc c=" + std::to_string(c) + " r=" + std::to_string(r),
           coding_iteration_time(compute, k, CodingParams::agc(k, c, r)));
  add_time("ignore_stragglers r=" + std::to_string(r),
           coding_iteration_time(compute, k, CodingParams::ignore_stragglers(k, r)));
  times.print(out);

  const NetworkTerm net = network_term(scenario, d);
  out << "  network per iteration: " << (net.time ? number(*net.time) + " s" : std::string("-")) << "  (" << net.formula
      << ")\n";
  std::optional<double> total;
  if (own.time && net.time) total = own.time->mean + *net.time;
  out << "  scenario total (compute + network): " << (total ? number(*total) + " s" : std::string("-")) << "\n";

  if (simulated != nullptr) {
    const ObservedIterationTime obs = observed_iteration_time(*simulated);
    TextTable sim;
    sim.row({"simulated mean [s]", "std. error [s]", "iterations", "closed form [s]", "ratio sim/closed"});
    const double reference = total ? *total : (own.time ? own.time->mean : std::nan(""));
    sim.row({number(obs.mean), number(obs.standard_error), std::to_string(obs.iterations), number(reference),
             obs.iterations > 0 && reference > 0 ? number(obs.mean / reference, 4) : "-"});
    out << "\nSimulated vs closed form" << (total ? " (compute + network)" : " (compute only)") << "\n";
    sim.print(out);
  }

  // Constants.
  out << "\nConstants\n";
  const Optimum opt = solve_optimum(problem);
  const Estimate beta = estimate_smoothness(problem);
  const Estimate mu = estimate_pl_constant(problem, opt.x);
  const std::vector<double> x0(static_cast<std::size_t>(d), 0.0);
  const double f0 = objective(problem, x0, {});
  const double delta0 = std::max(0.0, f0 - opt.loss);
  const Estimate per_sample = estimate_gradient_bound(problem, {x0, opt.x});
  // The theorems' f_i are the n = k task functions: with the algorithms' shards (repetition 0) that is the tighter,
  // relevant σ²; the per-sample maximum bounds it for any partition.
  Estimate sigma2 = per_sample;
  if (n_samples >= k) {
    const Shards shards(n_samples, k, scenario.seed, 0);
    std::vector<std::span<const std::int64_t>> parts;
    for (int i = 0; i < shards.count(); ++i) parts.push_back(shards.shard(i));
    sigma2 = estimate_partition_gradient_bound(problem, parts, {x0, opt.x});
    sigma2.how += " (the k shards of repetition 0)";
  }
  TextTable constants;
  constants.row({"beta", number(beta.value), beta.how});
  constants.row({"mu", number(mu.value), mu.how});
  constants.row({"F*", number(opt.loss, 10), opt.how + (opt.converged ? "" : " (NOT converged)")});
  constants.row({"Delta_0", number(delta0), "F(x_0) - F*, x_0 = 0"});
  constants.row({"sigma^2", number(sigma2.value), sigma2.how + ", at x_0 and x*; used below"});
  if (sigma2.how != per_sample.how) {
    constants.row({"sigma^2 (per sample)", number(per_sample.value), per_sample.how + ", at x_0 and x*"});
  }
  constants.print(out);

  // Theorem 1.
  const CodeParameters code = code_parameters(scenario);
  const std::int64_t iterations = scenario.stop.iterations.value_or(100);
  out << "\nTheorem 1 (AGC-GD under PL, n = k = " << k << " tasks, T = " << iterations
      << "): Delta_T <= (1 - (1 - e^{-cr/n}) mu/beta)^T Delta_0 + 2c e^{-cr/n} sigma^2/(mu n)\n";
  Theorem1Input t1;
  t1.n = k;
  t1.c = code.c;
  t1.r = code.r;
  t1.beta = beta.value;
  t1.mu = mu.value;
  t1.sigma2 = sigma2.value;
  t1.delta0 = delta0;
  t1.iterations = iterations;
  t1.step_size = alg.step.inverse ? std::nan("") : alg.step.eta;
  Bound b1 = agc_theorem1(t1);
  if (!code.covered && b1.applies) b1 = {b1.value, false, code.why};
  if (alg.step.inverse && b1.condition.rfind("step size", 0) == 0) {
    b1.condition = "constant step size gamma = 1/beta required, scenario uses eta0/(t + a)";
  }
  TextTable th1;
  th1.row({"c, r", std::to_string(t1.c) + ", " + std::to_string(t1.r)});
  th1.row({"bound on Delta_T", bound_text(b1)});
  th1.row({"noise floor", number(agc_theorem1_floor(t1))});
  th1.print(out);

  // Theorem 2.
  out << "\nTheorem 2 (expected time to accuracy epsilon, shifted-exponential model, c = 1/lambda)\n";
  if (!compute.straggling_rate || compute.delay_mean || !compute.slowdown.empty()) {
    out << "  n/a: needs cluster.compute.straggling alone (no delay, no slowdown)\n";
  } else {
    Theorem2Input t2;
    t2.n = k;
    t2.r = r;
    t2.lambda = *compute.straggling_rate;
    t2.seconds_per_pass = compute.seconds_per_pass;
    t2.beta = beta.value;
    t2.mu = mu.value;
    t2.sigma2 = sigma2.value;
    t2.delta0 = delta0;
    t2.step_size = alg.step.inverse ? std::nan("") : alg.step.eta;
    std::string eps_how;
    if (scenario.stop.target_loss && *scenario.stop.target_loss > opt.loss) {
      t2.epsilon = *scenario.stop.target_loss - opt.loss;
      eps_how = "stop.target_loss - F*";
    } else {
      t2.epsilon = 1e-3 * delta0;
      eps_how = "1e-3 Delta_0 (no target_loss above F*)";
    }
    Theorem2Bounds b2 = agc_theorem2(t2);
    if (b2.epsilon_min > t2.epsilon) {
      t2.epsilon = b2.epsilon_min;
      eps_how += ", raised to the theorem's minimum 3c e^{-cr/n} sigma^2/n";
      b2 = agc_theorem2(t2);
    }
    if (t2.epsilon >= delta0) eps_how += "; epsilon >= Delta_0, so x_0 already qualifies";
    auto seconds = [](const Bound& b) { return b.applies ? number(b.value) + " s" : bound_text(b); };
    TextTable th2;
    th2.row({"epsilon", number(t2.epsilon) + "  (" + eps_how + ")"});
    th2.row({"c = 1/(lambda s)", number(b2.c)});
    th2.row({"E[T_unc] <=", seconds(b2.uncoded)});
    th2.row({"E[T_EGC] <=", seconds(b2.egc)});
    th2.row({"E[T_AGC] <=", seconds(b2.agc) + "  (r = " + std::to_string(r) + ")"});
    th2.print(out);
  }
  return out.str();
}

}  // namespace sgdsim::analysis
