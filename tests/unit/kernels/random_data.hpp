// Random dense and CSR data sets for the kernel tests (unit and gpu), and the relative error used to compare kernels.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "sgdsim/kernels/kernels.hpp"

namespace sgdsim::test {

// Owns the arrays a kernels::Data<T> points to. Logistic labels are ±1, least-squares labels are real.
template <class T>
struct RandomData {
  std::vector<T> values;
  std::vector<std::int64_t> row_ptr;
  std::vector<std::int32_t> col_index;
  std::vector<T> labels;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  bool sparse = false;

  kernels::Data<T> view() const {
    kernels::Data<T> d;
    if (sparse) {
      d.features = kernels::Csr<T>{row_ptr.data(), col_index.data(), values.data(), rows, cols};
    } else {
      d.features = kernels::Dense<T>{values.data(), rows, cols};
    }
    d.labels = labels.data();
    return d;
  }
};

template <class T>
RandomData<T> random_dense(std::int64_t rows, std::int64_t cols, kernels::Loss loss, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  RandomData<T> d;
  d.rows = rows;
  d.cols = cols;
  d.values.resize(std::size_t(rows * cols));
  for (auto& v : d.values) v = T(u(gen));
  d.labels.resize(std::size_t(rows));
  for (auto& b : d.labels) b = loss == kernels::Loss::LOGISTIC ? (u(gen) < 0 ? T(-1) : T(1)) : T(2 * u(gen));
  return d;
}

// Every third row is empty; the others hold each column with probability `density`.
template <class T>
RandomData<T> random_csr(std::int64_t rows, std::int64_t cols, double density, kernels::Loss loss, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::uniform_real_distribution<double> p(0.0, 1.0);
  RandomData<T> d;
  d.rows = rows;
  d.cols = cols;
  d.sparse = true;
  d.row_ptr.push_back(0);
  for (std::int64_t i = 0; i < rows; ++i) {
    if (i % 3 != 1) {
      for (std::int64_t j = 0; j < cols; ++j) {
        if (p(gen) < density) {
          d.col_index.push_back(std::int32_t(j));
          d.values.push_back(T(u(gen)));
        }
      }
    }
    d.row_ptr.push_back(std::int64_t(d.values.size()));
  }
  d.labels.resize(std::size_t(rows));
  for (auto& b : d.labels) b = loss == kernels::Loss::LOGISTIC ? (u(gen) < 0 ? T(-1) : T(1)) : T(2 * u(gen));
  return d;
}

template <class T>
std::vector<T> random_vector(std::int64_t n, std::uint64_t seed, double scale = 1.0) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-scale, scale);
  std::vector<T> v(static_cast<std::size_t>(n));
  for (auto& x : v) x = T(u(gen));
  return v;
}

// Index list with duplicates, in random order.
inline std::vector<std::int64_t> random_index(std::int64_t count, std::int64_t rows, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_int_distribution<std::int64_t> pick(0, rows - 1);
  std::vector<std::int64_t> idx(static_cast<std::size_t>(count));
  for (auto& i : idx) i = pick(gen);
  if (count >= 2) idx[1] = idx[0];  // at least one duplicate
  return idx;
}

// ‖a − b‖₂ / ‖b‖₂ (absolute when b = 0).
template <class T>
double relative_error(const std::vector<T>& a, const std::vector<T>& b) {
  double num = 0.0;
  double den = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    num += (double(a[i]) - double(b[i])) * (double(a[i]) - double(b[i]));
    den += double(b[i]) * double(b[i]);
  }
  return den > 0.0 ? std::sqrt(num / den) : std::sqrt(num);
}

inline double relative_error(double a, double b) { return b != 0.0 ? std::abs(a - b) / std::abs(b) : std::abs(a); }

template <class T>
constexpr double tolerance() {
  return sizeof(T) == 4 ? 1e-5 : 1e-12;
}

}  // namespace sgdsim::test
