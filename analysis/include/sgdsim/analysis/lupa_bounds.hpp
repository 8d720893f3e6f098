// LUPA-SGD and ADA-LUPA (Haddadpour, Kamani, Mahdavi & Cadambe, NeurIPS 2019): Theorem 1 (eqs. 7-8), Corollary 1,
// Theorem 2 (eq. 12) with their conditions, and the paper's choices of tau.
#pragma once

#include <cstdint>
#include <vector>

#include "sgdsim/analysis/verdict.hpp"

namespace sgdsim::analysis {

// The constants of Assumptions 2-3 and the run's shape. F is L-smooth and mu-PL, kappa = L/mu; a mini-batch of B
// samples from D has E||g~ - g||^2 <= C1 ||g||^2 + sigma^2/B (sigma^2: one sample's gradient variance).
struct LupaConstants {
  int p = 1;                // machines
  int batch = 1;            // B
  double L = 0;             // smoothness
  double mu = 0;            // PL constant
  double c1 = 0;            // C1
  double sigma2 = 0;        // sigma^2
  double delta0 = 0;        // E[F(x_0) - F*]
};

// Theorem 1: eta_t = 4/(mu (t + a)), a = alpha tau + 4; after T iterations (eq. 8)
//   E[F(x_T) - F*] <= (mu B p a^3 Delta_0 + 4 kappa sigma^2 T (T + 2a) + 256 kappa^2 sigma^2 T (tau - 1))
//                     / (mu B p (T + a)^3).
// Its conditions on alpha, tau and a (the two inequalities before eq. 7 and eq. 7 itself) are checked by
// lupa_tau_conditions; alpha = (a - 4)/tau.
double lupa_theorem1_bound(const LupaConstants& k, std::int64_t T, int tau, double a);

// The conditions of Theorem 1 for one tau (Theorem 2 checks them for every tau_i, with c in place of a):
//   alpha exp(-2/alpha) < kappa sqrt(192 (p+1)/p), alpha > 0;
//   4 (a-3)^(tau-1) L (C1 + p) <= (64 L^2 (p+1)/(mu p)) (tau-1) tau (a+1)^(tau-2);
//   (32 L^2/mu) C1 (tau-1) (a+1)^(tau-2) <= (64 L^2/mu) (tau-1) tau (a+1)^(tau-2);
//   tau >= eq. (7)'s right-hand side.
// The powers are compared in logarithms (they overflow a double for large tau).
std::vector<Condition> lupa_tau_conditions(const LupaConstants& k, int tau, double a, double alpha);
// The right-hand side of eq. (7): with K = ((p+1)/p) 192 kappa^2 e^(4/alpha),
//   (K + 6 alpha + sqrt((K + 6 alpha)^2 + 20 (K - alpha^2))) / (2 (K - alpha^2));  NaN when K <= alpha^2.
double lupa_eq7_tau_min(int p, double kappa, double alpha);

// Corollary 1's choice tau = T^(2/3)/(pB)^(1/3) (section 6: "~ 91" for T = 21875, p = 5, B = 128), and the choice of
// Stich (ICLR 2019) the paper compares with, tau = sqrt(T/(pB)) (section 6: "~ 5").
double lupa_tau_star(std::int64_t T, int p, int batch);
double stich_tau(std::int64_t T, int p, int batch);

// Theorem 2 (ADA-LUPA, eq. 12), for local updates tau_1..tau_E, T = sum tau_i, c = alpha max tau_i + 4,
// eta_t = 4/(mu (t + c)):
//   E[F(x_T) - F*] <= c^3/(T + c)^3 Delta_0 + 4 kappa sigma^2 T (T + 2c)/(mu B p (T + c)^3)
//                     + 256 kappa^2 sigma^2 sum_i (tau_i - 1) tau_i/(mu B p (T + c)^3).
double ada_lupa_bound(const LupaConstants& k, const std::vector<std::int64_t>& taus, double c);
// The theorem's conditions for every tau_i (reported once per distinct failing condition, with the first tau_i that
// fails it and how many do).
std::vector<Condition> ada_lupa_conditions(const LupaConstants& k, const std::vector<std::int64_t>& taus, double c,
                                           double alpha);
// The three linear-speed-up conditions after Theorem 2: i) sum tau_i = T; ii) sum tau_i (tau_i - 1) = O(T^2);
// iii) (max tau_i)^3 = O(T^2/(pB)). The O() are reported as ratios: ii) sum tau_i(tau_i - 1)/T^2 and
// iii) (max tau_i)^3 p B / T^2 (1 at Corollary 1's tau).
struct SpeedupConditions {
  std::int64_t sum = 0;
  double ratio_ii = NO_VALUE;
  double ratio_iii = NO_VALUE;
};
SpeedupConditions ada_lupa_speedup(const std::vector<std::int64_t>& taus, int p, int batch);

}  // namespace sgdsim::analysis
