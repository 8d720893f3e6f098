// The LUPA-SGD paper's checkers (Haddadpour et al., NeurIPS 2019): Theorem 1 (eq. 8), ADA-LUPA Theorem 2 (eq. 12) for
// the tau schedule the run used, and Corollary 1's choice of tau next to Stich's.
#include <algorithm>
#include <cmath>

#include "checkers.hpp"
#include "sgdsim/analysis/lupa_bounds.hpp"

namespace sgdsim::analysis {

namespace {

const char* PAPER = "LUPA-SGD (Haddadpour, Kamani, Mahdavi & Cadambe, NeurIPS 2019)";

// eta_t = 4/(mu (t + a)): sgdsim's schedule eta0/(t + a) at iteration t + 1 is the paper's eta_t for t = 0, 1, ...
// (the proof's x^(0) and (T + a)^3), so the theorem's mu is 4/eta0 and its a the schedule's a. F is then mu-PL for
// that mu when it is no larger than F's PL constant.
struct LupaStep {
  double mu = NO_VALUE;
  double a = NO_VALUE;
  Condition condition;
};
LupaStep lupa_step(TheoryContext& ctx) {
  const StepSize& step = ctx.scenario().algorithm.step;
  const Constant mu = ctx.pl_constant();
  if (!step.inverse) {
    return {NO_VALUE, NO_VALUE,
            condition(false, "eta_t = 4/(mu (t + a)) (step_size {schedule: inverse, eta0: 4/mu, a})",
                      "the scenario's step size is constant")};
  }
  const double mu_step = 4.0 / step.eta0;
  return {mu_step, step.a,
          condition(mu_step <= mu.value * (1 + 1e-6), "eta_t = 4/(mu (t + a)) with F mu-PL: 4/eta0 <= PL constant",
                    "4/eta0 = " + number(mu_step) + ", PL constant = " + number(mu.value) + ", a = " + number(step.a))};
}

// The constants both theorems use, with mu the step's.
struct LupaSetup {
  AveragingView view;
  LupaStep step;
  LupaConstants k;
  std::vector<Constant> constants;
  std::vector<Condition> conditions;
};
LupaSetup lupa_setup(TheoryContext& ctx) {
  LupaSetup s;
  s.view = *averaging_view(ctx.scenario());
  s.step = lupa_step(ctx);
  const Constant L = ctx.smoothness(), c1 = ctx.relative_variance(s.view.batch), d0 = ctx.delta0();
  const Constant sigma2 = ctx.sample_variance(s.view.batch, c1.value);
  s.k = {s.view.p, s.view.batch, L.value, s.step.mu, c1.value, sigma2.value, d0.value};
  s.constants = {L, ctx.pl_constant(), c1, sigma2, d0, ctx.f_star()};
  if (!std::isnan(s.step.mu)) {
    Constant m{"mu (step)", "the PL constant the step size stands for, 4/eta0", s.step.mu, Origin::CLOSED_FORM,
               "algorithm.step_size.eta0"};
    s.constants.push_back(m);
    ctx.use(m);
  }
  s.conditions = {s.step.condition, whole_data_set_sampling(s.view, "Assumption 1"),
                  condition(true, "all local models start at the same point", "x_0 = 0 on every worker")};
  return s;
}

TheoremCheck theorem1(TheoryContext& ctx) {
  const Scenario& sc = ctx.scenario();
  LupaSetup s = lupa_setup(ctx);
  TheoremCheck t;
  t.id = "lupa.theorem1";
  t.title = "LUPA-SGD Theorem 1: local SGD with tau = " + std::to_string(s.view.tau) + " under PL";
  t.source = std::string(PAPER) + ", Theorem 1, eqs. (7)-(8)";
  t.statement = "E[F(x_T) - F*] <= (mu B p a^3 Delta_0 + 4 kappa sigma^2 T (T + 2a) + 256 kappa^2 sigma^2 T (tau-1)) "
                "/ (mu B p (T + a)^3)";
  t.constants = s.constants;
  t.conditions = s.conditions;
  t.conditions.push_back(constant_tau(s.view, "a constant tau (ADA-LUPA Theorem 2 covers schedules)"));
  std::int64_t T = sc.stop.iterations.value_or(0);
  t.measured = ctx.gap_at_end(T);
  if (!std::isnan(s.step.a) && s.view.constant_tau) {
    const double alpha = (s.step.a - 4.0) / s.view.tau;
    const auto tau_conditions = lupa_tau_conditions(s.k, s.view.tau, s.step.a, alpha);
    t.conditions.insert(t.conditions.end(), tau_conditions.begin(), tau_conditions.end());
    t.bound = lupa_theorem1_bound(s.k, T, s.view.tau, s.step.a);
    t.bound_label = "eq. (8), T = " + std::to_string(T) + ", tau = " + std::to_string(s.view.tau) + ", a = " +
                    number(s.step.a) + " (alpha = " + number(alpha) + "), kappa = L/mu = " + number(s.k.L / s.k.mu);
  }
  t.trivial = s.k.delta0;
  t.trivial_what = "Delta_0, the initial gap";
  return t;
}

// tau_1..tau_E: the run's (repetition 0), or the scenario's constant tau over stop.iterations.
std::vector<std::int64_t> schedule(TheoryContext& ctx, const AveragingView& view, std::string& how) {
  if (ctx.run() != nullptr) {
    how = "trace.csv, repetition 0 (rounds where comm_rounds rises)";
    auto taus = ctx.tau_schedule(0);
    for (int r = 1; r < ctx.repetitions_measured(); ++r) {
      if (ctx.tau_schedule(r) != taus) how += "; other repetitions differ";
    }
    return taus;
  }
  const TauSchedule& schedule = view.params->tau;
  how = schedule.needs_loss() ? "the scenario's loss rule, whose tau_i only a run decides: tau0 throughout"
                              : "the scenario's tau schedule over stop.iterations";
  std::vector<std::int64_t> taus;
  const std::int64_t T = ctx.scenario().stop.iterations.value_or(0);
  for (std::int64_t t = 0; t < T; t += taus.back()) {
    const std::int64_t tau = view.params->average_gradients ? 1 : schedule.tau(static_cast<std::int64_t>(taus.size()));
    taus.push_back(std::min<std::int64_t>(tau, T - t));
  }
  return taus;
}

TheoremCheck ada_theorem2(TheoryContext& ctx) {
  LupaSetup s = lupa_setup(ctx);
  TheoremCheck t;
  t.id = "lupa.theorem2";
  t.title = "ADA-LUPA Theorem 2: local SGD with the run's tau_1..tau_E";
  t.source = std::string(PAPER) + ", Theorem 2, eq. (12)";
  t.statement = "E[F(x_T) - F*] <= c^3/(T+c)^3 Delta_0 + 4 kappa sigma^2 T (T+2c)/(mu B p (T+c)^3) + 256 kappa^2 "
                "sigma^2 sum_i (tau_i-1) tau_i/(mu B p (T+c)^3), c = alpha max tau_i + 4";
  t.constants = s.constants;
  t.conditions = s.conditions;
  std::string how;
  const auto taus = schedule(ctx, s.view, how);
  std::int64_t T = 0;
  t.measured = ctx.gap_at_end(T);
  if (taus.empty()) {
    t.conditions.push_back(condition(false, "at least one averaging round", "none in the run"));
    return t;
  }
  const std::int64_t largest = *std::max_element(taus.begin(), taus.end());
  const SpeedupConditions speedup = ada_lupa_speedup(taus, s.view.p, s.view.batch);
  t.notes.push_back("tau_1..tau_E: " + std::to_string(taus.size()) + " rounds, max " + std::to_string(largest) +
                    ", from " + how);
  t.notes.push_back("linear speed-up (section 5): i) sum tau_i = " + std::to_string(speedup.sum) +
                    "; ii) sum tau_i (tau_i - 1)/T^2 = " + number(speedup.ratio_ii) +
                    "; iii) (max tau_i)^3 p B/T^2 = " + number(speedup.ratio_iii) +
                    " (ii and iii are O(1) conditions: a ratio that stays bounded as T grows)");
  if (!std::isnan(s.step.a)) {
    const double c = s.step.a;
    const double alpha = (c - 4.0) / static_cast<double>(largest);
    const auto conditions = ada_lupa_conditions(s.k, taus, c, alpha);
    t.conditions.insert(t.conditions.end(), conditions.begin(), conditions.end());
    t.bound = ada_lupa_bound(s.k, taus, c);
    t.bound_label = "eq. (12), T = sum tau_i = " + std::to_string(speedup.sum) + ", c = " + number(c) +
                    " (alpha = " + number(alpha) + ")";
  }
  t.trivial = s.k.delta0;
  t.trivial_what = "Delta_0, the initial gap";
  return t;
}

Recommendation corollary1(TheoryContext& ctx) {
  const Scenario& sc = ctx.scenario();
  const AveragingView view = *averaging_view(sc);
  std::int64_t T = sc.stop.iterations.value_or(0);
  if (ctx.run() != nullptr) ctx.gap_at_end(T);
  Recommendation rec;
  rec.id = "lupa.corollary1";
  rec.title = "LUPA-SGD: the number of local steps tau, T = " + std::to_string(T) + ", p = " +
              std::to_string(view.p) + ", B = " + std::to_string(view.batch);
  rec.source = std::string(PAPER) + ", Corollary 1 and section 6";
  const double star = lupa_tau_star(T, view.p, view.batch);
  const double stich = stich_tau(T, view.p, view.batch);
  // With an inverse schedule, eq. (8) at each tau keeps the scenario's alpha = (a - 4)/tau.
  const StepSize& step = sc.algorithm.step;
  LupaConstants k;
  const bool bound = step.inverse;
  double alpha = NO_VALUE;
  if (bound) {
    const Constant c1 = ctx.relative_variance(view.batch);
    k = {view.p, view.batch, ctx.smoothness().value, 4.0 / step.eta0, c1.value,
         ctx.sample_variance(view.batch, c1.value).value, ctx.delta0().value};
    alpha = (step.a - 4.0) / view.tau;
  }
  auto row = [&](const std::string& label, double tau, const std::string& note) {
    const int whole = std::max(1, static_cast<int>(std::lround(tau)));
    std::string text = (note.empty() ? "" : note + "; ") + number(static_cast<double>(T) / whole, 4) + " rounds";
    if (bound) text += "; eq. (8) = " + number(lupa_theorem1_bound(k, T, whole, alpha * whole + 4));
    rec.rows.push_back({label, tau, text});
  };
  // Section 6 rounds T^(2/3)/(pB)^(1/3) = 90.75 to 91 and sqrt(T/(pB)) = 5.85 down to 5.
  row("Corollary 1: T^(2/3)/(pB)^(1/3)", star, "rounded: " + std::to_string(std::lround(star)));
  row("Stich (ICLR 2019): sqrt(T/(pB))", stich,
      "rounded down, as section 6 does: " + std::to_string(static_cast<long>(std::floor(stich))));
  row("the scenario's tau", view.tau, view.constant_tau ? "" : "tau0 of its schedule");
  if (bound) rec.notes.push_back("eq. (8) evaluated with the scenario's alpha = (a - 4)/tau = " + number(alpha));
  return rec;
}

}  // namespace

bool is_model_averaging(const Scenario& scenario) { return averaging_view(scenario).has_value(); }

bool is_local_sgd(const Scenario& scenario) {
  const auto view = averaging_view(scenario);
  return view && view->full_averaging;
}

Condition whole_data_set_sampling(const AveragingView& view, const std::string& assumption) {
  return condition(view.sample_data_set,
                   assumption + ": mini-batches drawn from the whole data set, unbiased for grad F "
                                "(algorithm.sampling = data_set)",
                   view.sample_data_set ? "sampling = data_set"
                                        : "sampling = shard: a worker's gradient is unbiased for its shard's only");
}

Condition constant_tau(const AveragingView& view, const std::string& statement) {
  return condition(view.constant_tau, statement,
                   view.constant_tau ? "tau = " + std::to_string(view.tau) : "the scenario's tau is a schedule");
}

double constant_step(const Scenario& scenario, std::vector<Condition>& conditions) {
  const StepSize& step = scenario.algorithm.step;
  conditions.push_back(condition(!step.inverse, "a constant learning rate eta",
                                 step.inverse ? "the scenario uses eta0/(t + a)" : "eta = " + number(step.eta)));
  return step.inverse ? NO_VALUE : step.eta;
}

std::vector<TheoremChecker> lupa_checkers() {
  return {{"lupa.theorem1", PAPER, is_local_sgd, theorem1},
          {"lupa.theorem2", PAPER, is_local_sgd, ada_theorem2}};
}

std::vector<RecommendationMaker> lupa_recommendations() {
  return {{"lupa.corollary1", is_local_sgd, corollary1}};
}

}  // namespace sgdsim::analysis
