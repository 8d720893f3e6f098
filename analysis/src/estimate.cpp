// Estimators of β, μ, σ² and the optimum (Newton / L-BFGS) with Eigen, straight from the data set.
#include "sgdsim/analysis/estimate.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <deque>
#include <limits>
#include <numeric>
#include <sstream>

#include "sgdsim/error.hpp"

namespace sgdsim::analysis {

namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Eigen::MatrixXd;
using Eigen::VectorXd;

std::string number(double x) {
  std::ostringstream out;
  out.precision(6);
  out << x;
  return out.str();
}

// The design matrix A (N × d) of a data set, dense row-major or CSR, with the few products the estimators need.
// Nothing here copies the features.
class Design {
 public:
  explicit Design(const Dataset& data) : data_(data) {}
  std::int64_t rows() const { return data_.rows; }
  std::int64_t cols() const { return data_.cols; }
  Eigen::Map<const VectorXd> labels() const { return {data_.labels.data(), data_.rows}; }

  // A x
  VectorXd times(const VectorXd& x) const {
    if (!data_.sparse) return dense() * x;
    VectorXd z(data_.rows);
    for (std::int64_t i = 0; i < data_.rows; ++i) {
      double sum = 0;
      for (auto p = data_.row_ptr[i]; p < data_.row_ptr[i + 1]; ++p) sum += data_.values[p] * x[data_.col_index[p]];
      z[i] = sum;
    }
    return z;
  }
  // Aᵀ v
  VectorXd transpose_times(const VectorXd& v) const {
    if (!data_.sparse) return dense().transpose() * v;
    VectorXd out = VectorXd::Zero(data_.cols);
    for (std::int64_t i = 0; i < data_.rows; ++i) {
      for (auto p = data_.row_ptr[i]; p < data_.row_ptr[i + 1]; ++p) out[data_.col_index[p]] += data_.values[p] * v[i];
    }
    return out;
  }
  // Aᵀ diag(w) A, w ≥ 0 (full symmetric d × d). Dense data: rank updates over blocks of rows, so the scaled copy
  // stays small whatever N is.
  MatrixXd weighted_gram(const VectorXd& w) const {
    const std::int64_t d = data_.cols;
    MatrixXd g = MatrixXd::Zero(d, d);
    if (!data_.sparse) {
      constexpr std::int64_t BLOCK = 1024;
      const auto a = dense();
      for (std::int64_t start = 0; start < data_.rows; start += BLOCK) {
        const std::int64_t len = std::min(BLOCK, data_.rows - start);
        const RowMatrix scaled = w.segment(start, len).cwiseSqrt().asDiagonal() * a.middleRows(start, len);
        g.selfadjointView<Eigen::Lower>().rankUpdate(scaled.transpose());
      }
    } else {
      for (std::int64_t i = 0; i < data_.rows; ++i) {
        const auto begin = data_.row_ptr[i], end = data_.row_ptr[i + 1];
        for (auto p = begin; p < end; ++p) {
          const double wv = w[i] * data_.values[p];
          for (auto q = begin; q < end; ++q) {
            const auto row = data_.col_index[p], col = data_.col_index[q];
            if (row >= col) g(row, col) += wv * data_.values[q];
          }
        }
      }
    }
    return g.selfadjointView<Eigen::Lower>();
  }
  // out += scale · a_i
  void add_row(std::int64_t i, double scale, VectorXd& out) const {
    if (!data_.sparse) {
      out += scale * dense().row(i).transpose();
      return;
    }
    for (auto p = data_.row_ptr[i]; p < data_.row_ptr[i + 1]; ++p) out[data_.col_index[p]] += scale * data_.values[p];
  }
  // ‖a_i‖² for every row.
  VectorXd row_squared_norms() const {
    if (!data_.sparse) return dense().rowwise().squaredNorm();
    VectorXd out(data_.rows);
    for (std::int64_t i = 0; i < data_.rows; ++i) {
      double sum = 0;
      for (auto p = data_.row_ptr[i]; p < data_.row_ptr[i + 1]; ++p) sum += data_.values[p] * data_.values[p];
      out[i] = sum;
    }
    return out;
  }

 private:
  Eigen::Map<const RowMatrix> dense() const { return {data_.dense.data(), data_.rows, data_.cols}; }
  const Dataset& data_;
};

// log(1 + e^t) without overflow.
double softplus(double t) { return t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t)); }
double sigmoid(double t) {
  if (t >= 0) return 1.0 / (1.0 + std::exp(-t));
  const double e = std::exp(t);
  return e / (1.0 + e);
}

// Per-sample loss ℓ(z, b), its first and second derivatives in z.
struct SampleTerms {
  double loss = 0;
  double first = 0;
  double second = 0;
};
SampleTerms sample_terms(kernels::Loss loss, double z, double b) {
  if (loss == kernels::Loss::LEAST_SQUARES) return {0.5 * (z - b) * (z - b), z - b, 1.0};
  const double t = -b * z;
  const double s = sigmoid(t);
  return {softplus(t), -b * s, b * b * s * (1.0 - s)};
}

// F(x), ∇F(x) and (optionally) the per-sample curvatures ℓ''(z_i) at x.
struct Evaluation {
  double loss = 0;
  VectorXd grad;
  VectorXd curvature;
};
Evaluation evaluate(const Design& a, kernels::Loss loss, double l2, const VectorXd& x, bool curvature) {
  const VectorXd z = a.times(x);
  const auto b = a.labels();
  const std::int64_t n = a.rows();
  VectorXd first(n);
  Evaluation out;
  if (curvature) out.curvature.resize(n);
  double sum = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    const SampleTerms t = sample_terms(loss, z[i], b[i]);
    sum += t.loss;
    first[i] = t.first;
    if (curvature) out.curvature[i] = t.second;
  }
  const double inv_n = n > 0 ? 1.0 / static_cast<double>(n) : 0.0;
  out.loss = sum * inv_n + 0.5 * l2 * x.squaredNorm();
  out.grad = a.transpose_times(first) * inv_n + l2 * x;
  return out;
}

// λ_max of AᵀA/N by power iteration (a Rayleigh quotient: never above the true value, converges from below).
double power_iteration_max(const Design& a, int& iterations) {
  const double inv_n = 1.0 / static_cast<double>(std::max<std::int64_t>(a.rows(), 1));
  VectorXd v = VectorXd::Ones(a.cols()).normalized();
  double lambda = 0;
  for (iterations = 1; iterations <= 1000; ++iterations) {
    const VectorXd w = a.transpose_times(a.times(v)) * inv_n;
    const double next = v.dot(w);
    const double norm = w.norm();
    if (norm == 0) return 0;
    v = w / norm;
    if (std::abs(next - lambda) <= 1e-10 * std::abs(next)) return next;
    lambda = next;
  }
  return lambda;
}

Eigen::VectorXd gram_eigenvalues(const Design& a, const VectorXd& weights) {
  const MatrixXd g = a.weighted_gram(weights) / static_cast<double>(std::max<std::int64_t>(a.rows(), 1));
  Eigen::SelfAdjointEigenSolver<MatrixXd> solver(g, Eigen::EigenvaluesOnly);
  if (solver.info() != Eigen::Success) SGDSIM_THROW(DataError, "eigenvalues of the Gram matrix did not converge");
  return solver.eigenvalues();  // increasing
}

VectorXd to_vector(std::span<const double> x) { return Eigen::Map<const VectorXd>(x.data(), std::ssize(x)); }

// Newton direction −H⁻¹g (H = AᵀDA/N + l2·I); falls back to the minimum-norm solution when H is singular.
VectorXd newton_direction(const Design& a, const Evaluation& e, double l2) {
  MatrixXd h = a.weighted_gram(e.curvature) / static_cast<double>(std::max<std::int64_t>(a.rows(), 1));
  h.diagonal().array() += l2;
  Eigen::LDLT<MatrixXd> ldlt(h);
  if (ldlt.info() == Eigen::Success && ldlt.isPositive() && (ldlt.vectorD().array() > 0).all()) {
    VectorXd p = ldlt.solve(-e.grad);
    if (p.allFinite()) return p;
  }
  return h.completeOrthogonalDecomposition().solve(-e.grad);
}

Optimum newton(const Problem& problem, const Design& a, const SolverOptions& options) {
  const double l2 = problem.l2();
  VectorXd x = VectorXd::Zero(a.cols());
  Evaluation e = evaluate(a, problem.objective(), l2, x, true);
  Optimum out;
  int it = 0;
  for (; it < options.max_iterations && e.grad.norm() > options.gradient_tolerance; ++it) {
    VectorXd p = newton_direction(a, e, l2);
    double slope = e.grad.dot(p);
    if (!(slope < 0)) {  // not a descent direction (numerical trouble): steepest descent instead
      p = -e.grad;
      slope = -e.grad.squaredNorm();
    }
    // Backtracking (Armijo). Close to the optimum the decrease falls below rounding of F; a step that halves the
    // gradient norm without increasing F beyond rounding is then accepted too.
    double t = 1.0;
    bool accepted = false;
    Evaluation next;
    for (int tries = 0; tries < 60; ++tries, t *= 0.5) {
      next = evaluate(a, problem.objective(), l2, x + t * p, true);
      const bool armijo = next.loss <= e.loss + 1e-4 * t * slope;
      const bool rounding =
          next.grad.norm() <= 0.5 * e.grad.norm() && next.loss <= e.loss + 1e-13 * std::max(1.0, std::abs(e.loss));
      if (std::isfinite(next.loss) && (armijo || rounding)) {
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
    x += t * p;
    e = std::move(next);
  }
  out.x.assign(x.data(), x.data() + x.size());
  out.loss = e.loss;
  out.gradient_norm = e.grad.norm();
  out.iterations = it;
  out.converged = out.gradient_norm <= options.gradient_tolerance;
  out.how = "Newton's method with Armijo backtracking from x = 0, " + std::to_string(it) +
            " steps, |grad F| = " + number(out.gradient_norm);
  return out;
}

Optimum lbfgs(const Problem& problem, const Design& a, const SolverOptions& options) {
  constexpr std::size_t MEMORY = 10;
  const double l2 = problem.l2();
  VectorXd x = VectorXd::Zero(a.cols());
  Evaluation e = evaluate(a, problem.objective(), l2, x, false);
  std::deque<VectorXd> s_hist, y_hist;
  std::deque<double> rho_hist;
  const int max_iterations = 50 * options.max_iterations;
  int it = 0;
  for (; it < max_iterations && e.grad.norm() > options.gradient_tolerance; ++it) {
    // Two-loop recursion: p = −H_k ∇F with the implicit inverse-Hessian approximation of the last MEMORY pairs.
    VectorXd q = e.grad;
    std::vector<double> alpha(s_hist.size());
    for (std::size_t j = s_hist.size(); j-- > 0;) {
      alpha[j] = rho_hist[j] * s_hist[j].dot(q);
      q -= alpha[j] * y_hist[j];
    }
    if (!s_hist.empty())
      q *= s_hist.back().dot(y_hist.back()) / y_hist.back().squaredNorm();
    else
      q /= std::max(1.0, e.grad.norm());
    for (std::size_t j = 0; j < s_hist.size(); ++j) q += (alpha[j] - rho_hist[j] * y_hist[j].dot(q)) * s_hist[j];
    VectorXd p = -q;
    double slope = e.grad.dot(p);
    if (!(slope < 0)) {
      p = -e.grad;
      slope = -e.grad.squaredNorm();
      s_hist.clear(), y_hist.clear(), rho_hist.clear();
    }
    double t = 1.0;
    bool accepted = false;
    Evaluation next;
    for (int tries = 0; tries < 60; ++tries, t *= 0.5) {
      next = evaluate(a, problem.objective(), l2, x + t * p, false);
      const bool armijo = next.loss <= e.loss + 1e-4 * t * slope;
      const bool rounding =
          next.grad.norm() <= e.grad.norm() && next.loss <= e.loss + 1e-13 * std::max(1.0, std::abs(e.loss));
      if (std::isfinite(next.loss) && (armijo || rounding)) {
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
    VectorXd s = t * p;
    VectorXd y = next.grad - e.grad;
    const double sy = s.dot(y);
    x += s;
    e = std::move(next);
    if (sy > 1e-300) {
      s_hist.push_back(std::move(s));
      y_hist.push_back(std::move(y));
      rho_hist.push_back(1.0 / sy);
      if (s_hist.size() > MEMORY) s_hist.pop_front(), y_hist.pop_front(), rho_hist.pop_front();
    }
  }
  Optimum out;
  out.x.assign(x.data(), x.data() + x.size());
  out.loss = e.loss;
  out.gradient_norm = e.grad.norm();
  out.iterations = it;
  out.converged = out.gradient_norm <= options.gradient_tolerance;
  out.how = "L-BFGS (memory 10) from x = 0, " + std::to_string(it) + " steps, |grad F| = " + number(out.gradient_norm);
  return out;
}

}  // namespace

double objective(const Problem& problem, std::span<const double> x, std::span<double> grad) {
  const Design a(problem.data());
  if (std::ssize(x) != a.cols()) SGDSIM_THROW(DataError, "objective: model size does not match the data set");
  const Evaluation e = evaluate(a, problem.objective(), problem.l2(), to_vector(x), false);
  if (!grad.empty()) std::copy(e.grad.data(), e.grad.data() + e.grad.size(), grad.begin());
  return e.loss;
}

Estimate estimate_smoothness(const Problem& problem) {
  const Design a(problem.data());
  const bool logistic = problem.objective() == kernels::Loss::LOGISTIC;
  const double factor = logistic ? 0.25 : 1.0;
  const char* bound = logistic ? "lambda_max(A'A)/(4N) + l2" : "lambda_max(A'A)/N + l2";
  if (a.cols() <= DENSE_DIMENSION_LIMIT) {
    const VectorXd eig = gram_eigenvalues(a, VectorXd::Ones(a.rows()));
    const double lmax = eig.size() > 0 ? eig[eig.size() - 1] : 0.0;
    return {factor * lmax + problem.l2(),
            std::string(bound) + ", exact eigenvalues of A'A/N (d = " + std::to_string(a.cols()) + ")"};
  }
  int iterations = 0;
  const double lmax = power_iteration_max(a, iterations);
  return {factor * lmax + problem.l2(), std::string(bound) + ", power iteration on A'A (" + std::to_string(iterations) +
                                            " products; converges from below)"};
}

Estimate estimate_pl_constant(const Problem& problem, std::span<const double> x_star) {
  const Design a(problem.data());
  const double l2 = problem.l2();
  if (a.cols() > DENSE_DIMENSION_LIMIT) {
    return {l2, "l2 only (lower bound: the data term is convex; d = " + std::to_string(a.cols()) + " too large)"};
  }
  if (problem.objective() == kernels::Loss::LEAST_SQUARES) {
    const VectorXd eig = gram_eigenvalues(a, VectorXd::Ones(a.rows()));
    return {std::max(0.0, eig.size() > 0 ? eig[0] : 0.0) + l2, "lambda_min(A'A)/N + l2, exact eigenvalues (global)"};
  }
  if (std::ssize(x_star) != a.cols()) SGDSIM_THROW(DataError, "estimate_pl_constant: x* size does not match d");
  const Evaluation e = evaluate(a, problem.objective(), l2, to_vector(x_star), true);
  const VectorXd eig = gram_eigenvalues(a, e.curvature);
  return {std::max(0.0, eig.size() > 0 ? eig[0] : 0.0) + l2,
          "l2 + lambda_min(A'DA/N), D = sigma(z)(1-sigma(z)) at x* (local estimate at the optimum)"};
}

Optimum solve_optimum(const Problem& problem, const SolverOptions& options) {
  const Design a(problem.data());
  return a.cols() <= DENSE_DIMENSION_LIMIT ? newton(problem, a, options) : lbfgs(problem, a, options);
}

Estimate estimate_gradient_bound(const Problem& problem, const std::vector<std::vector<double>>& models) {
  const Design a(problem.data());
  const double l2 = problem.l2();
  const VectorXd norms = a.row_squared_norms();
  const auto b = a.labels();
  double best = 0;
  for (const auto& model : models) {
    if (std::ssize(model) != a.cols()) SGDSIM_THROW(DataError, "estimate_gradient_bound: model size does not match d");
    const VectorXd x = to_vector(model);
    const VectorXd z = a.times(x);
    const double x2 = x.squaredNorm();
    // ‖ℓ'(z_i) a_i + l2 x‖² = ℓ'² ‖a_i‖² + 2 ℓ' l2 a_iᵀx + l2² ‖x‖², with a_iᵀx = z_i.
    for (std::int64_t i = 0; i < a.rows(); ++i) {
      const double g = sample_terms(problem.objective(), z[i], b[i]).first;
      best = std::max(best, g * g * norms[i] + 2.0 * g * l2 * z[i] + l2 * l2 * x2);
    }
  }
  return {best, "max over " + std::to_string(a.rows()) + " samples and " + std::to_string(models.size()) +
                    " models of |grad f_i(x)|^2 (per-sample, bounds partition gradients too)"};
}

Estimate estimate_partition_gradient_bound(const Problem& problem,
                                           const std::vector<std::span<const std::int64_t>>& partitions,
                                           const std::vector<std::vector<double>>& models) {
  const Design a(problem.data());
  const double l2 = problem.l2();
  const auto b = a.labels();
  double best = 0;
  for (const auto& model : models) {
    if (std::ssize(model) != a.cols()) {
      SGDSIM_THROW(DataError, "estimate_partition_gradient_bound: model size does not match d");
    }
    const VectorXd x = to_vector(model);
    const VectorXd z = a.times(x);
    for (const auto& part : partitions) {
      if (part.empty()) continue;
      VectorXd g = l2 * x;
      const double inv = 1.0 / static_cast<double>(part.size());
      for (const std::int64_t i : part) {
        if (i < 0 || i >= a.rows()) SGDSIM_THROW(DataError, "estimate_partition_gradient_bound: row out of range");
        a.add_row(i, inv * sample_terms(problem.objective(), z[i], b[i]).first, g);
      }
      best = std::max(best, g.squaredNorm());
    }
  }
  return {best, "max over " + std::to_string(partitions.size()) + " partitions and " + std::to_string(models.size()) +
                    " models of |grad F_P(x)|^2"};
}

}  // namespace sgdsim::analysis

namespace sgdsim::analysis {

namespace {

// F(x) alone: one pass over the rows.
double loss_only(const Design& a, kernels::Loss loss, double l2, const VectorXd& x) {
  const VectorXd z = a.times(x);
  const auto b = a.labels();
  double sum = 0;
  for (std::int64_t i = 0; i < a.rows(); ++i) sum += sample_terms(loss, z[i], b[i]).loss;
  return sum / static_cast<double>(std::max<std::int64_t>(a.rows(), 1)) + 0.5 * l2 * x.squaredNorm();
}

// Unit directions from x*: towards x_0, the Hessian's extreme eigenvectors (small d), random Gaussian ones.
std::vector<VectorXd> ray_directions(const Problem& problem, const Design& a, const VectorXd& x_star,
                                     const VectorXd& x0, int random_directions, std::uint64_t seed) {
  std::vector<VectorXd> dirs;
  const VectorXd to_x0 = x0 - x_star;
  if (to_x0.norm() > 0) dirs.push_back(to_x0.normalized());
  const std::int64_t d = a.cols();
  if (d <= 500) {
    const Evaluation e = evaluate(a, problem.objective(), problem.l2(), x_star, true);
    MatrixXd h = a.weighted_gram(e.curvature) / static_cast<double>(std::max<std::int64_t>(a.rows(), 1));
    h.diagonal().array() += problem.l2();
    const Eigen::SelfAdjointEigenSolver<MatrixXd> solver(h);
    if (solver.info() == Eigen::Success) {
      for (std::int64_t j = 0; j < d; ++j) {
        if (j < 3 || j >= d - 3) dirs.push_back(solver.eigenvectors().col(j));
      }
    }
  }
  boost::random::mt19937_64 rng(seed);
  boost::random::normal_distribution<double> normal;
  for (int r = 0; r < random_directions; ++r) {
    VectorXd v(d);
    for (std::int64_t j = 0; j < d; ++j) v[j] = normal(rng);
    if (v.norm() > 0) dirs.push_back(v.normalized());
  }
  return dirs;
}

}  // namespace

PointSample sublevel_set_points(const Problem& problem, const Optimum& optimum, std::span<const double> x0,
                                int random_directions, std::uint64_t seed) {
  const Design a(problem.data());
  const auto loss = problem.objective();
  const double l2 = problem.l2();
  const VectorXd xs = to_vector(optimum.x);
  const VectorXd xz = to_vector(x0);
  const double f0 = loss_only(a, loss, l2, xz);
  PointSample out;
  out.points = {std::vector<double>(x0.begin(), x0.end()), optimum.x};
  const auto dirs = ray_directions(problem, a, xs, xz, random_directions, seed);
  const double scale = std::max((xz - xs).norm(), 1e-3);
  int rays = 0;
  for (const VectorXd& dir : dirs) {
    for (const double sign : {1.0, -1.0}) {
      const VectorXd v = sign * dir;
      double hi = scale;
      int doublings = 0;
      while (loss_only(a, loss, l2, xs + hi * v) <= f0 && doublings < 60) hi *= 2, ++doublings;
      if (doublings == 60) continue;  // F stays below F(x_0) along this ray
      double lo = 0;
      for (int step = 0; step < 30; ++step) {
        const double mid = 0.5 * (lo + hi);
        (loss_only(a, loss, l2, xs + mid * v) <= f0 ? lo : hi) = mid;
      }
      ++rays;
      for (const double fraction : {0.25, 0.5, 0.75, 1.0}) {
        const VectorXd p = xs + fraction * lo * v;
        out.points.emplace_back(p.data(), p.data() + p.size());
      }
    }
  }
  out.how = std::to_string(out.points.size()) + " points of {F <= F(x_0)}: x_0, x* and " + std::to_string(rays) +
            " rays from x* (towards x_0, Hessian eigenvectors, " + std::to_string(random_directions) +
            " random directions) at 1/4, 1/2, 3/4, 1 of the way to the boundary";
  return out;
}

Estimate estimate_pl_ratio(const Problem& problem, double f_star, const std::vector<std::vector<double>>& points) {
  const Design a(problem.data());
  std::vector<std::pair<double, double>> gap_and_grad;
  double largest_gap = 0;
  for (const auto& p : points) {
    const Evaluation e = evaluate(a, problem.objective(), problem.l2(), to_vector(p), false);
    gap_and_grad.emplace_back(e.loss - f_star, e.grad.squaredNorm());
    largest_gap = std::max(largest_gap, e.loss - f_star);
  }
  Estimate out;
  out.value = std::numeric_limits<double>::infinity();
  for (const auto& [gap, grad2] : gap_and_grad) {
    if (!(gap > 1e-6 * largest_gap)) continue;
    out.value = std::min(out.value, grad2 / (2.0 * gap));
    ++out.sample_size;
  }
  if (out.sample_size == 0) out.value = std::numeric_limits<double>::quiet_NaN();
  out.how = "min over " + std::to_string(out.sample_size) + " points of |grad F|^2 / (2 (F - F*))";
  return out;
}

double gradient_variance(const Problem& problem, std::span<const std::int64_t> rows, std::span<const double> x) {
  std::vector<std::span<const std::int64_t>> chunks;
  std::vector<std::int64_t> all;
  if (rows.empty()) {
    all.resize(static_cast<std::size_t>(problem.samples()));
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::int64_t>(i);
    chunks.emplace_back(all);
  } else {
    chunks.push_back(rows);
  }
  return chunk_statistics(problem, chunks, x).variances.front();
}

ChunkStatistics chunk_statistics(const Problem& problem, const std::vector<std::span<const std::int64_t>>& chunks,
                                 std::span<const double> x) {
  const Design a(problem.data());
  if (std::ssize(x) != a.cols()) SGDSIM_THROW(DataError, "chunk_statistics: model size does not match d");
  const VectorXd xv = to_vector(x);
  const VectorXd z = a.times(xv);
  const VectorXd norms = a.row_squared_norms();
  const auto b = a.labels();
  ChunkStatistics out;
  for (const auto& chunk : chunks) {
    VectorXd g = VectorXd::Zero(a.cols());
    double second = 0;  // (1/|S|) sum l'^2 ||a_i||^2
    const double inv = chunk.empty() ? 0.0 : 1.0 / static_cast<double>(chunk.size());
    for (const std::int64_t i : chunk) {
      if (i < 0 || i >= a.rows()) SGDSIM_THROW(DataError, "chunk_statistics: row out of range");
      const double l = sample_terms(problem.objective(), z[i], b[i]).first;
      a.add_row(i, inv * l, g);
      second += inv * l * l * norms[i];
    }
    // ||grad f_i - grad F_S||^2 averaged over S = mean ||l' a_i||^2 - ||mean l' a_i||^2 (the l2 x terms cancel).
    out.variances.push_back(std::max(0.0, second - g.squaredNorm()));
    g += problem.l2() * xv;
    out.gradients.emplace_back(g.data(), g.data() + g.size());
  }
  return out;
}

namespace {
double squared_norm(const std::vector<double>& v) { return std::inner_product(v.begin(), v.end(), v.begin(), 0.0); }
}  // namespace

double largest_inner_product(const ChunkStatistics& stats) {
  const auto& g = stats.gradients;
  double best = 0;
  for (std::size_t i = 0; i < g.size(); ++i) {
    for (std::size_t j = i + 1; j < g.size(); ++j)
      best = std::max(best, std::abs(std::inner_product(g[i].begin(), g[i].end(), g[j].begin(), 0.0)));
  }
  return best;
}

double g_tilde_at(const ChunkStatistics& stats, int q, int live) {
  const int p = static_cast<int>(stats.gradients.size());
  double sum = 0;
  for (int j = 0; j < live; ++j) {
    double smallest = std::numeric_limits<double>::infinity();
    for (int i = 0; i < p; ++i) {
      if ((i - j + p) % p < q) continue;  // held by worker j
      smallest = std::min(smallest, squared_norm(stats.gradients[static_cast<std::size_t>(i)]));
    }
    if (std::isfinite(smallest)) sum += smallest;
  }
  return sum;
}

double rho_at(const ChunkStatistics& stats) {
  const auto& g = stats.gradients;
  if (g.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> total(g.front().size(), 0.0);
  double norms = 0;
  for (const auto& gi : g) {
    for (std::size_t j = 0; j < total.size(); ++j) total[j] += gi[j];
    norms += squared_norm(gi);
  }
  return norms > 0 ? squared_norm(total) / norms : std::numeric_limits<double>::quiet_NaN();
}

Estimate minibatch_variance_monte_carlo(const Problem& problem, std::span<const std::int64_t> rows,
                                        std::span<const double> x, int batch, int draws, std::uint64_t seed) {
  const Design a(problem.data());
  const VectorXd xv = to_vector(x);
  const VectorXd z = a.times(xv);
  const auto b = a.labels();
  const std::int64_t size = rows.empty() ? a.rows() : std::ssize(rows);
  auto row = [&](std::int64_t j) { return rows.empty() ? j : rows[static_cast<std::size_t>(j)]; };
  auto first = [&](std::int64_t i) { return sample_terms(problem.objective(), z[i], b[i]).first; };
  VectorXd mean = VectorXd::Zero(a.cols());
  for (std::int64_t j = 0; j < size; ++j) a.add_row(row(j), first(row(j)) / static_cast<double>(size), mean);
  boost::random::mt19937_64 rng(seed);
  boost::random::uniform_int_distribution<std::int64_t> pick(0, size - 1);
  std::vector<double> values;
  for (int draw = 0; draw < draws; ++draw) {
    VectorXd g = VectorXd::Zero(a.cols());
    for (int k = 0; k < batch; ++k) {
      const std::int64_t i = row(pick(rng));
      a.add_row(i, first(i) / batch, g);
    }
    values.push_back(static_cast<double>(batch) * (g - mean).squaredNorm());
  }
  double m = 0, ss = 0;
  for (double v : values) m += v;
  m /= draws;
  for (double v : values) ss += (v - m) * (v - m);
  Estimate out;
  out.value = m;
  out.sample_size = draws;
  out.standard_error = draws > 1 ? std::sqrt(ss / (draws - 1) / draws) : std::numeric_limits<double>::quiet_NaN();
  out.how = "Monte Carlo: " + std::to_string(draws) + " mini-batches of " + std::to_string(batch) +
            " rows drawn with replacement, B |g~ - grad F_S|^2";
  return out;
}

VarianceSplit split_variance(std::span<const double> variances, std::span<const double> errors,
                             std::span<const double> squared_gradients, int batch) {
  const std::size_t n = variances.size();
  const double B = batch;
  // sigma^2(C1) = max_x (v(x) - B C1 s(x)), s = ||grad F||^2: the smallest sigma^2 valid at every point with C1.
  auto sigma2_at = [&](double c1, std::size_t& at) {
    double best = -std::numeric_limits<double>::infinity();
    for (std::size_t x = 0; x < n; ++x) {
      const double need = variances[x] - B * c1 * squared_gradients[x];
      if (need > best) best = need, at = x;
    }
    return std::max(0.0, best);
  };
  const double mean_s =
      n == 0 ? 0.0 : std::accumulate(squared_gradients.begin(), squared_gradients.end(), 0.0) / static_cast<double>(n);
  // The total slack over the points divided by n: C1 mean(s) + sigma^2/B - mean(v)/B, the last term a constant.
  auto cost = [&](double c1, std::size_t& at) { return c1 * mean_s + sigma2_at(c1, at) / B; };
  std::size_t top = 0, low = n;  // the point that decides sigma^2, and the other one that decides C1 (n: none)
  double c1 = 0, best = cost(0, top);
  for (std::size_t x = 0; x < n; ++x) {
    for (std::size_t y = 0; y < n; ++y) {
      const double ds = squared_gradients[x] - squared_gradients[y], dv = variances[x] - variances[y];
      if (!(ds > 0 && dv > 0)) continue;
      const double c = dv / (B * ds);
      std::size_t at = 0;
      const double here = cost(c, at);
      if (here < best * (1 - 1e-12)) best = here, c1 = c, top = at, low = at == x ? y : x;
    }
  }
  VarianceSplit out;
  std::size_t at = 0;
  out.c1.value = c1;
  out.sigma2.value = sigma2_at(c1, at);
  out.c1.sample_size = out.sigma2.sample_size = static_cast<std::int64_t>(n);
  auto error = [&](std::size_t x) { return x < errors.size() ? errors[x] : 0.0; };
  if (n == 0) return out;
  if (low == n) {
    out.c1.standard_error = 0;
    out.sigma2.standard_error = error(top);
  } else {
    // C1 = (v_a - v_b)/(B (s_a - s_b)), sigma^2 = (v_b s_a - v_a s_b)/(s_a - s_b), the two points a, b independent.
    const double sa = squared_gradients[top], sb = squared_gradients[low], ds = std::abs(sa - sb);
    out.c1.standard_error = std::hypot(error(top), error(low)) / (B * ds);
    out.sigma2.standard_error = std::hypot(sa * error(low), sb * error(top)) / ds;
  }
  out.c1.how = "the least-slack pair over the " + std::to_string(n) + " points: C1 = " +
               (low == n ? std::string("0 (a flat variance: v(x) <= sigma^2 everywhere)")
                         : "(v(a) - v(b))/(B (|g(a)|^2 - |g(b)|^2)) for the two points a, b that decide it");
  out.sigma2.how = "max over the points of v(x) - B C1 |grad F(x)|^2, with C1 from the same fit";
  return out;
}

}  // namespace sgdsim::analysis
