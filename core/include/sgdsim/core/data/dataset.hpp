// Data sets (dense row-major or CSR, double) with their generators and loaders.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/kernels/kernels.hpp"

namespace sgdsim {

class MemoryGuard;  // sgdsim/core/scenario/preflight.hpp

struct Dataset {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  bool sparse = false;
  std::vector<double> dense;            // rows × cols, row-major (dense only)
  std::vector<std::int64_t> row_ptr;    // rows + 1 (sparse only)
  std::vector<std::int32_t> col_index;  // (sparse only), increasing within a row
  std::vector<double> values;           // (sparse only)
  std::vector<double> labels;           // rows

  kernels::Data<double> view() const;
  std::size_t bytes() const;  // storage of features + labels
};

// Synthetic data from the seed (Purpose::DATA stream). Logistic: labels ±1 with equal probability, features drawn
// from N(label·separation/2·u, I) with u a fixed random unit direction; least squares: a ~ N(0, I), b = aᵀx* + noise,
// x* ~ N(0, I/d). With density < 1 each entry is kept with that probability (CSR); kept entries as above.
Dataset generate_synthetic(const SyntheticData& spec, kernels::Loss objective, std::uint64_t seed);

// The loaders take an optional guard, which they ask as the data grows (a LIBSVM file's features are known only as
// its indices are read): a data set that would make the run exceed its memory budget is refused (ConfigError naming
// file:line) before it is allocated.
//
// LIBSVM/svmlight: "label idx:val idx:val ..." (increasing indices, from 1, or from 0 as spec.zero_based says; '#'
// comments); spec.path is not used (`path` is the file). Labels for logistic must be ±1 (0/1 and {1,2} are mapped
// to ±1). Errors name file:line.
Dataset load_libsvm(const std::filesystem::path& path, const LibsvmData& spec, kernels::Loss objective,
                    const MemoryGuard* guard = nullptr);
// CSV: numeric columns, one of them the label (by index or, with a header, by name). Errors name file:line.
Dataset load_csv(const std::filesystem::path& path, const CsvData& spec, kernels::Loss objective,
                 const MemoryGuard* guard = nullptr);

// Dispatches on the scenario's data source (synthetic data is generated: check its size with the guard first).
Dataset load_dataset(const ProblemSpec& problem, std::uint64_t seed, const MemoryGuard* guard = nullptr);

}  // namespace sgdsim
