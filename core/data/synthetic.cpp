// Synthetic data sets (logistic: two Gaussian classes; least squares: a linear model plus noise), dense or CSR.
#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/core/data/rng.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim {

namespace {

// Which columns of one row are stored: each independently with probability `density`. Drawn as geometric gaps
// between kept columns (the same law as one Bernoulli per entry, in O(non-zeros) instead of O(features)).
class ColumnSkipper {
 public:
  explicit ColumnSkipper(double density) : log_keep_miss_(std::log1p(-density)) {}

  // The next kept column after `column` (pass -1 to start a row), or `features` when the row is done.
  std::int64_t next(Rng& rng, std::int64_t column, std::int64_t features) {
    // Failures before the first success: floor(log(1 − U) / log(1 − p)), U uniform in [0, 1). Compared as a double
    // first, so a huge gap (tiny density) cannot overflow the integer conversion.
    const double gap = std::floor(std::log1p(-uniform_(rng)) / log_keep_miss_);
    const double remaining = static_cast<double>(features - column - 1);
    if (!(gap < remaining)) return features;
    return column + 1 + static_cast<std::int64_t>(gap);
  }

 private:
  double log_keep_miss_;
  boost::random::uniform_01<double> uniform_;
};

}  // namespace

Dataset generate_synthetic(const SyntheticData& spec, kernels::Loss objective, std::uint64_t seed) {
  if (spec.samples < 1 || spec.features < 1) {
    SGDSIM_THROW(ConfigError, "synthetic data needs positive samples and features, got " +
                                  std::to_string(spec.samples) + " x " + std::to_string(spec.features));
  }
  if (!(spec.density > 0.0 && spec.density <= 1.0)) {
    SGDSIM_THROW(ConfigError, "synthetic density must be in (0, 1], got " + std::to_string(spec.density));
  }
  if (spec.features > std::numeric_limits<std::int32_t>::max()) {
    SGDSIM_THROW(ConfigError,
                 "synthetic features must fit a 32-bit column index, got " + std::to_string(spec.features));
  }
  const std::int64_t n = spec.samples;
  const std::int64_t d = spec.features;
  const auto du = static_cast<std::size_t>(d);
  const bool logistic = objective == kernels::Loss::LOGISTIC;

  // The data does not depend on the repetition: every repetition of a scenario sees the same data set.
  Rng rng = make_rng(seed, 0, -1, Purpose::DATA);
  boost::random::normal_distribution<double> normal(0.0, 1.0);
  boost::random::bernoulli_distribution<double> coin(0.5);

  // Drawn first: the class direction u (unit vector) or the true model x* ~ N(0, I/d).
  std::vector<double> direction(du);
  for (double& v : direction) v = normal(rng);
  if (logistic) {
    double norm2 = 0.0;
    for (double v : direction) norm2 += v * v;
    const double scale = spec.separation / 2.0 / std::sqrt(norm2);  // class means at ±separation/2·u
    for (double& v : direction) v *= scale;
  } else {
    const double scale = 1.0 / std::sqrt(static_cast<double>(d));
    for (double& v : direction) v *= scale;
  }

  Dataset data;
  data.rows = n;
  data.cols = d;
  data.sparse = spec.density < 1.0;
  data.labels.resize(static_cast<std::size_t>(n));
  if (data.sparse) {
    data.row_ptr.reserve(static_cast<std::size_t>(n) + 1);
    data.row_ptr.push_back(0);
    const double expected = spec.density * static_cast<double>(n) * static_cast<double>(d);
    data.col_index.reserve(static_cast<std::size_t>(expected * 1.01) + 16);
    data.values.reserve(static_cast<std::size_t>(expected * 1.01) + 16);
  } else {
    data.dense.resize(static_cast<std::size_t>(n) * du);
  }
  ColumnSkipper skipper(spec.density);  // used only when sparse

  // Per row: the label (logistic) first, then the row's entries, then the label (least squares).
  for (std::int64_t i = 0; i < n; ++i) {
    const double sign = logistic ? (coin(rng) ? 1.0 : -1.0) : 0.0;
    double dot = 0.0;  // aᵀx* (least squares)
    const auto entry = [&](std::int64_t j) {
      const double z = normal(rng);
      const double u = direction[static_cast<std::size_t>(j)];
      if (logistic) return sign * u + z;
      dot += z * u;
      return z;
    };
    if (data.sparse) {
      for (std::int64_t j = skipper.next(rng, -1, d); j < d; j = skipper.next(rng, j, d)) {
        data.col_index.push_back(static_cast<std::int32_t>(j));
        data.values.push_back(entry(j));
      }
      data.row_ptr.push_back(static_cast<std::int64_t>(data.values.size()));
    } else {
      double* row = data.dense.data() + static_cast<std::size_t>(i) * du;
      for (std::int64_t j = 0; j < d; ++j) row[j] = entry(j);
    }
    data.labels[static_cast<std::size_t>(i)] = logistic ? sign : dot + spec.noise * normal(rng);
  }
  return data;
}

}  // namespace sgdsim
