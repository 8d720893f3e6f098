// RI-SGD Theorems 4.1 and 4.2, Corollary 4.1.1 and section 4.4 (ICML 2019), transcribed.
#include "sgdsim/analysis/ri_sgd_bounds.hpp"

#include <cmath>

namespace sgdsim::analysis {

namespace {

// 2 tau C1 (p+1)/p + tau (tau-1): the factor of eta^2 L^2 in the learning-rate condition.
double local_factor(const RiSgdInput& in) {
  const double p = in.p, tau = in.tau;
  return 2 * tau * in.c1 * (p + 1) / p + tau * (tau - 1);
}

// (p^2/2) [3 gamma^2 - 4 gamma + (3 - 1/p)]: the factor of beta in eq. (6) and section 4.4.
double diversity_factor(const RiSgdInput& in) {
  const double p = in.p, g = in.gamma();
  return p * p / 2 * (3 * g * g - 4 * g + (3 - 1 / p));
}

}  // namespace

double ri_sgd_rate_lhs(const RiSgdInput& in) {
  const double p = in.p;
  return in.eta * in.eta * in.L * in.L * local_factor(in) + in.eta * in.L * (in.c1 + in.gamma() * p * p) / p;
}

double ri_sgd_eta_max(const RiSgdInput& in, double limit) {
  // A eta^2 + B eta - limit = 0.
  const double a = in.L * in.L * local_factor(in);
  const double b = in.L * (in.c1 + in.gamma() * in.p * in.p) / in.p;
  if (a <= 0) return b > 0 ? limit / b : UNBOUNDED;
  return (-b + std::sqrt(b * b + 4 * a * limit)) / (2 * a);
}

double ri_sgd_eta_ceiling(const RiSgdInput& in) {
  const double f = local_factor(in);
  return f > 0 ? 1 / (in.L * std::sqrt(f)) : UNBOUNDED;
}

double ri_sgd_theorem41(const RiSgdInput& in) {
  const double p = in.p, g = in.gamma(), e = in.eta, t = static_cast<double>(in.T);
  return 2 * in.delta1 / (e * t) + e * in.L * in.c2sq * g / p + g * (p + 1) / p * e * e * in.L * in.L * (in.tau - 1) * in.c2sq +
         (g - 1) * in.g_tilde + diversity_factor(in) * in.beta;
}

double ri_sgd_theorem42(const RiSgdInput& in) {
  const double p = in.p, g = in.gamma(), e = in.eta, t = static_cast<double>(in.T);
  return 2 * in.delta1 / (e * t) + e * in.L * in.c2sq * g / p + (p + 1) / p * g * in.c2sq * e * e * in.L * in.L * (in.tau - 1) +
         2 * p * p * (1 - g) * in.beta;
}

double ri_sgd_failure_error_plain(const RiSgdInput& in, int s) {
  const double e = in.eta, t = static_cast<double>(in.T);
  return 2 * in.delta1 / (e * (in.tau + t)) + e * in.L * in.c2sq / (in.p - s) + e * e * in.L * in.L * in.c2sq * (in.tau - 1);
}

double ri_sgd_failure_error(const RiSgdInput& in, int s, double g_tilde_s) {
  const double p = in.p, g = in.gamma(), e = in.eta, t = static_cast<double>(in.T), live = p - s;
  return 2 * in.delta1 / (e * t) + e * in.L * in.c2sq * g / live + (g - 1) / live * p * g_tilde_s +
         in.q * (live + 1) / (live * live) * e * e * in.c2sq * in.L * in.L * (in.tau - 1) + diversity_factor(in) * in.beta;
}

}  // namespace sgdsim::analysis
