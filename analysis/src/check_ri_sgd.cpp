// The RI-SGD paper's checkers (Haddadpour et al., ICML 2019): Theorems 4.1 and 4.2 on the run's average squared
// gradient, the learning-rate ceiling of Corollary 4.1.1, and section 4.4's redundancy against failures. ri_sgd
// scenarios give q = mu p + 1 (cyclic chunk sets); local SGD sampling from its shard is RI-SGD with q = 1 (PR-SGD).
#include <algorithm>
#include <cmath>

#include "checkers.hpp"
#include "sgdsim/analysis/ri_sgd_bounds.hpp"

namespace sgdsim::analysis {

namespace {

const char* PAPER = "RI-SGD (Haddadpour, Kamani, Mahdavi & Cadambe, ICML 2019)";

struct RiSetup {
  AveragingView view;
  RiSgdInput in;
  TheoryContext::ChunkConstants chunks;
  std::vector<Constant> constants;
  std::vector<Condition> conditions;
};

RiSetup ri_setup(TheoryContext& ctx) {
  RiSetup s;
  const Scenario& sc = ctx.scenario();
  s.view = *averaging_view(sc);
  s.in.p = s.view.p;
  s.in.q = s.view.q;
  s.in.tau = s.view.tau;
  s.in.eta = constant_step(sc, s.conditions);
  s.conditions.push_back(constant_tau(s.view, "a constant tau"));
  s.conditions.push_back(condition(!s.view.sample_data_set,
                                   "Assumption 1: each mini-batch drawn from one chunk the worker holds",
                                   s.view.sample_data_set ? "sampling = data_set: drawn from the whole data set"
                                                          : "sampling = shard, q = " + std::to_string(s.view.q)));
  s.conditions.push_back(condition(s.view.q >= 1 && s.view.q <= s.view.p, "1/p <= gamma = q/p <= 1",
                                   "gamma = " + number(s.in.gamma())));
  s.conditions.push_back(condition(s.view.whole_chunks && s.view.uniform_q,
                                   "every worker holds q whole chunks (q = mu p + 1 an integer, the same for all)",
                                   "mu = " + number(s.view.mu) + ", mu p = " + number(s.view.mu * s.view.p) +
                                       (s.view.uniform_q ? "" : ", heterogeneous mu_j") +
                                       (s.view.whole_chunks ? "" : ": a partial chunk, q taken as floor(mu p) + 1")));
  s.conditions.push_back(condition(s.view.chunk_sum, "eq. (3): the q chunk gradients summed",
                                   s.view.chunk_sum ? "combine = sum" : "combine = mean"));
  s.conditions.push_back(condition(s.view.averaged == s.view.p && sc.cluster.failures.empty(),
                                   "every round averages all p models",
                                   "wait_for = " + std::to_string(s.view.averaged) + " of " +
                                       std::to_string(s.view.p) +
                                       (sc.cluster.failures.empty() ? ", no failures" : ", cluster.failures")));
  s.conditions.push_back(condition(true, "all local models start at the same point", "x_1 = 0 on every worker"));
  const Constant L = ctx.smoothness(), c1 = ctx.relative_variance(s.view.batch), d0 = ctx.delta0();
  s.chunks = ctx.chunk_constants(s.view.p, s.view.q, s.view.batch, c1.value);
  s.in.L = L.value;
  s.in.c1 = c1.value;
  s.in.c2sq = s.chunks.c2sq.value;
  s.in.beta = s.chunks.beta.value;
  s.in.g_tilde = s.chunks.g_tilde.value;
  s.in.delta1 = d0.value;
  s.in.T = sc.stop.iterations.value_or(1);
  s.constants = {L, c1, s.chunks.c2sq, s.chunks.beta, s.chunks.g_tilde, d0, ctx.f_star()};
  return s;
}

TheoremCheck check(TheoryContext& ctx, bool strengthened) {
  RiSetup s = ri_setup(ctx);
  TheoremCheck t;
  t.id = strengthened ? "ri_sgd.theorem42" : "ri_sgd.theorem41";
  t.title = std::string("RI-SGD Theorem ") + (strengthened ? "4.2" : "4.1") + ": q = " + std::to_string(s.in.q) +
            " of p = " + std::to_string(s.in.p) + " chunks, tau = " + std::to_string(s.in.tau);
  t.source = std::string(PAPER) + (strengthened ? ", Theorem 4.2, eq. (7)" : ", Theorem 4.1, eq. (6)");
  t.statement = strengthened
                    ? "E[(1/T) sum_t ||grad F(x_t)||^2] <= 2 Delta_1/(eta T) + eta L C2^2 gamma/p + ((p+1)/p) gamma C2^2 "
                      "eta^2 L^2 (tau-1) + 2 p^2 (1 - gamma) beta"
                    : "E[(1/T) sum_t ||grad F(x_t)||^2] <= 2 Delta_1/(eta T) + eta L C2^2 gamma/p + gamma ((p+1)/p) "
                      "eta^2 L^2 (tau-1) C2^2 + (gamma - 1) G~ + (p^2/2) [3 gamma^2 - 4 gamma + (3 - 1/p)] beta";
  t.constants = s.constants;
  t.conditions = s.conditions;
  std::int64_t K = s.in.T;
  t.measured = ctx.mean_squared_gradient(K);
  s.in.T = K;
  if (!std::isnan(s.in.eta)) {
    const double lhs = ri_sgd_rate_lhs(s.in);
    const std::string numbers = "eta^2 L^2 (2 tau C1 (p+1)/p + tau (tau-1)) + eta L (C1 + gamma p^2)/p = " +
                                number(lhs) + " (eta = " + number(s.in.eta) + ")";
    if (strengthened) {
      t.constants.push_back(s.chunks.rho);
      t.conditions.push_back(condition(s.chunks.rho.value > 0 && lhs < s.chunks.rho.value,
                                       "rho^(t) > 0 and the learning-rate condition < rho^(t) for every t",
                                       numbers + ", rho = " + number(s.chunks.rho.value)));
    } else {
      t.conditions.push_back(condition(lhs <= 1, "learning-rate condition <= 1", numbers));
    }
    t.bound = strengthened ? ri_sgd_theorem42(s.in) : ri_sgd_theorem41(s.in);
    t.bound_label = std::string(strengthened ? "eq. (7)" : "eq. (6)") + ", T = " + std::to_string(s.in.T);
  }
  const double L = s.in.L;
  t.trivial = 2 * L * s.in.delta1;
  t.trivial_what = "2 L Delta_1, the largest ||grad F||^2 on {F <= F(x_1)}";
  return t;
}

TheoremCheck theorem41(TheoryContext& ctx) { return check(ctx, false); }
TheoremCheck theorem42(TheoryContext& ctx) { return check(ctx, true); }

Recommendation learning_rate(TheoryContext& ctx) {
  RiSetup s = ri_setup(ctx);
  Recommendation rec;
  rec.id = "ri_sgd.learning_rate";
  rec.title = "RI-SGD: the learning-rate ceiling, tau = " + std::to_string(s.in.tau);
  rec.source = std::string(PAPER) + ", Corollary 4.1.1";
  rec.rows.push_back({"Corollary 4.1.1: 1/(L sqrt(2 tau C1 (p+1)/p + tau (tau-1)))", ri_sgd_eta_ceiling(s.in),
                      "necessary"});
  rec.rows.push_back({"largest eta meeting Theorem 4.1's condition", ri_sgd_eta_max(s.in, 1.0), "sufficient"});
  rec.rows.push_back({"largest eta meeting Theorem 4.2's (rho = " + number(s.chunks.rho.value) + ")",
                      ri_sgd_eta_max(s.in, s.chunks.rho.value), "strict inequality"});
  rec.rows.push_back({"the scenario's eta", s.in.eta, std::isnan(s.in.eta) ? "not constant" : ""});
  return rec;
}

Recommendation failures(TheoryContext& ctx) {
  RiSetup s = ri_setup(ctx);
  Recommendation rec;
  rec.id = "ri_sgd.failures";
  rec.title = "RI-SGD: redundancy gamma_s = q/p that beats ignoring s failed workers, tau = " + std::to_string(s.in.tau);
  rec.source = std::string(PAPER) + ", section 4.4";
  if (std::isnan(s.in.eta)) {
    rec.notes.push_back("needs a constant learning rate");
    return rec;
  }
  for (int failed = 1; failed < std::min(s.in.p, 5); ++failed) {
    const double plain = ri_sgd_failure_error_plain(s.in, failed);
    int best_q = 0;
    double best = UNBOUNDED;
    for (int q = 1; q <= s.in.p; ++q) {
      RiSgdInput in = s.in;
      in.q = q;
      const double e = ri_sgd_failure_error(in, failed, ctx.g_tilde(s.in.p, q, s.in.p - failed));
      if (e < plain && best_q == 0) best_q = q, best = e;
    }
    rec.rows.push_back({"s = " + std::to_string(failed) + ": E(tau, s) of local SGD ignoring them", plain, ""});
    rec.rows.push_back({"s = " + std::to_string(failed) + ": smallest gamma_s = q/p with E_RI-SGD < E(tau, s)",
                        best_q > 0 ? static_cast<double>(best_q) / s.in.p : NO_VALUE,
                        best_q > 0 ? "q = " + std::to_string(best_q) + ", E_RI-SGD = " + number(best)
                                   : "none: no budget beats it with these constants"});
  }
  rec.notes.push_back("cyclic chunk sets (worker j holds j, ..., j+q-1); G~ of each q from the chunk gradients at the "
                      "region's points; E(tau, s) as printed, with eta (tau + T) in its first term");
  return rec;
}

}  // namespace

std::vector<TheoremChecker> ri_sgd_checkers() {
  return {{"ri_sgd.theorem41", PAPER, is_local_sgd, theorem41},
          {"ri_sgd.theorem42", PAPER, is_local_sgd, theorem42}};
}

std::vector<RecommendationMaker> ri_sgd_recommendations() {
  return {{"ri_sgd.learning_rate", is_local_sgd, learning_rate},
          {"ri_sgd.failures", is_local_sgd, failures}};
}

}  // namespace sgdsim::analysis
