// Theorems 1 and 2 of the approximate-gradient-coding paper, with their assumptions checked one by one.
#include "sgdsim/analysis/agc_bounds.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace sgdsim::analysis {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
// γ = 1/β is an equality between a step size typed into a scenario (a few digits) and an estimate of β: accept a
// relative mismatch this small.
constexpr double STEP_TOLERANCE = 1e-3;

std::string number(double x, int precision = 6) {
  std::ostringstream out;
  out.precision(precision);
  out << x;
  return out.str();
}

// The first violated condition of a list, "" if none.
class Conditions {
 public:
  void require(bool holds, const std::string& text) {
    if (!holds && first_.empty()) first_ = text;
  }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

void require_step(Conditions& conditions, const std::optional<double>& step, double beta) {
  if (step && beta > 0) {
    conditions.require(
        std::abs(*step * beta - 1.0) <= STEP_TOLERANCE,
        "step size gamma = 1/beta = " + number(1.0 / beta, 10) + " required (to 0.1%), got " + number(*step, 10));
  }
}

Bound make_bound(double value, const Conditions& conditions) {
  Bound b;
  b.value = value;
  b.condition = conditions.first();
  b.applies = b.condition.empty();
  return b;
}

}  // namespace

double agc_theorem1_floor(const Theorem1Input& in) {
  if (in.n < 1 || !(in.mu > 0)) return NaN;
  const double n = static_cast<double>(in.n);
  const double c = static_cast<double>(in.c);
  const double e = std::exp(-c * static_cast<double>(in.r) / n);
  return 2.0 * c * e * in.sigma2 / (in.mu * n);
}

Bound agc_theorem1(const Theorem1Input& in) {
  Conditions cond;
  cond.require(in.n >= 1, "n >= 1 tasks required, got " + std::to_string(in.n));
  cond.require(in.c >= 1 && in.c <= in.n, "1 <= c <= n required, got c = " + std::to_string(in.c));
  cond.require(
      in.c >= 1 && in.n % std::max<std::int64_t>(in.c, 1) == 0,
      "c | n required (fractional repetition code), got c = " + std::to_string(in.c) + ", n = " + std::to_string(in.n));
  cond.require(in.r >= 1, "r >= 1 required, got " + std::to_string(in.r));
  cond.require(in.mu > 0, "mu > 0 required, got " + number(in.mu));
  cond.require(in.beta >= in.mu, "beta >= mu required, got beta = " + number(in.beta) + ", mu = " + number(in.mu));
  cond.require(in.sigma2 >= 0, "sigma^2 >= 0 required");
  cond.require(in.delta0 >= 0, "Delta_0 >= 0 required");
  cond.require(in.iterations >= 0, "T >= 0 required");
  if (in.r >= 1 && in.n >= 1) {
    const double needed = static_cast<double>(in.n) * std::log(2.0) / static_cast<double>(in.r);
    cond.require(static_cast<double>(in.c) >= needed,
                 "c >= n ln(2)/r = " + number(needed) + " required, got c = " + std::to_string(in.c));
  }
  require_step(cond, in.step_size, in.beta);

  double value = NaN;
  if (in.n >= 1 && in.mu > 0 && in.beta > 0) {
    const double e = std::exp(-static_cast<double>(in.c) * static_cast<double>(in.r) / static_cast<double>(in.n));
    const double contraction = 1.0 - (1.0 - e) * in.mu / in.beta;
    value = std::pow(contraction, static_cast<double>(in.iterations)) * in.delta0 + agc_theorem1_floor(in);
  }
  return make_bound(value, cond);
}

Theorem2Bounds agc_theorem2(const Theorem2Input& in) {
  Theorem2Bounds out;
  const double s = in.seconds_per_pass;
  const double lambda = in.lambda * s;  // rate of T_0/s − 1
  const double n = static_cast<double>(in.n);
  const double c = lambda > 0 ? 1.0 / lambda : NaN;
  const double c_int = std::round(c);
  out.c = c;

  Conditions common;
  common.require(in.n >= 2, "n >= 2 required, got " + std::to_string(in.n));
  common.require(s > 0, "seconds_per_pass > 0 required");
  common.require(lambda > 0, "lambda > 0 required (shifted-exponential straggling)");
  common.require(std::isfinite(c) && c_int >= 1 && std::abs(c - c_int) <= 1e-9 * c_int,
                 "c = 1/(lambda*s) must be a positive integer, got " + number(c));
  common.require(in.r >= 1 && in.r < in.n, "r = delta*n with delta in (0,1) required, got r = " + std::to_string(in.r) +
                                               ", n = " + std::to_string(in.n));
  common.require(in.mu > 0 && in.beta > 0, "beta, mu > 0 required");
  const double kappa = in.beta > 0 ? in.mu / in.beta : NaN;
  common.require(kappa < 1, "kappa = mu/beta < 1 required (log(1/(1-kappa)) must be finite), got " + number(kappa));
  common.require(in.delta0 > 0 && in.epsilon > 0, "Delta_0 > 0 and epsilon > 0 required");
  require_step(common, in.step_size, in.beta);
  const double e = std::exp(-c * static_cast<double>(in.r) / n);
  out.epsilon_min = 3.0 * c * e * in.sigma2 / n;
  common.require(in.epsilon >= out.epsilon_min, "epsilon >= 3c e^{-cr/n} sigma^2/n = " + number(out.epsilon_min) +
                                                    " required, got " + number(in.epsilon));

  Conditions coded = common;
  coded.require(c_int >= 1 && in.n % static_cast<std::int64_t>(std::max(c_int, 1.0)) == 0,
                "c = 1/(lambda*s) must divide n for the fractional repetition code");

  const bool defined = in.n >= 2 && lambda > 0 && in.mu > 0 && in.beta > 0 && kappa < 1 && in.delta0 > 0 &&
                       in.epsilon > 0 && in.r >= 1 && in.r < in.n;
  if (!defined) {
    out.uncoded = make_bound(NaN, common);
    out.egc = make_bound(NaN, coded);
    out.agc = make_bound(NaN, coded);
    return out;
  }
  const double delta = static_cast<double>(in.r) / n;
  const double eta = 1.0 - e;
  const double iterations_exact = std::log(in.delta0 / in.epsilon) / std::log(1.0 / (1.0 - kappa));
  const double iterations_agc = std::log(3.0 * in.delta0 / in.epsilon) / std::log(1.0 / (1.0 - eta * kappa));
  const double unc = iterations_exact * (c * std::log(n) + c + 1.0) / n;
  const double egc = iterations_exact * (c * std::log(n / c) + c + 1.0) / n;
  const double agc = iterations_agc * (c * c * std::log(1.0 / (1.0 - delta)) + c * c + c) / n;
  out.uncoded = make_bound(s * std::max(0.0, unc), common);
  out.egc = make_bound(s * std::max(0.0, egc), coded);
  out.agc = make_bound(s * std::max(0.0, agc), coded);
  return out;
}

}  // namespace sgdsim::analysis
