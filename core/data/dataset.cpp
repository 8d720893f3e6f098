// Dataset views and storage size, the logistic label mapping shared by the loaders, and the data-source dispatch.
#include "sgdsim/core/data/dataset.hpp"

#include "data_io.hpp"

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
void map_labels(std::vector<double>& labels, const std::vector<std::int64_t>& lines, kernels::Loss objective,
                const std::string& file) {
  if (objective != kernels::Loss::LOGISTIC) return;
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

Dataset load_dataset(const ProblemSpec& problem, std::uint64_t seed, const MemoryGuard* guard) {
  if (guard) guard->check_planned();  // synthetic data exactly, a file by its size, before anything is allocated
  return std::visit(
      [&](const auto& source) -> Dataset {
        using Source = std::decay_t<decltype(source)>;
        if constexpr (std::is_same_v<Source, SyntheticData>) {
          return generate_synthetic(source, problem.objective, seed);
        } else if constexpr (std::is_same_v<Source, LibsvmData>) {
          return load_libsvm(source.path, source, problem.objective, guard);
        } else {
          return load_csv(source.path, source, problem.objective, guard);
        }
      },
      problem.data);
}

}  // namespace sgdsim
