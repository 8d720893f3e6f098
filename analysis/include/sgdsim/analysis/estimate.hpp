// Estimators of the theorems' constants from a problem: smoothness β, PL constant μ, optimum x*/F*, gradient bound σ².
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "sgdsim/core/models/problem.hpp"

namespace sgdsim::analysis {

// A number and one line saying how it was obtained (exact eigen-decomposition, power iteration, local estimate...),
// with the size of the sample it comes from and its standard error when it is a sample statistic.
struct Estimate {
  double value = 0;
  std::string how;
  std::int64_t sample_size = 0;
  double standard_error = std::numeric_limits<double>::quiet_NaN();
};

// Features up to this many columns get exact (dense) linear algebra: d×d Gram matrices and Newton steps.
constexpr std::int64_t DENSE_DIMENSION_LIMIT = 2000;

// β: least squares λ_max(AᵀA)/N + l2; logistic λ_max(AᵀA)/(4N) + l2 (σ' ≤ 1/4), a global bound.
// d ≤ DENSE_DIMENSION_LIMIT: exact eigenvalues of AᵀA/N; otherwise power iteration on AᵀA (never formed).
Estimate estimate_smoothness(const Problem& problem);

// μ: least squares λ_min(AᵀA)/N + l2 (exact, strong convexity); logistic l2 + λ_min(AᵀDA/N) with
// D = diag(σ(z_i)(1 − σ(z_i))), z = A x_star: the curvature at the optimum, a local estimate (the global PL constant
// can be smaller far from x*). For d > DENSE_DIMENSION_LIMIT only the lower bound l2 is returned.
Estimate estimate_pl_constant(const Problem& problem, std::span<const double> x_star);

struct SolverOptions {
  double gradient_tolerance = 1e-10;  // stop when ‖∇F(x)‖ ≤ this
  int max_iterations = 200;           // Newton steps (L-BFGS gets 50× as many)
};

// The minimiser of the full objective F (as Problem::full_loss defines it), found deterministically:
// Newton's method with a backtracking (Armijo) line search when d ≤ DENSE_DIMENSION_LIMIT, L-BFGS otherwise.
struct Optimum {
  std::vector<double> x;     // x*
  double loss = 0;           // F* = F(x*)
  double gradient_norm = 0;  // ‖∇F(x*)‖
  int iterations = 0;
  bool converged = false;  // gradient_norm ≤ tolerance (false e.g. for separable logistic data with l2 = 0)
  std::string how;
};
Optimum solve_optimum(const Problem& problem, const SolverOptions& options = {});

// σ²: max over samples i and the given models x of ‖∇f_i(x)‖², with f_i the per-sample objective (sample loss plus
// l2/2‖x‖²). A partition's gradient is a mean of per-sample gradients, so this also bounds the partition functions of
// the theorems; it is a bound along a run only at the models given (e.g. x_0 and x*, or a trace of iterates).
Estimate estimate_gradient_bound(const Problem& problem, const std::vector<std::vector<double>>& models);

// σ² for the theorems' own f_i: max over the given partitions P and models x of ‖∇F_P(x)‖², F_P the mean objective
// over the rows of P (plus l2/2‖x‖²). With the algorithms' shards (core/assignment.hpp Shards) this is the constant
// Theorem 1 asks for, and usually far smaller than the per-sample bound. Empty partitions are skipped.
Estimate estimate_partition_gradient_bound(const Problem& problem,
                                           const std::vector<std::span<const std::int64_t>>& partitions,
                                           const std::vector<std::vector<double>>& models);

// F(x) and ∇F(x) computed here (not through the kernels), for checks: the same objective as Problem::full_loss.
double objective(const Problem& problem, std::span<const double> x, std::span<double> grad);

// Points of the sublevel set {F <= F(x_0)} where the theorems' suprema and infima are estimated: x_0, x*, and along
// rays from x* — the direction to x_0, the Hessian's eigenvectors at x* for its 3 smallest and 3 largest eigenvalues
// (d <= 500), and `random_directions` Gaussian directions (seeded) — each ray both ways, at 1/4, 1/2, 3/4 and all of
// the way to the boundary F = F(x_0) (found by bisection; F is convex along a line). Rays along which F never reaches
// F(x_0) (a flat direction) are skipped.
struct PointSample {
  std::vector<std::vector<double>> points;
  std::string how;
};
PointSample sublevel_set_points(const Problem& problem, const Optimum& optimum, std::span<const double> x0,
                                int random_directions = 12, std::uint64_t seed = 1);

// The PL constant as the smallest ratio ||grad F(x)||^2 / (2 (F(x) - F*)) over the given points (points within
// 1e-6 Delta_0 of F* are skipped: the ratio is 0/0 there). An upper estimate of the infimum over the region they
// sample (a bound that uses it is conditional on it).
Estimate estimate_pl_ratio(const Problem& problem, double f_star, const std::vector<std::vector<double>>& points);

// One sample's gradient variance over the rows S (all rows when empty) at x:
//   v_S(x) = (1/|S|) sum_{i in S} ||grad f_i(x) - grad F_S(x)||^2,
// exact (a pass over S). A mini-batch of B rows drawn uniformly with replacement from S has E||g~ - grad F_S||^2 =
// v_S(x)/B.
double gradient_variance(const Problem& problem, std::span<const std::int64_t> rows, std::span<const double> x);
// The same by Monte Carlo: `draws` mini-batches of `batch` rows drawn with replacement from S (seeded), each giving
// B ||g~ - grad F_S(x)||^2; the estimate is their mean, with its standard error (sample size = draws).
Estimate minibatch_variance_monte_carlo(const Problem& problem, std::span<const std::int64_t> rows,
                                        std::span<const double> x, int batch, int draws, std::uint64_t seed);

// The pair (C1, sigma^2) of E||g~ - grad F||^2 <= C1 ||grad F||^2 + sigma^2/B (LUPA Assumption 2, RI-SGD eq. 4) for
// mini-batches of B rows drawn with replacement (E||g~ - grad F||^2 = v(x)/B), from one sample's variance v(x) and
// ||grad F(x)||^2 at sampled points x (`errors`: the standard errors of the v, 0 when exact). Every pair with C1 >= 0
// and sigma^2 >= max_x (v(x) - B C1 ||grad F(x)||^2) is valid at all the points; of those this is the one with the
// least total slack, sum_x (C1 ||grad F(x)||^2 + sigma^2/B - v(x)/B): a linear program, whose optimum is C1 = 0 or a
// C1 where two points' constraints meet (all are tried; a gain under 1e-12 relative is rounding, and the smaller C1
// is kept). Where v grows like ||grad F||^2 this finds the proportion; where v is flat, C1 = 0. The standard errors
// come from those of the one or two points that decide the pair (sample size: the points).
struct VarianceSplit {
  Estimate c1, sigma2;
};
VarianceSplit split_variance(std::span<const double> variances, std::span<const double> errors,
                             std::span<const double> squared_gradients, int batch);

// Per chunk (a set of rows) at x: its mean gradient g_i(x) (with the l2 term: the gradient of the chunk objective
// F_i = (1/|D_i|) sum_{D_i} f + l2/2 ||x||^2) and one sample's gradient variance v_i(x) within it.
struct ChunkStatistics {
  std::vector<std::vector<double>> gradients;
  std::vector<double> variances;
};
ChunkStatistics chunk_statistics(const Problem& problem, const std::vector<std::span<const std::int64_t>>& chunks,
                                 std::span<const double> x);

// RI-SGD's quantities at one point, from its chunk gradients g_1..g_p (every worker's model taken to be that point):
// the largest |<g_i, g_i'>| over pairs i != i' (Assumption 4's beta);
double largest_inner_product(const ChunkStatistics& stats);
// G~ = sum_{j < live} min over the chunks worker j does not hold of ||g_i||^2, worker j holding the q chunks
// j, j+1, ..., j+q-1 (mod p) (0 for a worker that holds them all);
double g_tilde_at(const ChunkStatistics& stats, int q, int live);
// rho = ||sum_i g_i||^2 / sum_i ||g_i||^2 (Theorem 4.2's condition with both inner sums over all chunks; NaN when
// every g_i is 0).
double rho_at(const ChunkStatistics& stats);

}  // namespace sgdsim::analysis
