// LUPA-SGD Theorem 1 / Corollary 1 and ADA-LUPA Theorem 2 (NeurIPS 2019), transcribed with their conditions.
#include "sgdsim/analysis/lupa_bounds.hpp"

#include <algorithm>
#include <cmath>

namespace sgdsim::analysis {

namespace {

double kappa_of(const LupaConstants& k) { return k.mu > 0 ? k.L / k.mu : NO_VALUE; }

// ln of the two sides of the first inequality before eq. (7) (tau >= 2: both sides positive).
struct LogSides {
  double lhs = NO_VALUE;
  double rhs = NO_VALUE;
};
LogSides first_inequality(const LupaConstants& k, int tau, double a) {
  const double p = k.p, t = tau;
  LogSides s;
  s.lhs = std::log(4.0) + (t - 1) * std::log(a - 3) + std::log(k.L) + std::log(k.c1 + p);
  s.rhs = std::log(64.0) + 2 * std::log(k.L) + std::log((p + 1) / (k.mu * p)) + std::log(t - 1) + std::log(t) +
          (t - 2) * std::log(a + 1);
  return s;
}

}  // namespace

double lupa_theorem1_bound(const LupaConstants& k, std::int64_t T, int tau, double a) {
  const double kappa = kappa_of(k);
  const double t = static_cast<double>(T);
  const double mbp = k.mu * k.batch * k.p;
  // eq. (8)
  const double numerator = mbp * a * a * a * k.delta0 + 4 * kappa * k.sigma2 * t * (t + 2 * a) +
                           256 * kappa * kappa * k.sigma2 * t * (tau - 1);
  return numerator / (mbp * std::pow(t + a, 3));
}

double lupa_eq7_tau_min(int p, double kappa, double alpha) {
  if (!(alpha > 0) || !(kappa > 0)) return NO_VALUE;
  // K = ((p+1)/p) 192 kappa^2 e^(4/alpha) can overflow; with u = 1/K the right-hand side of eq. (7) is
  // ((1 + 6 alpha u) + sqrt((1 + 6 alpha u)^2 + 20 u (1 - alpha^2 u))) / (2 (1 - alpha^2 u)).
  const double log_k = std::log((p + 1.0) / p) + std::log(192.0) + 2 * std::log(kappa) + 4 / alpha;
  const double u = log_k > 700 ? 0.0 : std::exp(-log_k);
  const double d = 1 - alpha * alpha * u;
  if (!(d > 0)) return NO_VALUE;
  const double b = 1 + 6 * alpha * u;
  return (b + std::sqrt(b * b + 20 * u * d)) / (2 * d);
}

std::vector<Condition> lupa_tau_conditions(const LupaConstants& k, int tau, double a, double alpha) {
  std::vector<Condition> out;
  const double kappa = kappa_of(k);
  const double rhs_alpha = kappa * std::sqrt(192.0 * (k.p + 1.0) / k.p);
  out.push_back(condition(alpha > 0 && alpha * std::exp(-2 / alpha) < rhs_alpha,
                          "alpha > 0 and alpha exp(-2/alpha) < kappa sqrt(192 (p+1)/p)",
                          "alpha = " + number(alpha) + ", alpha exp(-2/alpha) = " +
                              number(alpha > 0 ? alpha * std::exp(-2 / alpha) : NO_VALUE) + ", kappa sqrt(...) = " +
                              number(rhs_alpha)));
  const std::string at = " (tau = " + std::to_string(tau) + ", a = " + number(a) + ")";
  if (tau >= 2 && a > 3) {
    const LogSides s = first_inequality(k, tau, a);
    out.push_back(condition(s.lhs <= s.rhs,
                            "4 (a-3)^(tau-1) L (C1+p) <= (64 L^2 (p+1)/(mu p)) (tau-1) tau (a+1)^(tau-2)",
                            "ln lhs = " + number(s.lhs) + ", ln rhs = " + number(s.rhs) + at));
  } else {
    // tau = 1: the right-hand side is 0 and the left-hand side positive.
    out.push_back(condition(false, "4 (a-3)^(tau-1) L (C1+p) <= (64 L^2 (p+1)/(mu p)) (tau-1) tau (a+1)^(tau-2)",
                            tau < 2 ? "the right-hand side is 0 at tau = 1" + at : "a > 3 required" + at));
  }
  // Both sides share (tau-1)(a+1)^(tau-2) 32 L^2/mu: for tau >= 2 the inequality is C1 <= 2 tau (0 <= 0 at tau = 1).
  out.push_back(condition(tau < 2 || k.c1 <= 2.0 * tau,
                          "(32 L^2/mu) C1 (tau-1) (a+1)^(tau-2) <= (64 L^2/mu) (tau-1) tau (a+1)^(tau-2)",
                          "i.e. C1 <= 2 tau: C1 = " + number(k.c1) + at));
  const double tau_min = lupa_eq7_tau_min(k.p, kappa, alpha);
  out.push_back(condition(!std::isnan(tau_min) && tau >= tau_min, "tau >= eq. (7)",
                          "eq. (7) = " + number(tau_min, 8) + at));
  return out;
}

double lupa_tau_star(std::int64_t T, int p, int batch) {
  return std::pow(static_cast<double>(T), 2.0 / 3.0) / std::cbrt(static_cast<double>(p) * batch);
}

double stich_tau(std::int64_t T, int p, int batch) {
  return std::sqrt(static_cast<double>(T) / (static_cast<double>(p) * batch));
}

double ada_lupa_bound(const LupaConstants& k, const std::vector<std::int64_t>& taus, double c) {
  const double kappa = kappa_of(k);
  double t = 0, pairs = 0;
  for (const std::int64_t tau : taus) {
    t += static_cast<double>(tau);
    pairs += static_cast<double>(tau - 1) * static_cast<double>(tau);
  }
  const double mbp = k.mu * k.batch * k.p;
  const double cube = std::pow(t + c, 3);
  // eq. (12)
  return c * c * c / cube * k.delta0 + 4 * kappa * k.sigma2 * t * (t + 2 * c) / (mbp * cube) +
         256 * kappa * kappa * k.sigma2 * pairs / (mbp * cube);
}

std::vector<Condition> ada_lupa_conditions(const LupaConstants& k, const std::vector<std::int64_t>& taus, double c,
                                           double alpha) {
  // The alpha condition does not depend on tau_i; the others are checked for each tau_i and reported per condition.
  std::vector<Condition> out;
  std::vector<int> failing;
  std::vector<std::int64_t> first_tau;
  for (std::size_t i = 0; i < taus.size(); ++i) {
    const auto conditions = lupa_tau_conditions(k, static_cast<int>(std::min<std::int64_t>(taus[i], 1 << 30)), c, alpha);
    if (out.empty()) {
      out = conditions;
      failing.assign(conditions.size(), 0);
      first_tau.assign(conditions.size(), -1);
    }
    for (std::size_t j = 0; j < conditions.size(); ++j) {
      if (conditions[j].status != Condition::Status::FAILS) continue;
      if (failing[j]++ == 0) {
        first_tau[j] = static_cast<std::int64_t>(i + 1);
        out[j] = conditions[j];
      }
    }
  }
  for (std::size_t j = 0; j < out.size(); ++j) {
    out[j].statement = (j == 0 ? "" : "for every tau_i: ") + out[j].statement;
    if (failing[j] > 0) {
      out[j].numbers += "; fails for " + std::to_string(failing[j]) + " of " + std::to_string(taus.size()) +
                        " rounds, first at round " + std::to_string(first_tau[j]);
    } else if (j > 0) {
      out[j].numbers = "holds for all " + std::to_string(taus.size()) + " rounds (round 1: " + out[j].numbers + ")";
    }
  }
  return out;
}

SpeedupConditions ada_lupa_speedup(const std::vector<std::int64_t>& taus, int p, int batch) {
  SpeedupConditions s;
  double pairs = 0;
  std::int64_t largest = 0;
  for (const std::int64_t tau : taus) {
    s.sum += tau;
    pairs += static_cast<double>(tau) * static_cast<double>(tau - 1);
    largest = std::max(largest, tau);
  }
  if (s.sum == 0) return s;
  const double t2 = static_cast<double>(s.sum) * static_cast<double>(s.sum);
  s.ratio_ii = pairs / t2;
  s.ratio_iii = std::pow(static_cast<double>(largest), 3) * p * batch / t2;
  return s;
}

}  // namespace sgdsim::analysis
