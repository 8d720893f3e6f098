// RI-SGD (Haddadpour, Kamani, Mahdavi & Cadambe, ICML 2019): Theorems 4.1 (eq. 6) and 4.2 (eq. 7), the learning-rate
// ceiling of Corollary 4.1.1, and section 4.4's error with s failed workers.
#pragma once

#include <cstdint>

#include "sgdsim/analysis/verdict.hpp"

namespace sgdsim::analysis {

// p workers and chunks, each worker holds q chunks (gamma = q/p, mu = (q-1)/p), tau local steps, constant eta.
// Constants: L (Assumption 2), C1 and C2^2 (eq. 4: E||g~_ji - g_ji||^2 <= C1 ||g_ji||^2 + C2^2/p), beta
// (Assumption 4: |<g_ji, g_j'i'>| <= beta), g_tilde = (1/T) sum_t G~^(t), delta1 = F(x_1) - F*.
struct RiSgdInput {
  int p = 1;
  int q = 1;
  int tau = 1;
  double eta = 0;
  double L = 0;
  double c1 = 0;
  double c2sq = 0;
  double beta = 0;
  double g_tilde = 0;
  double delta1 = 0;
  std::int64_t T = 1;
  double gamma() const { return static_cast<double>(q) / p; }
};

// The learning-rate condition's left-hand side: eta^2 L^2 (2 tau C1 (p+1)/p + tau (tau-1)) + eta L (C1 + gamma p^2)/p
// (<= 1 in Theorem 4.1, < rho^(t) in Theorem 4.2).
double ri_sgd_rate_lhs(const RiSgdInput& in);
// The largest eta with ri_sgd_rate_lhs <= limit (the positive root of the quadratic).
double ri_sgd_eta_max(const RiSgdInput& in, double limit);
// Corollary 4.1.1: eta <= 1/(L sqrt(2 tau C1 (p+1)/p + tau (tau-1))) (infinite when the root's argument is 0).
double ri_sgd_eta_ceiling(const RiSgdInput& in);

// eq. (6): 2 delta1/(eta T) + eta L C2^2 gamma/p + gamma ((p+1)/p) eta^2 L^2 (tau-1) C2^2 + (gamma - 1) g_tilde
//          + (p^2/2) [3 gamma^2 - 4 gamma + (3 - 1/p)] beta.
double ri_sgd_theorem41(const RiSgdInput& in);
// eq. (7): 2 delta1/(eta T) + eta L C2^2 gamma/p + ((p+1)/p) gamma C2^2 eta^2 L^2 (tau-1) + 2 p^2 (1 - gamma) beta.
double ri_sgd_theorem42(const RiSgdInput& in);

// Section 4.4, s failures. Local SGD ignoring them:
//   E(tau, s) = 2 delta1/(eta (tau + T)) + eta L C2^2/(p-s) + eta^2 L^2 C2^2 (tau-1)   (as printed: tau + T);
// RI-SGD with budget gamma = q/p, g_tilde_s = (1/T) sum_t sum_{j=1}^{p-s} G~_j^(t):
//   E_RI(tau, s, gamma) = 2 delta1/(eta T) + eta L C2^2 gamma/(p-s) + ((gamma-1)/(p-s)) p g_tilde_s
//                         + (q (p-s+1)/(p-s)^2) eta^2 C2^2 L^2 (tau-1) + (p^2/2) [3 gamma^2 - 4 gamma + (3-1/p)] beta.
double ri_sgd_failure_error_plain(const RiSgdInput& in, int s);
double ri_sgd_failure_error(const RiSgdInput& in, int s, double g_tilde_s);

}  // namespace sgdsim::analysis
