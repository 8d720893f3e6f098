// Theorems 1 and 2 of Wang, Charles & Papailiopoulos (ICML 2019): convergence and expected runtime of AGC-GD.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sgdsim::analysis {

// A bound evaluated from a theorem: `value` is the formula's number whenever it is defined (NaN otherwise), `applies`
// says whether all the theorem's assumptions hold, `condition` names the first violated one ("" when it applies).
struct Bound {
  double value = 0;
  bool applies = false;
  std::string condition;
};

// Theorem 1. f = (1/n) Σ_{i=1}^{n} f_i, β-smooth and μ-PL with β ≥ μ > 0, ‖∇f_i(x)‖ ≤ σ for all i and x; the
// fractional repetition code with c tasks per worker (c | n) and the PS waiting for r workers; c ≥ n·ln(2)/r;
// step size γ = 1/β. Then Δ_T = E[f(x_T) − f*] satisfies
//   Δ_T ≤ (1 − (1 − e^{−cr/n}) μ/β)^T Δ_0 + 2c e^{−cr/n} σ² / (μ n).
struct Theorem1Input {
  std::int64_t n = 0;               // tasks (partitions); n = k in sgdsim's codes
  std::int64_t c = 1;               // tasks per worker
  std::int64_t r = 0;               // workers waited for
  double beta = 0;                  // smoothness β
  double mu = 0;                    // PL constant μ
  double sigma2 = 0;                // σ², bound on ‖∇f_i‖²
  double delta0 = 0;                // Δ_0 = f(x_0) − f*
  std::int64_t iterations = 0;      // T
  std::optional<double> step_size;  // γ; empty: taken to be 1/β
};
Bound agc_theorem1(const Theorem1Input& in);
// The noise floor 2c e^{−cr/n} σ²/(μn) of Theorem 1 (the limit T → ∞).
double agc_theorem1_floor(const Theorem1Input& in);

// Theorem 2, under the paper's runtime model: a full gradient on one node takes T_0 with P[T_0 ≤ t] = 1 − e^{−λ(t−1)}
// (shifted exponential, shift 1), a 1/B share takes T_0/B; n = k; r = δn with δ ∈ (0,1); c = 1/λ a positive integer
// (c | n for the codes); f μ-PL and β-smooth, κ = μ/β; γ = 1/β; ε ≥ 3c e^{−cr/n} σ²/n; η = 1 − e^{−cr/n}. Then
//   E[T_ε^unc] ≤ log(Δ_0/ε)/log(1/(1−κ)) · (c log n + c + 1)/n
//   E[T_ε^EGC] ≤ log(Δ_0/ε)/log(1/(1−κ)) · (c log(n/c) + c + 1)/n
//   E[T_ε^AGC] ≤ log(3Δ_0/ε)/log(1/(1−ηκ)) · (c² log(1/(1−δ)) + c² + c)/n
// (natural logarithms). With a shift s ≠ 1 (seconds per pass), T_0/s is shifted-exponential with shift 1 and rate
// λs: `seconds_per_pass` rescales λ to λs for the conditions and multiplies the times by s.
// A negative formula value (Δ_0 already below ε) is reported as 0.
struct Theorem2Input {
  std::int64_t n = 0;  // = k, workers and tasks
  std::int64_t r = 0;  // AGC waits for r = δn workers
  double lambda = 0;   // straggling rate λ (per unit of seconds_per_pass)
  double seconds_per_pass = 1.0;
  double beta = 0;
  double mu = 0;
  double sigma2 = 0;
  double delta0 = 0;
  double epsilon = 0;
  std::optional<double> step_size;  // γ; empty: taken to be 1/β
};
struct Theorem2Bounds {
  Bound uncoded;
  Bound egc;
  Bound agc;
  double c = 0;            // 1/(λs), the tasks per worker the theorem assumes
  double epsilon_min = 0;  // 3c e^{−cr/n} σ²/n, the smallest ε it allows
};
Theorem2Bounds agc_theorem2(const Theorem2Input& in);

}  // namespace sgdsim::analysis
