// τ schedules: constant, list, linear τ_i = ⌈(1 + iα)τ0⌉ (α given or solved from a round count), and eq. (11).
#include "sgdsim/core/algorithms/cooperative/tau_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sgdsim {
namespace {

constexpr double MAX_TAU = 9.0e15;  // τ as a double stays an exact integer below 2^53

// ⌈v⌉, except that v within 1e-9 (relative) above an integer counts as that integer: (1 + 3·0.1)·10 is
// 13.000000000000002 in binary floating point and means 13.
double ceil_near(double v) {
  const double nearest = std::round(v);
  if (std::fabs(v - nearest) <= 1e-9 * std::max(1.0, std::fabs(v))) return nearest;
  return std::ceil(v);
}

std::int64_t linear_tau(int tau0, double alpha, std::int64_t round) {
  const double v = ceil_near((1.0 + static_cast<double>(round) * alpha) * tau0);
  return static_cast<std::int64_t>(std::clamp(v, 1.0, MAX_TAU));
}

// Σ_{i<E} τ_i, stopping once it reaches `target` (the sums can be huge for a large α).
std::int64_t linear_sum(int tau0, double alpha, int rounds, std::int64_t target) {
  std::int64_t sum = 0;
  for (int i = 0; i < rounds && sum < target; ++i) sum += linear_tau(tau0, alpha, i);
  return sum;
}

}  // namespace

std::int64_t TauSchedule::tau(std::int64_t round) const {
  switch (kind) {
    case Kind::CONSTANT:
    case Kind::LOSS:
      return tau0;
    case Kind::LIST:
      return taus[static_cast<std::size_t>(std::min<std::int64_t>(round, static_cast<std::int64_t>(taus.size()) - 1))];
    case Kind::LINEAR:
      return linear_tau(tau0, alpha, round);
  }
  return tau0;
}

std::int64_t loss_rule_tau(double f0, double fi, int tau0, std::int64_t cap) {
  cap = std::max<std::int64_t>(cap, 1);
  if (!std::isfinite(f0) || !std::isfinite(fi)) return std::min<std::int64_t>(tau0, cap);
  if (fi <= 0) return f0 > 0 ? cap : std::min<std::int64_t>(tau0, cap);
  const double ratio = f0 / fi;
  const double multiplier = ratio <= 1 ? 1.0 : ceil_near(std::cbrt(ratio));
  const double tau = multiplier * tau0;
  return tau >= static_cast<double>(cap) ? cap : static_cast<std::int64_t>(tau);
}

double solve_linear_alpha(int tau0, int rounds, std::int64_t iterations) {
  if (static_cast<std::int64_t>(rounds) * tau0 >= iterations || rounds < 2) return 0;
  // Σ_{i<E} (1 + iα)τ0 = Eτ0 + ατ0·E(E−1)/2 = T at this α; the ceilings only add to it. Should rounding leave the
  // integer sum one short, α moves up by ulps until it covers T.
  const double e = rounds;
  double alpha = 2.0 * static_cast<double>(iterations - static_cast<std::int64_t>(rounds) * tau0) / (tau0 * e * (e - 1));
  while (linear_sum(tau0, alpha, rounds, iterations) < iterations)
    alpha = std::nextafter(alpha, std::numeric_limits<double>::infinity());
  return alpha;
}

}  // namespace sgdsim
