// Synthetic generator: shapes, determinism per seed, label balance, class separation, sparsity, least-squares model.
#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <vector>

#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/error.hpp"

using sgdsim::Dataset;
using sgdsim::generate_synthetic;
using sgdsim::SyntheticData;
using sgdsim::kernels::Loss;

namespace {

SyntheticData spec(std::int64_t n, std::int64_t d, double density = 1.0) {
  SyntheticData s;
  s.samples = n;
  s.features = d;
  s.density = density;
  return s;
}

// Dense copy of any data set (rows × cols, row-major), to test sparse and dense alike.
Eigen::MatrixXd to_matrix(const Dataset& data) {
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(data.rows, data.cols);
  for (std::int64_t i = 0; i < data.rows; ++i) {
    if (data.sparse) {
      for (auto k = data.row_ptr[i]; k < data.row_ptr[i + 1]; ++k) a(i, data.col_index[k]) = data.values[k];
    } else {
      for (std::int64_t j = 0; j < data.cols; ++j) a(i, j) = data.dense[i * data.cols + j];
    }
  }
  return a;
}

}  // namespace

TEST_CASE("synthetic: dense and CSR shapes, with increasing in-range columns per row") {
  const Dataset dense = generate_synthetic(spec(30, 7), Loss::LOGISTIC, 1);
  CHECK_FALSE(dense.sparse);
  CHECK(dense.rows == 30);
  CHECK(dense.cols == 7);
  CHECK(dense.dense.size() == 210);
  CHECK(dense.labels.size() == 30);
  CHECK(dense.bytes() == (210 + 30) * sizeof(double));

  const Dataset sparse = generate_synthetic(spec(200, 40, 0.2), Loss::LOGISTIC, 1);
  CHECK(sparse.sparse);
  REQUIRE(sparse.row_ptr.size() == 201);
  CHECK(sparse.row_ptr.front() == 0);
  CHECK(sparse.row_ptr.back() == static_cast<std::int64_t>(sparse.values.size()));
  CHECK(sparse.col_index.size() == sparse.values.size());
  bool ordered = true;
  for (std::int64_t i = 0; i < 200; ++i) {
    for (auto k = sparse.row_ptr[i]; k < sparse.row_ptr[i + 1]; ++k) {
      ordered = ordered && sparse.col_index[k] >= 0 && sparse.col_index[k] < 40;
      if (k > sparse.row_ptr[i]) ordered = ordered && sparse.col_index[k - 1] < sparse.col_index[k];
    }
  }
  CHECK(ordered);
}

TEST_CASE("synthetic: the same seed gives identical data, another seed different data") {
  for (double density : {1.0, 0.3}) {
    const Dataset a = generate_synthetic(spec(50, 6, density), Loss::LOGISTIC, 7);
    const Dataset b = generate_synthetic(spec(50, 6, density), Loss::LOGISTIC, 7);
    const Dataset c = generate_synthetic(spec(50, 6, density), Loss::LOGISTIC, 8);
    CHECK(a.dense == b.dense);
    CHECK(a.values == b.values);
    CHECK(a.col_index == b.col_index);
    CHECK(a.labels == b.labels);
    CHECK(to_matrix(a) != to_matrix(c));
  }
}

TEST_CASE("synthetic: logistic labels are +-1 and balanced within 4 binomial standard deviations") {
  const std::int64_t n = 4000;
  const Dataset d = generate_synthetic(spec(n, 3), Loss::LOGISTIC, 11);
  const auto plus = std::count(d.labels.begin(), d.labels.end(), 1.0);
  const auto minus = std::count(d.labels.begin(), d.labels.end(), -1.0);
  CHECK(plus + minus == n);
  const double sd = std::sqrt(n * 0.25);
  CHECK(std::abs(static_cast<double>(plus) - n / 2.0) < 4.0 * sd);
}

TEST_CASE("synthetic: logistic class means sit at +-separation/2 along a unit direction") {
  // mean_i(b_i a_i) = separation/2 · u + N(0, I/n): its norm² is (separation/2)² + d/n up to O(1/sqrt(n)) noise.
  SyntheticData s = spec(8000, 10);
  s.separation = 3.0;
  const Dataset d = generate_synthetic(s, Loss::LOGISTIC, 3);
  const Eigen::MatrixXd a = to_matrix(d);
  const Eigen::VectorXd b = Eigen::Map<const Eigen::VectorXd>(d.labels.data(), d.rows);
  const Eigen::VectorXd m = (a.transpose() * b / static_cast<double>(d.rows)).eval();
  CHECK(m.squaredNorm() == doctest::Approx(2.25 + 10.0 / 8000.0).epsilon(0.03));
  // Off the class direction the features are standard normal: total variance ≈ d − 0 after removing the means.
  const Eigen::MatrixXd centred = a - b * m.transpose();
  CHECK(centred.squaredNorm() / static_cast<double>(d.rows) == doctest::Approx(10.0).epsilon(0.03));
}

TEST_CASE("synthetic: sparse density matches the requested one within 5 binomial standard deviations") {
  const std::int64_t n = 2000;
  const std::int64_t dims = 50;
  for (double p : {0.1, 0.02}) {
    const Dataset d = generate_synthetic(spec(n, dims, p), Loss::LOGISTIC, 5);
    const double cells = static_cast<double>(n * dims);
    const double sd = std::sqrt(cells * p * (1.0 - p));
    CHECK(std::abs(static_cast<double>(d.values.size()) - cells * p) < 5.0 * sd);
    // Column 0 and the last column are as likely as any other (no off-by-one in the gap sampling).
    std::vector<double> per_column(dims, 0.0);
    for (auto j : d.col_index) per_column[static_cast<std::size_t>(j)] += 1.0;
    const double col_sd = std::sqrt(n * p * (1.0 - p));
    CHECK(std::abs(per_column.front() - n * p) < 5.0 * col_sd);
    CHECK(std::abs(per_column.back() - n * p) < 5.0 * col_sd);
  }
}

TEST_CASE("synthetic: least-squares labels are a linear model of the features plus noise of the given size") {
  for (double density : {1.0, 0.5}) {
    for (double noise : {0.0, 0.5}) {
      SyntheticData s = spec(2000, 20, density);
      s.noise = noise;
      const Dataset d = generate_synthetic(s, Loss::LEAST_SQUARES, 9);
      const Eigen::MatrixXd a = to_matrix(d);
      const Eigen::VectorXd b = Eigen::Map<const Eigen::VectorXd>(d.labels.data(), d.rows);
      const Eigen::VectorXd x = a.colPivHouseholderQr().solve(b);
      const double residual = (a * x - b).squaredNorm() / static_cast<double>(d.rows);
      // E[residual] = noise² (n − d)/n; its sd is about noise² sqrt(2/n) ≈ 0.008 for noise 0.5.
      CHECK(residual == doctest::Approx(noise * noise * (2000.0 - 20.0) / 2000.0).epsilon(0.15).scale(1e-12));
      // x* ~ N(0, I/d): ‖x*‖² ~ χ²_d/d, within 0.1 and 3 with overwhelming probability for d = 20.
      CHECK(x.squaredNorm() > 0.1);
      CHECK(x.squaredNorm() < 3.0);
    }
  }
}

TEST_CASE("synthetic: a data set depends on the seed only, and bad sizes are ConfigErrors") {
  CHECK_THROWS_AS(generate_synthetic(spec(0, 3), Loss::LOGISTIC, 1), sgdsim::ConfigError);
  CHECK_THROWS_AS(generate_synthetic(spec(3, 3, 0.0), Loss::LOGISTIC, 1), sgdsim::ConfigError);
  sgdsim::ProblemSpec problem;
  problem.objective = Loss::LEAST_SQUARES;
  problem.data = spec(40, 4);
  const Dataset via_dispatch = sgdsim::load_dataset(problem, 21);
  CHECK(via_dispatch.dense == generate_synthetic(spec(40, 4), Loss::LEAST_SQUARES, 21).dense);
  CHECK(via_dispatch.labels == generate_synthetic(spec(40, 4), Loss::LEAST_SQUARES, 21).labels);
}
