// Cooperative SGD A(tau, W, v) (Wang & Joshi; the seminar slides "Cooperative SGD"): the main result with its
// network-error term (zeta of W: MixingMatrix::zeta, core/algorithms/cooperative/mixing.hpp).
#pragma once

#include <cstdint>

#include "sgdsim/analysis/verdict.hpp"

namespace sgdsim::analysis {

// m workers, v auxiliary models, period tau, fixed eta (eta_eff = m eta/(m + v)), zeta of W, L (A1), sigma^2 the
// variance of a worker's stochastic gradient (A3 with beta = 0), delta1 = F(u_1) - F_inf, K iterations.
struct CooperativeInput {
  int m = 1;
  int v = 0;
  int tau = 1;
  double eta = 0;
  double zeta = 0;
  double L = 0;
  double sigma2 = 0;
  double delta1 = 0;
  std::int64_t K = 1;
  double eta_eff() const { return m * eta / (m + v); }
};

// The slides' main result ("Discrepancies among local models hurt convergence"):
//   E[(1/K) sum_k ||grad F(u_k)||^2] <= 2 [F(u_1) - F_inf]/(eta_eff K) + eta_eff L sigma^2/m
//                                       + eta^2 L^2 sigma^2 ((1 + zeta^2)/(1 - zeta^2) tau - 1).
double cooperative_bound(const CooperativeInput& in);
// Its last term, the network error eta^2 L^2 sigma^2 ((1 + zeta^2)/(1 - zeta^2) tau - 1).
double cooperative_network_error(const CooperativeInput& in);

}  // namespace sgdsim::analysis
