// Mixing matrices: the checks every W passes (non-negative, symmetric, doubly stochastic), ζ, and EASGD's W_α.
#include "sgdsim/core/algorithms/cooperative/mixing.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sgdsim/core/scenario/config.hpp"

namespace sgdsim {
namespace {

// Sums of a row or column may be off by rounding (a user writing 1/3 to 16 digits); more is a mistake.
constexpr double TOLERANCE = 1e-9;
// W = J is recognised up to the rounding of 1/m, so that a complete graph runs as the all-reduce it is.
constexpr double AVERAGE_TOLERANCE = 1e-12;

std::string text(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", v);
  return buffer;
}

std::string cell(int i, int j) { return "W[" + std::to_string(i) + "][" + std::to_string(j) + "]"; }

}  // namespace

MixingMatrix MixingMatrix::average(int workers) {
  MixingMatrix m;
  m.workers_ = workers;
  m.nodes_ = workers;
  return m;
}

MixingMatrix MixingMatrix::checked(std::vector<double> w, int workers, const std::string& path, std::string description) {
  const auto n = static_cast<int>(std::lround(std::sqrt(static_cast<double>(w.size()))));
  if (static_cast<std::size_t>(n) * static_cast<std::size_t>(n) != w.size() || n < workers)
    config::fail(path, "must be a square matrix of at least cluster.workers (" + std::to_string(workers) + ") rows");
  if (n > MAX_MIXING_NODES)
    config::fail(path, "a mixing matrix over " + std::to_string(n) + " nodes is more than sgdsim handles (" +
                           std::to_string(MAX_MIXING_NODES) +
                           "): W is kept dense and its eigenvalues are computed when the scenario is read");
  auto at = [&](int i, int j) { return w[static_cast<std::size_t>(i) * static_cast<std::size_t>(n) + static_cast<std::size_t>(j)]; };
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (!std::isfinite(at(i, j)) || at(i, j) < 0)
        config::fail(path, cell(i, j) + " = " + text(at(i, j)) + " is negative: a mixing matrix has entries >= 0");
  for (int i = 0; i < n; ++i) {
    double row = 0;
    double column = 0;
    for (int j = 0; j < n; ++j) {
      row += at(i, j);
      column += at(j, i);
    }
    if (std::fabs(row - 1) > TOLERANCE)
      config::fail(path, "row " + std::to_string(i) + " sums to " + text(row) + " (off by " + text(row - 1) +
                             "): a mixing matrix is doubly stochastic, every row and column sums to 1");
    if (std::fabs(column - 1) > TOLERANCE)
      config::fail(path, "column " + std::to_string(i) + " sums to " + text(column) + " (off by " + text(column - 1) +
                             "): a mixing matrix is doubly stochastic, every row and column sums to 1");
  }
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      if (std::fabs(at(i, j) - at(j, i)) > TOLERANCE)
        config::fail(path, "is not symmetric: " + cell(i, j) + " = " + text(at(i, j)) + " but " + cell(j, i) + " = " +
                               text(at(j, i)) + " (they differ by " + text(at(i, j) - at(j, i)) + ")");

  MixingMatrix m;
  m.workers_ = workers;
  m.nodes_ = n;
  m.description_ = std::move(description);
  bool average = n == workers;
  for (double v : w) average = average && std::fabs(v - 1.0 / workers) <= AVERAGE_TOLERANCE;
  if (average) {  // J: ζ = 0, no entries kept
    const std::int64_t k = workers;
    m.links_workers_ = m.links_all_ = k * (k - 1);
    return m;
  }
  m.average_ = false;
  m.zeta_ = mixing_zeta(w, n);
  m.columns_.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      if (at(j, i) == 0) continue;
      m.columns_[static_cast<std::size_t>(i)].push_back({j, at(j, i)});
      if (j == i) continue;
      ++m.links_all_;
      if (i < workers && j < workers) ++m.links_workers_;
    }
  m.w_ = std::move(w);
  return m;
}

MixingMatrix MixingMatrix::from_columns(std::vector<std::vector<Entry>> columns, double zeta, std::string description) {
  MixingMatrix m;
  m.workers_ = m.nodes_ = static_cast<int>(columns.size());
  m.average_ = false;
  m.zeta_ = zeta;
  m.description_ = std::move(description);
  for (std::size_t i = 0; i < columns.size(); ++i)
    for (const Entry& e : columns[i]) m.links_all_ += static_cast<std::size_t>(e.node) != i ? 1 : 0;
  m.links_workers_ = m.links_all_;
  m.columns_ = std::move(columns);
  return m;
}

double MixingMatrix::at(int i, int j) const {
  if (average_) return 1.0 / workers_;
  if (w_.empty()) {  // sparse: W_ij = W_ji, found in column i
    const auto& column = columns_[static_cast<std::size_t>(i)];
    const auto it = std::lower_bound(column.begin(), column.end(), j,
                                     [](const Entry& e, int node) { return e.node < node; });
    return it != column.end() && it->node == j ? it->weight : 0.0;
  }
  return w_[static_cast<std::size_t>(i) * static_cast<std::size_t>(nodes_) + static_cast<std::size_t>(j)];
}

std::vector<MixingMatrix::Entry> MixingMatrix::column(int i) const {
  if (!average_) return columns_[static_cast<std::size_t>(i)];
  std::vector<Entry> entries;
  for (int j = 0; j < nodes_; ++j) entries.push_back({j, 1.0 / workers_});
  return entries;
}

double mixing_zeta(std::span<const double> w, int n) {
  if (n < 2) return 0;
  const Eigen::Map<const Eigen::MatrixXd> matrix(w.data(), n, n);  // symmetric: row- or column-major alike
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(matrix, Eigen::EigenvaluesOnly);
  const Eigen::VectorXd& ascending = solver.eigenvalues();
  return std::max(std::fabs(ascending(n - 2)), std::fabs(ascending(0)));
}

double product_of_cycles_zeta(std::span<const int> cycles) {
  // Each cycle's adjacency eigenvalues, and the degree it adds.
  std::vector<std::vector<double>> eigen(cycles.size());
  int degree = 0;
  std::size_t combinations = 1;
  for (std::size_t f = 0; f < cycles.size(); ++f) {
    const int n = cycles[f];
    degree += n == 1 ? 0 : n == 2 ? 1 : 2;
    for (int k = 0; k < n; ++k)
      eigen[f].push_back(n == 1 ? 0.0 : n == 2 ? (k == 0 ? 1.0 : -1.0) : 2 * std::cos(2 * M_PI * k / n));
    combinations *= static_cast<std::size_t>(n);
  }
  double zeta = 0;
  std::vector<int> index(cycles.size(), 0);  // a mixed-radix counter over the cycles' eigenvalues
  for (std::size_t c = 1; c < combinations; ++c) {
    for (std::size_t f = 0; f < cycles.size(); ++f) {
      if (++index[f] < cycles[f]) break;
      index[f] = 0;
    }
    double sum = 1;
    for (std::size_t f = 0; f < cycles.size(); ++f) sum += eigen[f][static_cast<std::size_t>(index[f])];
    zeta = std::max(zeta, std::fabs(sum) / (degree + 1));
  }
  return zeta;
}

MixingMatrix elastic_matrix(int workers, double alpha) {
  const int n = workers + 1;
  std::vector<double> w(static_cast<std::size_t>(n) * static_cast<std::size_t>(n), 0.0);
  auto at = [&](int i, int j) -> double& { return w[static_cast<std::size_t>(i * n + j)]; };
  for (int i = 0; i < workers; ++i) {
    at(i, i) = 1 - alpha;
    at(i, workers) = alpha;
    at(workers, i) = alpha;
  }
  at(workers, workers) = 1 - workers * alpha;
  return MixingMatrix::checked(std::move(w), workers, "scenario.algorithm.alpha",
                               "EASGD W_alpha over " + std::to_string(workers) + " workers and the anchor, alpha = " +
                                   text(alpha));
}

}  // namespace sgdsim
