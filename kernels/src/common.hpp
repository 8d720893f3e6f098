// Shared by the CPU kernels: argument checks and the numerically stable per-sample loss and derivative.
#pragma once

#include <cmath>
#include <string>

#include "sgdsim/error.hpp"
#include "sgdsim/kernels/kernels.hpp"

namespace sgdsim::kernels::detail {

// Throws ConfigError when sizes or rows do not match the data (cheap: O(|S|) for an index list).
template <class T>
void check_args(const Data<T>& data, const SampleSet& rows, std::size_t x_size, std::size_t grad_size) {
  const std::int64_t n = data.rows();
  const std::int64_t d = data.cols();
  if (static_cast<std::int64_t>(x_size) != d) {
    SGDSIM_THROW(ConfigError,
                 "kernels: x has " + std::to_string(x_size) + " entries, the data " + std::to_string(d) + " columns");
  }
  if (grad_size != 0 && static_cast<std::int64_t>(grad_size) != d) {
    SGDSIM_THROW(ConfigError, "kernels: grad has " + std::to_string(grad_size) + " entries, the data " +
                                  std::to_string(d) + " columns");
  }
  if (data.labels == nullptr && n > 0) SGDSIM_THROW(ConfigError, "kernels: data without labels");
  if (rows.is_list) {
    for (const std::int64_t r : rows.index) {
      if (r < 0 || r >= n) {
        SGDSIM_THROW(ConfigError,
                     "kernels: sample index " + std::to_string(r) + " outside [0, " + std::to_string(n) + ")");
      }
    }
  } else if (rows.begin < 0 || rows.begin > rows.end || rows.end > n) {
    SGDSIM_THROW(ConfigError, "kernels: sample range [" + std::to_string(rows.begin) + ", " + std::to_string(rows.end) +
                                  ") not within [0, " + std::to_string(n) + "]");
  }
}

// ℓ(z, b) and dℓ/dz. Logistic: ℓ = log(1 + exp(−m)) with m = b z, written as max(−m, 0) + log1p(exp(−|m|)) so that
// exp never overflows; dℓ/dz = −b σ(−m), with σ evaluated from exp(−|m|) for the same reason.
template <class A>
inline A sample_loss(Loss loss, A z, A b, A& deriv) {
  if (loss == Loss::LOGISTIC) {
    const A m = b * z;
    const A e = std::exp(-std::abs(m));
    const A sigma_neg = m >= A(0) ? e / (A(1) + e) : A(1) / (A(1) + e);  // σ(−m)
    deriv = -b * sigma_neg;
    return (m >= A(0) ? A(0) : -m) + std::log1p(e);
  }
  const A r = z - b;
  deriv = r;
  return A(0.5) * r * r;
}

}  // namespace sgdsim::kernels::detail
