// The shifted-exponential fit with censoring, the Kaplan–Meier estimate and the Kolmogorov distribution.
#include "sgdsim/analysis/fit.hpp"

#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "sgdsim/error.hpp"

namespace sgdsim::analysis {

double ShiftedExponentialFit::cdf(double t) const { return t <= shift ? 0.0 : -std::expm1(-rate * (t - shift)); }

double ShiftedExponentialFit::quantile(double p) const {
  if (!(p >= 0 && p < 1)) return std::numeric_limits<double>::infinity();
  return shift - std::log1p(-p) / rate;
}

ShiftedExponentialFit fit_shifted_exponential(std::span<const Duration> sample) {
  double m = std::numeric_limits<double>::infinity();
  std::int64_t d = 0;
  for (const auto& x : sample) {
    if (!std::isfinite(x.value)) SGDSIM_THROW(DataError, "fit: a duration is not a finite number");
    if (x.observed) {
      ++d;
      m = std::min(m, x.value);
    }
  }
  if (d < 2) {
    SGDSIM_THROW(DataError, "fit: needs at least 2 observed durations, got " + std::to_string(d) + " (of " +
                                std::to_string(sample.size()) + ")");
  }
  double ttt = 0;
  std::int64_t at_risk = 0;
  for (const auto& x : sample) {
    if (x.value < m) continue;
    ttt += x.value - m;
    ++at_risk;
  }
  if (!(ttt > 0)) SGDSIM_THROW(DataError, "fit: every duration is the same; no exponential part to fit");
  ShiftedExponentialFit f;
  f.count = static_cast<std::int64_t>(sample.size());
  f.observed = d;
  const double scale = ttt / static_cast<double>(d - 1);
  f.rate = 1.0 / scale;
  f.shift = m - scale / static_cast<double>(at_risk);
  f.rate_se = f.rate / std::sqrt(static_cast<double>(d - 1));
  f.shift_se = scale / static_cast<double>(at_risk);
  return f;
}

std::vector<StepPoint> kaplan_meier(std::span<const Duration> sample) {
  std::vector<Duration> sorted(sample.begin(), sample.end());
  // Ties: observed before censored, so that a censored duration equal to an observed one is still at risk at it.
  std::sort(sorted.begin(), sorted.end(), [](const Duration& a, const Duration& b) {
    return a.value < b.value || (a.value == b.value && a.observed && !b.observed);
  });
  std::vector<StepPoint> out;
  double survival = 1;
  std::size_t i = 0;
  while (i < sorted.size()) {
    const double t = sorted[i].value;
    const auto at_risk = static_cast<double>(sorted.size() - i);
    std::size_t events = 0;
    while (i < sorted.size() && sorted[i].value == t && sorted[i].observed) {
      ++events;
      ++i;
    }
    if (events > 0) {
      const double before = 1 - survival;
      survival *= 1 - static_cast<double>(events) / at_risk;
      out.push_back({t, before, 1 - survival});
    }
    while (i < sorted.size() && sorted[i].value == t) ++i;  // censored at t
  }
  return out;
}

namespace {

// 1 − K(x) for x ≥ 1: 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²x²}, summed directly so that small p-values keep their digits.
double kolmogorov_tail(double x) {
  double sum = 0;
  for (int j = 1; j <= 100; ++j) {
    const double term = std::exp(-2.0 * j * j * x * x);
    sum += (j % 2 == 1 ? term : -term);
    if (term < 1e-17 * sum) break;
  }
  return 2 * sum;
}

// K(x) for 0 < x < 1: (√(2π)/x) Σ_{j≥1} e^{−(2j−1)²π²/(8x²)}.
double kolmogorov_head(double x) {
  const double a = -std::numbers::pi * std::numbers::pi / (8 * x * x);
  double sum = 0;
  for (int j = 1; j <= 100; ++j) {
    const double odd = 2.0 * j - 1;
    const double term = std::exp(a * odd * odd);
    sum += term;
    if (term <= 1e-17 * sum) break;
  }
  return std::sqrt(2 * std::numbers::pi) / x * sum;
}

}  // namespace

double kolmogorov_cdf(double x) {
  if (!(x > 0)) return 0.0;
  return std::clamp(x < 1.0 ? kolmogorov_head(x) : 1 - kolmogorov_tail(x), 0.0, 1.0);
}

double kolmogorov_smirnov_pvalue(double d, std::int64_t n) {
  if (n < 1) SGDSIM_THROW(Error, "kolmogorov_smirnov_pvalue: needs n >= 1");
  const double root = std::sqrt(static_cast<double>(n));
  const double x = (root + 0.12 + 0.11 / root) * d;
  if (!(x > 0)) return 1.0;
  return std::clamp(x < 1.0 ? 1 - kolmogorov_head(x) : kolmogorov_tail(x), 0.0, 1.0);
}

}  // namespace sgdsim::analysis
