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

// What the labels of a loaded file must be: ±1 (logistic; 0/1 and 1/2 are mapped), any finite number (least
// squares), or integers (classes of a model, mapped to 0 .. C−1 by map_classes once every file is read).
enum class LabelKind { SIGNED, REAL, CLASS };
inline LabelKind label_kind(kernels::Loss objective) {
  return objective == kernels::Loss::LOGISTIC ? LabelKind::SIGNED : LabelKind::REAL;
}

// Synthetic data from the seed (Purpose::DATA stream). Logistic: labels ±1 with equal probability, features drawn
// from N(label·separation/2·u, I) with u a fixed random unit direction; least squares: a ~ N(0, I), b = aᵀx* + noise,
// x* ~ N(0, I/d). With density < 1 each entry is kept with that probability (CSR); kept entries as above.
Dataset generate_synthetic(const SyntheticData& spec, kernels::Loss objective, std::uint64_t seed);

// The text loaders take an optional guard, which they ask as the data grows (a LIBSVM file's features are known only
// as its indices are read): a data set that would make the run exceed its memory budget is refused (ConfigError
// naming file:line) before it is allocated.
//
// LIBSVM/svmlight: "label idx:val idx:val ..." (increasing indices, from 1, or from 0 as spec.zero_based says; '#'
// comments); spec.path is not used (`path` is the file). Labels as `labels` says. Errors name file:line.
Dataset load_libsvm(const std::filesystem::path& path, const LibsvmData& spec, LabelKind labels,
                    const MemoryGuard* guard = nullptr);
inline Dataset load_libsvm(const std::filesystem::path& path, const LibsvmData& spec, kernels::Loss objective,
                           const MemoryGuard* guard = nullptr) {
  return load_libsvm(path, spec, label_kind(objective), guard);
}
// CSV: numeric columns, one of them the label (by index or, with a header, by name). Errors name file:line.
Dataset load_csv(const std::filesystem::path& path, const CsvData& spec, LabelKind labels,
                 const MemoryGuard* guard = nullptr);
inline Dataset load_csv(const std::filesystem::path& path, const CsvData& spec, kernels::Loss objective,
                        const MemoryGuard* guard = nullptr) {
  return load_csv(path, spec, label_kind(objective), guard);
}
// IDX (the MNIST format), gzipped or not: an images file (first dimension: items; the others are flattened into
// features, scaled by spec.scale) and a labels file (one dimension, integers), both with the same number of items;
// the first spec.limit items when set. Errors name the file and what is wrong. The guard (optional) is asked once the
// headers are read, before the values are allocated.
Dataset load_idx(const IdxData& spec, const MemoryGuard* guard = nullptr);

// Maps class labels (integers) to 0 .. C−1 in increasing order of value, over the training set and the test set
// together (test may be null), so that both use one mapping; returns C. DataError when there are fewer than 2 classes.
int map_classes(Dataset& train, Dataset* test);

// Splits off a held-out test set: round(fraction·rows) rows drawn from the (seed, HOLDOUT) stream; both parts keep
// the original row order. Needs 0 < fraction < 1 and at least one row on each side (DataError otherwise).
Dataset split_holdout(Dataset& data, double fraction, std::uint64_t seed);

// CSR features as a dense matrix (the networks take dense rows); a dense set is returned as it is.
Dataset densify(Dataset data);

// One data source, with labels as the problem needs them (`problem.model` set: classes, not yet mapped); the guard
// (optional) is asked by the text loaders as they read.
Dataset load_data_source(const DataSource& source, const ProblemSpec& problem, std::uint64_t seed,
                         const MemoryGuard* guard = nullptr);
// Dispatches on the scenario's data source (problem.data). With a guard, the planned size (synthetic data exactly, a
// file by its size) is checked first, before anything is allocated.
Dataset load_dataset(const ProblemSpec& problem, std::uint64_t seed, const MemoryGuard* guard = nullptr);

}  // namespace sgdsim
