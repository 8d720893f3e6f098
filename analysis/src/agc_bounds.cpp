// Theorems 1 and 2 of the approximate-gradient-coding paper, with each condition checked and Theorem 2 corrected.
#include "sgdsim/analysis/agc_bounds.hpp"

#include <algorithm>
#include <cmath>

#include "sgdsim/analysis/closed_forms.hpp"

namespace sgdsim::analysis {

namespace {

std::string str(std::int64_t v) { return std::to_string(v); }

}  // namespace

AgcTheorem1 agc_theorem1(const AgcTheorem1Input& in) {
  AgcTheorem1 out;
  auto& c = out.conditions;
  c.push_back(condition(in.n >= 1 && in.c >= 1 && in.c <= in.n && in.n % std::max<std::int64_t>(in.c, 1) == 0,
                        "c | n (fractional repetition code)", "c = " + str(in.c) + ", n = " + str(in.n)));
  c.push_back(condition(in.r >= 1 && in.r <= in.n, "1 <= r <= n", "r = " + str(in.r) + ", n = " + str(in.n)));
  c.push_back(condition(in.mu > 0 && in.beta >= in.mu, "beta >= mu > 0",
                        "beta = " + number(in.beta) + ", mu = " + number(in.mu)));
  const double needed = in.r >= 1 ? static_cast<double>(in.n) * std::log(2.0) / static_cast<double>(in.r) : NO_VALUE;
  c.push_back(condition(in.r >= 1 && static_cast<double>(in.c) >= needed, "c >= n ln(2)/r",
                        "n ln(2)/r = " + number(needed) + ", c = " + str(in.c)));
  if (in.n < 1 || !(in.mu > 0) || !(in.beta > 0)) return out;
  const double e = std::exp(-static_cast<double>(in.c) * static_cast<double>(in.r) / static_cast<double>(in.n));
  out.floor = 2.0 * static_cast<double>(in.c) * e * in.sigma2 / (in.mu * static_cast<double>(in.n));
  const double contraction = 1.0 - (1.0 - e) * in.mu / in.beta;
  out.bound = std::pow(contraction, static_cast<double>(in.iterations)) * in.delta0 + out.floor;
  return out;
}

AgcTheorem2 agc_theorem2(const AgcTheorem2Input& in) {
  AgcTheorem2 out;
  const double s = in.seconds_per_pass;
  const double lambda = in.lambda * s;  // rate of T_0/s - 1
  const double n = static_cast<double>(in.n);
  const double c = lambda > 0 ? 1.0 / lambda : NO_VALUE;
  const auto c_int = static_cast<std::int64_t>(std::llround(std::isfinite(c) ? c : 0.0));
  out.c = c;
  const double kappa = in.beta > 0 ? in.mu / in.beta : NO_VALUE;
  const double e = std::exp(-c * static_cast<double>(in.r) / n);
  out.epsilon_min_paper = 3.0 * c * e * in.sigma2 / n;
  out.epsilon_min_proof = out.epsilon_min_paper / in.mu;

  std::vector<Condition> common;
  common.push_back(condition(in.n >= 2, "n >= 2", "n = " + str(in.n)));
  common.push_back(condition(lambda > 0 && s > 0, "shifted-exponential task times, lambda > 0",
                             "lambda s = " + number(lambda)));
  common.push_back(condition(in.mu > 0 && kappa < 1, "0 < kappa = mu/beta < 1", "kappa = " + number(kappa)));
  common.push_back(condition(in.delta0 > 0 && in.epsilon > 0, "Delta_0 > 0 and epsilon > 0",
                             "Delta_0 = " + number(in.delta0) + ", epsilon = " + number(in.epsilon)));
  const bool integer_c = std::isfinite(c) && c_int >= 1 && std::abs(c - static_cast<double>(c_int)) <= 1e-9 * c;
  const Condition code = condition(integer_c && in.n % std::max<std::int64_t>(c_int, 1) == 0,
                                   "c = 1/(lambda s) a positive integer dividing n",
                                   "c = " + number(c) + ", n = " + str(in.n));
  out.uncoded.conditions = common;
  out.egc.conditions = common;
  out.egc.conditions.push_back(code);
  out.agc.conditions = out.egc.conditions;
  const double delta = static_cast<double>(in.r) / n;
  out.agc.conditions.push_back(condition(in.r >= 1 && in.r < in.n, "r = delta n with delta in (0, 1)",
                                         "r = " + str(in.r) + ", n = " + str(in.n)));
  const double needed = in.r >= 1 ? n * std::log(2.0) / static_cast<double>(in.r) : NO_VALUE;
  out.agc.conditions.push_back(condition(in.r >= 1 && c >= needed, "c >= n ln(2)/r (Theorem 1, which the AGC line uses)",
                                         "n ln(2)/r = " + number(needed) + ", c = " + number(c)));
  out.agc.conditions.push_back(
      condition(in.epsilon >= out.epsilon_min_proof, "epsilon >= 3c e^{-cr/n} sigma^2/(mu n) (the proof's condition)",
                "3c e^{-cr/n} sigma^2/(mu n) = " + number(out.epsilon_min_proof) + " (the paper prints it without 1/mu: " +
                    number(out.epsilon_min_paper) + "), epsilon = " + number(in.epsilon)));

  if (!(lambda > 0) || !(in.n >= 2) || !(kappa > 0 && kappa < 1) || !(in.delta0 > 0 && in.epsilon > 0)) return out;
  const double eta = 1.0 - e;
  const double log_exact = std::log(in.delta0 / in.epsilon);
  const double log_agc = std::log(3.0 * in.delta0 / in.epsilon);
  out.uncoded.iterations = log_exact / std::log(1.0 / (1.0 - kappa));
  out.egc.iterations = out.uncoded.iterations;
  out.agc.iterations = log_agc / std::log(1.0 / (1.0 - eta * kappa));
  out.uncoded.per_iteration_paper = s * (c * std::log(n) + c + 1.0) / n;
  out.egc.per_iteration_paper = s * (c * std::log(n / c) + c + 1.0) / n;
  out.agc.per_iteration_paper = s * (c * c * std::log(1.0 / (1.0 - delta)) + c * c + c) / n;
  out.uncoded.per_iteration_exact = uncoded_time(in.n, s, in.lambda).mean;
  if (integer_c && in.n % c_int == 0) {
    out.egc.per_iteration_exact = egc_time(in.n, c_int, s, in.lambda).mean;
    if (in.r >= 1 && in.r <= in.n) out.agc.per_iteration_exact = agc_time(in.n, c_int, in.r, s, in.lambda).mean;
  }
  for (AgcRuntime* v : {&out.uncoded, &out.egc, &out.agc}) {
    // A negative count means Delta_0 <= epsilon (x_0 qualifies): no iteration is needed.
    const double iterations = std::max(0.0, v->iterations);
    v->paper = iterations * v->per_iteration_paper;
    v->corrected = std::ceil(iterations) * (v->per_iteration_exact + in.network);
  }
  return out;
}

}  // namespace sgdsim::analysis
