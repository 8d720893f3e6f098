// Fitting a shifted exponential to durations, some of them right-censored, and its goodness of fit: the Kaplan–Meier
// estimate, the Kolmogorov–Smirnov statistic and the Kolmogorov distribution for its p-value.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace sgdsim::analysis {

// One duration: `observed` — exactly `value`; otherwise right-censored — it lasted longer than `value` (a task the
// parameter server stopped waiting for).
struct Duration {
  double value = 0;
  bool observed = true;
};

// shift + Exp(rate), fitted by maximum likelihood with the bias correction of the uncensored case:
//   m = the smallest observed value, TTT = Σ over all durations of max(0, value − m) (the "total time on test"),
//   d = observed durations, n = durations that lasted at least m (censored ones below m were never at risk above it);
//   scale 1/rate = TTT / (d − 1),  shift = m − (1/rate) / n.
// The likelihood Π_observed rate·e^{−rate(t − a)} · Π_censored e^{−rate(c − a)} grows with the shift a up to m, and at
// a = m its maximiser is d/TTT: the MLE. Dividing by d − 1 instead of d (and moving the shift down by the expected
// excess of the minimum, scale/n) makes both unbiased without censoring (the UMVUE of the two-parameter
// exponential: E[Σ(x − min)] = (n − 1)·scale, E[min] = shift + scale/n) and with censoring at an order statistic
// (type II, which is what a parameter server waiting for the first r of k makes in every iteration): TTT above the
// true shift is then Gamma(d, rate) and the minimum's excess is Exp(n·rate). The scale (hence the mean task time) is
// unbiased; the rate is its inverse.
// Standard errors: scale/√(d − 1) for the scale (Gamma with d − 1 degrees of freedom), so rate/√(d − 1) for the rate
// (delta method), and scale/n for the shift (the minimum's excess, Exp(n·rate)).
struct ShiftedExponentialFit {
  double shift = 0;
  double rate = 0;
  double shift_se = 0;
  double rate_se = 0;
  std::int64_t count = 0;     // durations
  std::int64_t observed = 0;  // of which observed (the others censored)
  double scale() const { return 1.0 / rate; }
  double mean() const { return shift + 1.0 / rate; }
  double cdf(double t) const;
  double quantile(double p) const;
};
// DataError unless at least 2 durations are observed and they are not all equal.
ShiftedExponentialFit fit_shifted_exponential(std::span<const Duration> sample);

// The Kaplan–Meier estimate of the CDF: at each distinct observed value t, F(t) = 1 − Π_{t_j ≤ t} (1 − d_j / n_j),
// d_j observed at t_j, n_j still at risk just before t_j (a censored duration equal to t_j counts as at risk: it
// ended after). Without censoring it is the empirical CDF.
struct StepPoint {
  double t = 0;
  double before = 0;  // F just below t
  double after = 0;   // F at t
};
std::vector<StepPoint> kaplan_meier(std::span<const Duration> sample);

// sup_t |F̂(t) − F(t)| of the Kaplan–Meier estimate F̂ against a CDF F, over both sides of every step (the
// Kolmogorov–Smirnov statistic; without censoring the usual one).
template <typename Cdf>
double ks_statistic(const std::vector<StepPoint>& steps, const Cdf& cdf);

// The Kolmogorov distribution, the limit law of √n·D_n for a continuous F (Kolmogorov 1933):
//   K(x) = 1 − 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²x²}, and for small x the equivalent form (Jacobi theta identity)
//   K(x) = (√(2π)/x) Σ_{j≥1} e^{−(2j−1)²π²/(8x²)}
// (both as in Marsaglia, Tsang & Wang, "Evaluating Kolmogorov's distribution", J. Stat. Softw. 8(18), 2003; the
// first converges fast for x ≥ 1, the second for x < 1). Returns P(K ≤ x).
double kolmogorov_cdf(double x);
// P(D_n ≥ d) for n values: 1 − K((√n + 0.12 + 0.11/√n)·d), Stephens' (1970) finite-n correction of the limit law
// (J. R. Stat. Soc. B 32(1), Table 1), accurate to about 1% of the p-value for n ≥ 5. Exact only for a fully specified
// F: with parameters fitted to the same data the statistic is smaller, and the p-value too large (conservative).
double kolmogorov_smirnov_pvalue(double d, std::int64_t n);

template <typename Cdf>
double ks_statistic(const std::vector<StepPoint>& steps, const Cdf& cdf) {
  double d = 0;
  for (const auto& s : steps) {
    const double f = cdf(s.t);
    d = std::max({d, f - s.before, s.before - f, f - s.after, s.after - f});
  }
  return d;
}

}  // namespace sgdsim::analysis
