// Theorems 1 and 2 of Wang, Charles & Papailiopoulos (ICML 2019): convergence and expected runtime of uncoded, EGC-
// and AGC-GD, each as printed and, for Theorem 2, corrected.
#pragma once

#include <cstdint>
#include <vector>

#include "sgdsim/analysis/verdict.hpp"

namespace sgdsim::analysis {

// Theorem 1. f = (1/n) sum_{i=1}^{n} f_i, beta-smooth and mu-PL with beta >= mu > 0, ||grad f_i(x)|| <= sigma for all
// i and x; the fractional repetition code with c tasks per worker (c | n) and the PS waiting for r workers;
// c >= n ln(2)/r; step size gamma = 1/beta. Then Delta_T = E[f(x_T) - f*] satisfies
//   Delta_T <= (1 - (1 - e^{-cr/n}) mu/beta)^T Delta_0 + 2c e^{-cr/n} sigma^2 / (mu n).
// `beta` is the smoothness constant the run's step size stands for (1/gamma): the caller checks that it is one.
struct AgcTheorem1Input {
  std::int64_t n = 0;           // tasks (partitions); n = k in sgdsim's codes
  std::int64_t c = 1;           // tasks per worker
  std::int64_t r = 0;           // workers waited for
  double beta = 0;              // smoothness beta = 1/gamma
  double mu = 0;                // PL constant
  double sigma2 = 0;            // sigma^2, bound on ||grad f_i||^2
  double delta0 = 0;            // Delta_0 = f(x_0) - f*
  std::int64_t iterations = 0;  // T
};
struct AgcTheorem1 {
  double bound = NO_VALUE;
  double floor = NO_VALUE;  // 2c e^{-cr/n} sigma^2/(mu n): the limit T -> infinity
  std::vector<Condition> conditions;
};
AgcTheorem1 agc_theorem1(const AgcTheorem1Input& in);

// Theorem 2, under the paper's runtime model: a full gradient on one node takes T_0 with P[T_0 <= t] =
// 1 - e^{-lambda(t-1)}, a 1/B share T_0/B; n = k; r = delta n, delta in (0,1); c = 1/lambda a positive integer;
// kappa = mu/beta; gamma = 1/beta; epsilon >= 3c e^{-cr/n} sigma^2/n; eta = 1 - e^{-cr/n}:
//   E[T_unc] <= log(Delta_0/eps)/log(1/(1-kappa)) (c log n + c + 1)/n
//   E[T_EGC] <= log(Delta_0/eps)/log(1/(1-kappa)) (c log(n/c) + c + 1)/n
//   E[T_AGC] <= log(3 Delta_0/eps)/log(1/(1-eta kappa)) (c^2 log(1/(1-delta)) + c^2 + c)/n   (natural logarithms).
// sgdsim's task time l (s + X), X ~ Exp(lambda), is the paper's model with T_0/s shifted by 1 at rate lambda s: c is
// 1/(lambda s) and the times are multiplied by s.
//
// Corrected: the number of iterations rounded up (a run makes whole iterations), times the exact expected iteration
// time of the same model (order statistics of exponentials, closed_forms.hpp) plus the network term the caller gives
// (0 on an ideal network). The paper's EGC factor (c log(n/c) + c + 1)/n is below the exact expectation
// (c/n)(1 + H_{n/c}) for every c >= 2. The AGC epsilon condition is checked as the proof needs it, with the 1/mu of
// Theorem 1's floor: epsilon >= 3c e^{-cr/n} sigma^2/(mu n) (so that the floor is at most 2 epsilon/3).
struct AgcTheorem2Input {
  std::int64_t n = 0;  // = k, workers and tasks
  std::int64_t r = 0;  // AGC waits for r = delta n workers
  double lambda = 0;   // straggling rate lambda (per unit of seconds_per_pass)
  double seconds_per_pass = 1.0;
  double beta = 0;
  double mu = 0;
  double sigma2 = 0;
  double delta0 = 0;
  double epsilon = 0;
  double network = 0;  // per-iteration communication time added to the corrected expressions
};
struct AgcRuntime {
  double iterations = NO_VALUE;             // log(...)/log(...) as printed (may be below 1)
  double per_iteration_paper = NO_VALUE;    // s (c log n + c + 1)/n, ...
  double per_iteration_exact = NO_VALUE;    // exact expectation of the compute part
  double paper = NO_VALUE;                  // iterations x per_iteration_paper (0 when epsilon >= Delta_0)
  double corrected = NO_VALUE;              // ceil(iterations) x (per_iteration_exact + network)
  std::vector<Condition> conditions;        // only those its formula uses
};
struct AgcTheorem2 {
  double c = NO_VALUE;              // 1/(lambda s)
  double epsilon_min_paper = NO_VALUE;  // 3c e^{-cr/n} sigma^2/n
  double epsilon_min_proof = NO_VALUE;  // 3c e^{-cr/n} sigma^2/(mu n)
  AgcRuntime uncoded, egc, agc;
};
AgcTheorem2 agc_theorem2(const AgcTheorem2Input& in);

}  // namespace sgdsim::analysis
