// The AGC paper's checkers (Wang, Charles & Papailiopoulos, ICML 2019): Theorems 1 and 2 for uncoded, EGC- and
// AGC-GD, and its choice of r.
#include <cmath>

#include "checkers.hpp"
#include "sgdsim/analysis/agc_bounds.hpp"
#include "sgdsim/analysis/closed_forms.hpp"
#include "sgdsim/core/algorithms/gradient_coding.hpp"

namespace sgdsim::analysis {

namespace {

const char* PAPER = "AGC (Wang, Charles & Papailiopoulos, ICML 2019)";

// The theorems' (c, r) for the scenario's member of the family: uncoded is the code with c = 1 and r = k, EGC waits
// for what makes the code exact (r = k - c + 1 covers every group whatever the stragglers).
struct Code {
  std::int64_t c = 1, r = 0;
  std::string member;
};
Code code_of(const Scenario& s) {
  const auto& a = s.algorithm.params_as<CodingParams>();
  const int k = s.cluster.workers;
  switch (a.rule) {
    case WaitRule::ALL: return {1, k, "uncoded"};
    case WaitRule::EVERY_GROUP: return {a.tasks_per_worker, k - a.tasks_per_worker + 1, "egc"};
    case WaitRule::FIRST_R: return {a.tasks_per_worker, a.wait_for, "agc"};
  }
  return {};
}

// gamma = 1/beta: the run's constant step stands for beta = 1/gamma, which must be a smoothness constant (>= L).
struct StepBeta {
  double beta = NO_VALUE;
  Condition condition;
};
StepBeta step_beta(TheoryContext& ctx) {
  const StepSize& step = ctx.scenario().algorithm.step;
  const Constant L = ctx.smoothness();
  if (step.inverse)
    return {NO_VALUE, condition(false, "constant step size gamma = 1/beta", "the scenario uses eta0/(t + a)")};
  const double beta = 1.0 / step.eta;
  // A step typed with a few digits from an estimate of L: accept a relative shortfall of 1e-6.
  return {beta, condition(beta >= L.value * (1 - 1e-6), "gamma = 1/beta with beta >= L (a smoothness constant)",
                          "1/gamma = " + number(beta, 10) + ", L = " + number(L.value, 10))};
}

// The decoded gradient is eq. (1) unless AGC adds l2 x in full (l2_term "full", the authors' code).
Condition decoder_condition(const Scenario& s) {
  const auto& a = s.algorithm.params_as<CodingParams>();
  return condition(!a.full_l2, "decoded gradient of eq. (1) (algorithm.l2_term = covered)",
                   std::string("l2_term = ") + (a.full_l2 ? "full" : "covered"));
}

TheoremCheck theorem1(TheoryContext& ctx) {
  const Scenario& s = ctx.scenario();
  const Code code = code_of(s);
  TheoremCheck t;
  t.id = "agc.theorem1";
  t.title = "AGC Theorem 1: convergence of " + code.member + "-GD under PL";
  t.source = std::string(PAPER) + ", Theorem 1";
  t.statement = "Delta_T <= (1 - (1 - e^{-cr/n}) mu/beta)^T Delta_0 + 2c e^{-cr/n} sigma^2/(mu n)";
  const StepBeta sb = step_beta(ctx);
  const Constant mu = ctx.pl_constant(), sigma2 = ctx.gradient_bound(), d0 = ctx.delta0(), L = ctx.smoothness();
  t.constants = {L, mu, sigma2, d0, ctx.f_star()};
  std::int64_t T = s.stop.iterations.value_or(0);
  t.measured = ctx.gap_at_end(T);
  AgcTheorem1Input in;
  in.n = s.cluster.workers;
  in.c = code.c;
  in.r = code.r;
  in.beta = sb.beta;
  in.mu = mu.value;
  in.sigma2 = sigma2.value;
  in.delta0 = d0.value;
  in.iterations = T;
  const AgcTheorem1 b = agc_theorem1(in);
  t.conditions.push_back(sb.condition);
  t.conditions.push_back(decoder_condition(s));
  t.conditions.insert(t.conditions.end(), b.conditions.begin(), b.conditions.end());
  t.bound = b.bound;
  t.bound_label = "bound on Delta_T, T = " + std::to_string(T) + " (c = " + std::to_string(code.c) +
                  ", r = " + std::to_string(code.r) + ", n = k = " + std::to_string(in.n) + ")";
  t.lines.push_back({"noise floor 2c e^{-cr/n} sigma^2/(mu n)", b.floor, "the bound as T -> infinity"});
  t.trivial = d0.value;
  t.trivial_what = "Delta_0, the initial gap";
  if (code.member == "egc" || code.member == "uncoded")
    t.notes.push_back("exact decoding: Y_i = 1 always, so the floor term is loose for " + code.member);
  return t;
}

TheoremCheck theorem2(TheoryContext& ctx) {
  const Scenario& s = ctx.scenario();
  const Code code = code_of(s);
  const ComputeSpec& compute = s.cluster.compute;
  TheoremCheck t;
  t.id = "agc.theorem2";
  t.title = "AGC Theorem 2: expected time of " + code.member + "-GD to accuracy epsilon";
  t.source = std::string(PAPER) + ", Theorem 2";
  t.statement = "E[T_eps] <= iterations x time per iteration (uncoded, EGC: log(Delta_0/eps)/log(1/(1-kappa)); "
                "AGC: log(3 Delta_0/eps)/log(1/(1-eta kappa)))";
  const StepBeta sb = step_beta(ctx);
  const Constant mu = ctx.pl_constant(), sigma2 = ctx.gradient_bound(), d0 = ctx.delta0(), fs = ctx.f_star();
  t.constants = {ctx.smoothness(), mu, sigma2, d0, fs};
  t.conditions.push_back(sb.condition);
  t.conditions.push_back(condition(compute.straggling_rate && !compute.delay_mean && compute.slowdown.empty(),
                                   "task times l (s + Exp(lambda)) (cluster.compute.straggling alone)",
                                   compute.straggling_rate ? (compute.delay_mean || !compute.slowdown.empty()
                                                                  ? "delay or slowdown also set"
                                                                  : "lambda = " + number(*compute.straggling_rate))
                                                           : "no straggling rate"));
  // epsilon: given, or the run's target.
  double eps = NO_VALUE;
  std::string eps_how;
  if (s.theory.epsilon) {
    eps = *s.theory.epsilon;
    eps_how = "scenario.theory.epsilon";
  } else if (s.stop.target_loss && *s.stop.target_loss > fs.value) {
    eps = *s.stop.target_loss - fs.value;
    eps_how = "stop.target_loss - F*";
  }
  t.conditions.push_back(condition(!std::isnan(eps), "an accuracy epsilon",
                                   std::isnan(eps) ? "set stop.target_loss above F* or theory.epsilon"
                                                   : "epsilon = " + number(eps) + " (" + eps_how + ")"));
  Constant e{"epsilon", "accuracy F - F* to reach", eps, Origin::GIVEN, eps_how.empty() ? "none" : eps_how};
  t.constants.push_back(e);
  ctx.use(e);

  const NetworkTime net = scenario_network_time(s, ctx.problem().dimension());
  AgcTheorem2Input in;
  in.n = s.cluster.workers;
  in.r = code.member == "agc" ? code.r : s.cluster.workers;
  in.lambda = compute.straggling_rate.value_or(0.0);
  in.seconds_per_pass = compute.seconds_per_pass;
  in.beta = sb.beta;
  in.mu = mu.value;
  in.sigma2 = sigma2.value;
  in.delta0 = d0.value;
  in.epsilon = std::isnan(eps) ? 0.0 : eps;
  in.network = net.time.value_or(0.0);
  const AgcTheorem2 b = agc_theorem2(in);
  const AgcRuntime& own = code.member == "uncoded" ? b.uncoded : code.member == "egc" ? b.egc : b.agc;
  t.conditions.insert(t.conditions.end(), own.conditions.begin(), own.conditions.end());
  if (code.member != "uncoded") {
    // The theorem's EGC and AGC use c = 1/lambda tasks per worker: the run must be that algorithm.
    t.conditions.push_back(condition(std::abs(b.c - static_cast<double>(code.c)) <= 1e-9 * b.c,
                                     "the run's c (tasks_per_worker) = 1/(lambda s)",
                                     "1/(lambda s) = " + number(b.c) + ", tasks_per_worker = " + std::to_string(code.c)));
  }
  t.bound = own.corrected;
  t.bound_label = "corrected: ceil(" + number(own.iterations) + ") iterations x (" + number(own.per_iteration_exact) +
                  " s exact expected compute + " + number(in.network) + " s network)";
  const std::string network = net.time ? net.formula : "no network closed form (" + net.formula + "): 0 used";
  for (const auto& [label, v] : {std::pair{"uncoded", &b.uncoded}, {"egc", &b.egc}, {"agc", &b.agc}}) {
    const std::string mark = label == code.member ? " (this run)" : "";
    t.lines.push_back({std::string(label) + mark + ", paper's expression", v->paper,
                       number(v->iterations) + " iterations x " + number(v->per_iteration_paper) + " s"});
    t.lines.push_back({std::string(label) + mark + ", corrected", v->corrected,
                       "ceil(" + number(v->iterations) + ") x (" + number(v->per_iteration_exact) + " + " +
                           number(in.network) + ") s"});
  }
  t.notes.push_back("corrected = the number of iterations rounded up, times the exact expected iteration time "
                    "(order statistics of the shifted exponential) plus the network term; the verdict is on it");
  t.notes.push_back("network term: " + network);
  if (code.member == "agc" && s.algorithm.params_as<CodingParams>().stop_when_covered)
    t.notes.push_back("stop_when = r_or_covered ends an iteration no later than the r-th arrival: the bound stands");
  if (!std::isnan(eps)) {
    t.measured = ctx.time_to_gap(eps);
    if (eps >= d0.value) {
      t.trivial = 0;
      t.trivial_what = "0 (x_0 is already within epsilon: Delta_0 <= epsilon)";
    }
  }
  return t;
}

// The paper's choice of r: Theorem 1 needs r >= n ln(2)/c; r >= k - c + 1 makes AGC exact (EGC); in between, the r
// with the smallest corrected Theorem 2 bound.
Recommendation choice_of_r(TheoryContext& ctx) {
  const Scenario& s = ctx.scenario();
  const auto& a = s.algorithm.params_as<CodingParams>();
  const int k = s.cluster.workers;
  const int c = a.tasks_per_worker;
  Recommendation rec;
  rec.id = "agc.choice_of_r";
  rec.title = "AGC: the choice of r (workers waited for), c = " + std::to_string(c);
  rec.source = std::string(PAPER) + ", Theorems 1-2 and section 4";
  const double r_min = std::ceil(k * std::log(2.0) / c);
  rec.rows.push_back({"smallest r with c >= n ln(2)/r (Theorem 1)", r_min, ""});
  rec.rows.push_back({"r from which AGC is exact (k - c + 1)", static_cast<double>(k - c + 1), "AGC = EGC from there"});
  rec.rows.push_back({"the scenario's r", static_cast<double>(a.wait_for), a.algorithm});
  const ComputeSpec& compute = s.cluster.compute;
  const double fs = ctx.f_star().value;
  const double eps = s.theory.epsilon ? *s.theory.epsilon
                                      : (s.stop.target_loss && *s.stop.target_loss > fs ? *s.stop.target_loss - fs
                                                                                        : NO_VALUE);
  if (!compute.straggling_rate || std::isnan(eps) || s.algorithm.step.inverse) {
    rec.notes.push_back("the r minimising Theorem 2 needs straggling alone, a constant step and an epsilon");
    return rec;
  }
  AgcTheorem2Input in;
  in.n = k;
  in.lambda = *compute.straggling_rate;
  in.seconds_per_pass = compute.seconds_per_pass;
  in.beta = 1.0 / s.algorithm.step.eta;
  in.mu = ctx.pl_constant().value;
  in.sigma2 = ctx.gradient_bound().value;
  in.delta0 = ctx.delta0().value;
  in.epsilon = eps;
  in.network = scenario_network_time(s, ctx.problem().dimension()).time.value_or(0.0);
  double best = UNBOUNDED;
  int best_r = 0;
  for (int r = std::max(1, static_cast<int>(r_min)); r < k; ++r) {
    in.r = r;
    const AgcTheorem2 b = agc_theorem2(in);
    bool ok = true;
    for (const auto& cond : b.agc.conditions) ok = ok && cond.status != Condition::Status::FAILS;
    if (ok && b.agc.corrected < best) best = b.agc.corrected, best_r = r;
  }
  if (best_r > 0) {
    rec.rows.push_back({"r minimising the corrected Theorem 2 bound", static_cast<double>(best_r),
                        "E[T_AGC] <= " + number(best) + " s there (c = 1/(lambda s))"});
  } else {
    rec.notes.push_back("no r satisfies Theorem 2's AGC conditions here");
  }
  return rec;
}

}  // namespace

std::vector<TheoremChecker> agc_checkers() {
  return {{"agc.theorem1", PAPER, is_frc_coding, theorem1}, {"agc.theorem2", PAPER, is_frc_coding, theorem2}};
}

std::vector<RecommendationMaker> agc_recommendations() {
  return {{"agc.choice_of_r", is_frc_coding, choice_of_r}};
}

}  // namespace sgdsim::analysis
