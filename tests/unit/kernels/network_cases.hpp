// Random classification data and network parameters for the network tests (unit and gpu).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "sgdsim/kernels/network.hpp"

namespace sgdsim::test {

template <class T>
struct ClassData {
  std::vector<T> values;  // rows × cols, row-major
  std::vector<T> labels;  // class indices
  std::int64_t rows = 0;
  std::int64_t cols = 0;

  kernels::Data<T> view() const {
    kernels::Data<T> d;
    d.features = kernels::Dense<T>{values.data(), rows, cols};
    d.labels = labels.data();
    return d;
  }
};

template <class T>
ClassData<T> random_classes(std::int64_t rows, std::int64_t cols, std::int64_t classes, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::uniform_int_distribution<std::int64_t> c(0, classes - 1);
  ClassData<T> d;
  d.rows = rows;
  d.cols = cols;
  d.values.resize(std::size_t(rows * cols));
  for (auto& v : d.values) v = T(u(gen));
  d.labels.resize(std::size_t(rows));
  for (auto& y : d.labels) y = T(c(gen));
  return d;
}

// Parameters of the order of 1/sqrt(fan-in), so that activations neither vanish nor saturate.
template <class T>
std::vector<T> random_parameters(const kernels::NetworkShape& shape, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal;
  std::vector<T> x(std::size_t(shape.parameters()));
  for (int l = 0; l < shape.layers(); ++l) {
    const double s = 1.0 / std::sqrt(double(shape.widths[l]));
    const auto begin = std::size_t(shape.weight_offset(l));
    const auto end = std::size_t(shape.weight_offset(l + 1));
    for (std::size_t i = begin; i < end; ++i) x[i] = T(s * normal(gen));
  }
  return x;
}

inline kernels::NetworkShape shape_of(std::vector<std::int64_t> widths, kernels::Activation a) {
  kernels::NetworkShape s;
  s.widths = std::move(widths);
  s.activation = a;
  return s;
}

}  // namespace sgdsim::test
