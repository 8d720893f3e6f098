// Dataset views and storage size, the logistic label mapping shared by the loaders, and the data-source dispatch.
#include "sgdsim/core/data/dataset.hpp"

#include "data_io.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <type_traits>
#include <variant>
#include <vector>

#include <boost/random/uniform_int_distribution.hpp>
#include <numeric>

#include "sgdsim/core/data/rng.hpp"
#include "sgdsim/core/scenario/preflight.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim {

kernels::Data<double> Dataset::view() const {
  kernels::Data<double> data;
  if (sparse) {
    data.features = kernels::Csr<double>{row_ptr.data(), col_index.data(), values.data(), rows, cols};
  } else {
    data.features = kernels::Dense<double>{dense.data(), rows, cols};
  }
  data.labels = labels.data();
  return data;
}

std::size_t Dataset::bytes() const {
  return dense.size() * sizeof(double) + row_ptr.size() * sizeof(std::int64_t) +
         col_index.size() * sizeof(std::int32_t) + values.size() * sizeof(double) + labels.size() * sizeof(double);
}

namespace detail {

namespace {

std::string format_label(double v) {
  std::string text = std::to_string(v);
  // std::to_string prints six decimals: drop the trailing zeros so "0.000000" reads "0", "2.500000" reads "2.5".
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

}  // namespace

std::string read_text_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) SGDSIM_THROW(DataError, name + ": cannot read: is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) SGDSIM_THROW(DataError, name + ": cannot open: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) SGDSIM_THROW(DataError, name + ": read error");
  return std::move(text).str();
}

// Whole-token numbers: from_chars does not take a leading '+', which LIBSVM files use for "+1".
bool parse_double(std::string_view token, double& value) {
  if (token.size() > 1 && token.front() == '+' && token[1] != '-' && token[1] != '+') token.remove_prefix(1);
  if (token.empty()) return false;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  return ec == std::errc() && end == token.data() + token.size();
}

bool parse_int(std::string_view token, std::int64_t& value) {
  if (token.size() > 1 && token.front() == '+' && token[1] != '-' && token[1] != '+') token.remove_prefix(1);
  if (token.empty()) return false;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  return ec == std::errc() && end == token.data() + token.size();
}

// Logistic labels must be ±1; files in the {0,1} or {1,2} conventions are mapped to −1/+1. The convention is fixed by
// the first label that is not 1 (1 belongs to all three); every other label must then fit it. `lines` gives the file
// line of each label, for the message. Least squares keeps any (already finite) label.
void map_labels(std::vector<double>& labels, const std::vector<std::int64_t>& lines, LabelKind kind,
                const std::string& file) {
  if (kind == LabelKind::CLASS) {
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (std::floor(labels[i]) != labels[i] || std::fabs(labels[i]) > 2147483647.0) {
        SGDSIM_THROW(DataError, file + ":" + std::to_string(lines[i]) + ": class label " + format_label(labels[i]) +
                                    " is not an integer");
      }
    }
    return;
  }
  if (kind != LabelKind::SIGNED) return;
  double low = 0.0;   // the label that maps to −1
  double high = 0.0;  // the label that maps to +1
  std::size_t decided_at = labels.size();
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double v = labels[i];
    if (v == 1.0) continue;
    if (v == -1.0) {
      low = -1.0, high = 1.0;
    } else if (v == 0.0) {
      low = 0.0, high = 1.0;
    } else if (v == 2.0) {
      low = 1.0, high = 2.0;
    } else {
      SGDSIM_THROW(DataError, file + ":" + std::to_string(lines[i]) + ": logistic label " + format_label(v) +
                                  " is not one of -1/+1, 0/1 or 1/2");
    }
    decided_at = i;
    break;
  }
  if (decided_at == labels.size()) return;  // all labels are 1: already ±1
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double v = labels[i];
    if (v != low && v != high) {
      SGDSIM_THROW(DataError, file + ":" + std::to_string(lines[i]) + ": logistic label " + format_label(v) +
                                  " does not fit the labels " + format_label(low) + "/" + format_label(high) +
                                  " used from line " + std::to_string(lines[decided_at]) +
                                  " (labels must all be -1/+1, all 0/1 or all 1/2)");
    }
  }
  if (low == -1.0) return;
  for (double& v : labels) v = v == high ? 1.0 : -1.0;
}

}  // namespace detail

Dataset load_data_source(const DataSource& source, const ProblemSpec& problem, std::uint64_t seed,
                         const MemoryGuard* guard) {
  // A model classifies: files keep their integer labels (mapped to classes later); synthetic data is the two-class
  // logistic set, whose ±1 labels map to classes 0 and 1.
  const LabelKind labels = problem.model ? LabelKind::CLASS : label_kind(problem.objective);
  return std::visit(
      [&](const auto& s) -> Dataset {
        using Source = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<Source, SyntheticData>) {
          return generate_synthetic(s, problem.model ? kernels::Loss::LOGISTIC : problem.objective, seed);
        } else if constexpr (std::is_same_v<Source, LibsvmData>) {
          return load_libsvm(s.path, s, labels, guard);
        } else if constexpr (std::is_same_v<Source, CsvData>) {
          return load_csv(s.path, s, labels, guard);
        } else {
          return load_idx(s, guard);
        }
      },
      source);
}

Dataset load_dataset(const ProblemSpec& problem, std::uint64_t seed, const MemoryGuard* guard) {
  if (guard) guard->check_planned();
  return load_data_source(problem.data, problem, seed, guard);
}

int map_classes(Dataset& train, Dataset* test) {
  std::vector<double> values = train.labels;
  if (test != nullptr) values.insert(values.end(), test->labels.begin(), test->labels.end());
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  if (values.size() < 2) {
    SGDSIM_THROW(DataError, "the data has " + std::to_string(values.size()) +
                                " class(es): a classifier needs labels of at least 2 classes");
  }
  auto map = [&](std::vector<double>& labels) {
    for (double& y : labels) y = static_cast<double>(std::lower_bound(values.begin(), values.end(), y) - values.begin());
  };
  map(train.labels);
  if (test != nullptr) map(test->labels);
  return static_cast<int>(values.size());
}

namespace {

// The rows `keep` of `data` (increasing), as a new data set of the same storage.
Dataset select_rows(const Dataset& data, const std::vector<std::int64_t>& keep) {
  Dataset out;
  out.rows = static_cast<std::int64_t>(keep.size());
  out.cols = data.cols;
  out.sparse = data.sparse;
  if (data.sparse) out.row_ptr.push_back(0);
  for (const std::int64_t r : keep) {
    out.labels.push_back(data.labels[static_cast<std::size_t>(r)]);
    if (data.sparse) {
      const auto b = static_cast<std::size_t>(data.row_ptr[static_cast<std::size_t>(r)]);
      const auto e = static_cast<std::size_t>(data.row_ptr[static_cast<std::size_t>(r) + 1]);
      out.col_index.insert(out.col_index.end(), data.col_index.begin() + b, data.col_index.begin() + e);
      out.values.insert(out.values.end(), data.values.begin() + b, data.values.begin() + e);
      out.row_ptr.push_back(static_cast<std::int64_t>(out.values.size()));
    } else {
      const auto* row = data.dense.data() + r * data.cols;
      out.dense.insert(out.dense.end(), row, row + data.cols);
    }
  }
  return out;
}

}  // namespace

Dataset split_holdout(Dataset& data, double fraction, std::uint64_t seed) {
  const auto held = static_cast<std::int64_t>(std::llround(fraction * static_cast<double>(data.rows)));
  if (!(fraction > 0.0 && fraction < 1.0) || held < 1 || held >= data.rows) {
    SGDSIM_THROW(DataError, "holdout " + detail::format_label(fraction) + " of " + std::to_string(data.rows) +
                                " rows leaves no training or no test row");
  }
  // A partial Fisher–Yates shuffle picks the held-out rows; one stream per scenario (not per repetition), so that
  // every repetition trains and tests on the same split.
  std::vector<std::int64_t> order(static_cast<std::size_t>(data.rows));
  std::iota(order.begin(), order.end(), 0);
  Rng rng = make_rng(seed, 0, -1, Purpose::HOLDOUT);
  for (std::int64_t i = 0; i < held; ++i) {
    boost::random::uniform_int_distribution<std::int64_t> pick(i, data.rows - 1);
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(pick(rng))]);
  }
  std::vector<std::int64_t> test_rows(order.begin(), order.begin() + held);
  std::vector<std::int64_t> train_rows(order.begin() + held, order.end());
  std::sort(test_rows.begin(), test_rows.end());
  std::sort(train_rows.begin(), train_rows.end());
  Dataset test = select_rows(data, test_rows);
  data = select_rows(data, train_rows);
  return test;
}

Dataset densify(Dataset data) {
  if (!data.sparse) return data;
  data.dense.assign(static_cast<std::size_t>(data.rows * data.cols), 0.0);
  for (std::int64_t r = 0; r < data.rows; ++r) {
    for (auto k = data.row_ptr[static_cast<std::size_t>(r)]; k < data.row_ptr[static_cast<std::size_t>(r) + 1]; ++k) {
      data.dense[static_cast<std::size_t>(r * data.cols + data.col_index[static_cast<std::size_t>(k)])] =
          data.values[static_cast<std::size_t>(k)];
    }
  }
  data.sparse = false;
  data.row_ptr.clear();
  data.col_index.clear();
  data.values.clear();
  return data;
}

}  // namespace sgdsim
