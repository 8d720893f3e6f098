// Shared by the CPU and CUDA networks: argument checks, the chunk size, and the l2 term added at the end of a call.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <variant>

#include "sgdsim/error.hpp"
#include "sgdsim/kernels/network.hpp"

namespace sgdsim::kernels::network_detail {

// Rows per chunk: the activations of a chunk (Σ widths × CHUNK values) stay within a few MB, and a mini-batch is one
// chunk.
constexpr std::int64_t CHUNK = 1024;

template <class T>
Dense<T> dense_features(const NetworkShape& shape, const Data<T>& data) {
  shape.check();
  const auto* dense = std::get_if<Dense<T>>(&data.features);
  if (dense == nullptr) SGDSIM_THROW(ConfigError, "network: the features must be dense (CSR data given)");
  if (dense->cols != shape.widths.front()) {
    SGDSIM_THROW(ConfigError, "network: the data has " + std::to_string(dense->cols) + " features, the input layer " +
                                  std::to_string(shape.widths.front()));
  }
  return *dense;
}

// Labels are class indices 0 .. C−1 (integral values).
template <class T>
void check_labels(const NetworkShape& shape, const Data<T>& data) {
  const std::int64_t n = data.rows();
  if (n > 0 && data.labels == nullptr) SGDSIM_THROW(ConfigError, "network: data without labels");
  const auto classes = static_cast<double>(shape.widths.back());
  for (std::int64_t i = 0; i < n; ++i) {
    const double y = double(data.labels[i]);
    if (!(y >= 0.0 && y < classes && std::floor(y) == y)) {
      SGDSIM_THROW(DataError, "network: row " + std::to_string(i) + " has label " + std::to_string(y) +
                                  ", not a class index in [0, " + std::to_string(shape.widths.back()) + ")");
    }
  }
}

inline void check_call(const NetworkShape& shape, std::int64_t data_rows, const SampleSet& rows, std::size_t x_size,
                       std::size_t grad_size, std::size_t predicted_size) {
  const auto p = static_cast<std::size_t>(shape.parameters());
  if (x_size != p) {
    SGDSIM_THROW(ConfigError, "network: x has " + std::to_string(x_size) + " entries, the network " +
                                  std::to_string(p) + " parameters");
  }
  if (grad_size != 0 && grad_size != p) {
    SGDSIM_THROW(ConfigError, "network: grad has " + std::to_string(grad_size) + " entries, the network " +
                                  std::to_string(p) + " parameters");
  }
  if (predicted_size != 0 && predicted_size != static_cast<std::size_t>(rows.size())) {
    SGDSIM_THROW(ConfigError, "network: predicted has " + std::to_string(predicted_size) + " entries for " +
                                  std::to_string(rows.size()) + " rows");
  }
  if (rows.is_list) {
    for (const std::int64_t r : rows.index) {
      if (r < 0 || r >= data_rows) {
        SGDSIM_THROW(ConfigError, "network: sample index " + std::to_string(r) + " outside [0, " +
                                      std::to_string(data_rows) + ")");
      }
    }
  } else if (rows.begin < 0 || rows.begin > rows.end || rows.end > data_rows) {
    SGDSIM_THROW(ConfigError, "network: sample range [" + std::to_string(rows.begin) + ", " + std::to_string(rows.end) +
                                  ") not within [0, " + std::to_string(data_rows) + "]");
  }
}

// f = total/n + l2/2 ‖x‖², and grad += l2·x (grad already holds the mean data term).
template <class T>
T finish(double total, std::int64_t n, T l2, std::span<const T> x, std::span<T> grad) {
  double norm2 = 0.0;
  for (const T v : x) norm2 += double(v) * double(v);
  for (std::size_t j = 0; j < grad.size(); ++j) grad[j] += l2 * x[j];
  const double mean = n > 0 ? total / double(n) : 0.0;
  return T(mean + 0.5 * double(l2) * norm2);
}

}  // namespace sgdsim::kernels::network_detail
