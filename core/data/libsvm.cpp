// LIBSVM/svmlight text loader: "label idx:val ..." lines into a CSR data set, with file:line errors.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "data_io.hpp"
#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/core/scenario/preflight.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// Next whitespace-separated token of `line` from `pos` (empty at the end).
std::string_view next_token(std::string_view line, std::size_t& pos) {
  while (pos < line.size() && is_space(line[pos])) ++pos;
  const std::size_t begin = pos;
  while (pos < line.size() && !is_space(line[pos])) ++pos;
  return line.substr(begin, pos - begin);
}

}  // namespace

Dataset load_libsvm(const std::filesystem::path& path, const LibsvmData& spec, LabelKind labels,
                    const MemoryGuard* guard) {
  const std::string file = path.string();
  const std::optional<std::int64_t> features = spec.features;
  if (features && *features < 1) {
    SGDSIM_THROW(ConfigError, file + ": features must be a positive integer, got " + std::to_string(*features));
  }
  const std::string text = detail::read_text_file(path);
  // The indices' base, or "auto": decided at the end (0-based when an index 0 was seen).
  const std::string base_setting = !spec.zero_based   ? "zero_based \"auto\""
                                   : *spec.zero_based ? "zero_based true"
                                                      : "zero_based false";

  Dataset data;
  data.sparse = true;
  data.row_ptr.push_back(0);
  std::vector<std::int64_t> label_lines;
  std::int64_t max_index = -1;
  std::int64_t max_index_line = 0;
  std::int64_t first_zero_line = 0;  // the first line with an index 0 (0: none)
  const auto shape_now = [&](double cols) {
    return DataShape{double(data.labels.size() + 1), cols,
                     double(text.size() + data.values.size() * 12 + data.row_ptr.size() * 16)};
  };

  std::size_t line_begin = 0;
  std::int64_t line_number = 0;
  while (line_begin < text.size()) {
    std::size_t line_end = text.find('\n', line_begin);
    if (line_end == std::string::npos) line_end = text.size();
    std::string_view line(text.data() + line_begin, line_end - line_begin);
    line_begin = line_end + 1;
    ++line_number;
    if (const std::size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);

    const auto fail = [&](const std::string& what) {
      SGDSIM_THROW(DataError, file + ":" + std::to_string(line_number) + ": " + what);
    };
    std::size_t pos = 0;
    const std::string_view label_token = next_token(line, pos);
    if (label_token.empty()) continue;  // blank or comment-only line
    if (label_token.find(':') != std::string_view::npos) {
      fail("missing label (the line starts with '" + std::string(label_token) + "')");
    }
    double label = 0.0;
    if (!detail::parse_double(label_token, label)) fail("bad label '" + std::string(label_token) + "'");
    if (!std::isfinite(label)) fail("label is " + std::string(label_token) + ", not a finite number");

    std::int64_t previous = -1;
    for (std::string_view token = next_token(line, pos); !token.empty(); token = next_token(line, pos)) {
      const std::size_t colon = token.find(':');
      if (colon == std::string_view::npos) fail("bad token '" + std::string(token) + "' (expected index:value)");
      const std::string_view index_text = token.substr(0, colon);
      const std::string_view value_text = token.substr(colon + 1);
      std::int64_t index = 0;
      double value = 0.0;
      if (!detail::parse_int(index_text, index)) fail("bad index in '" + std::string(token) + "'");
      if (!detail::parse_double(value_text, value)) fail("bad value in '" + std::string(token) + "'");
      if (index < 0) fail("index " + std::to_string(index) + " in '" + std::string(token) + "' is negative");
      if (index == 0 && spec.zero_based == false) {
        fail("index 0 in '" + std::string(token) + "': indices start at 1 with zero_based false; a 0-based file " +
             "(scikit-learn's export) needs problem.data.libsvm.zero_based true or \"auto\"");
      }
      if (index <= previous) {
        fail("index " + std::to_string(index) + " after " + std::to_string(previous) +
             ": indices must be strictly increasing");
      }
      // 0-based files may use index = features - 1 at most, 1-based ones index = features: the latter bound holds
      // for both, the former is checked once the base is known.
      const std::int64_t highest = features ? *features - (spec.zero_based == true ? 1 : 0) : 0;
      if (features && index > highest) {
        fail("index " + std::to_string(index) + " is larger than features (" + std::to_string(*features) +
             ") allows (" + base_setting + ")");
      }
      if (index > std::numeric_limits<std::int32_t>::max()) fail("index " + std::to_string(index) + " is too large");
      if (!std::isfinite(value)) fail("value in '" + std::string(token) + "' is not a finite number");
      if (index == 0 && first_zero_line == 0) first_zero_line = line_number;
      if (index > max_index) {
        max_index = index;
        max_index_line = line_number;
        // A large index means as many features: every model vector of the run grows with it.
        if (guard) {
          guard->check(shape_now(double(index) + 1),
                       file + ":" + std::to_string(line_number) + ": index " + std::to_string(index));
        }
      }
      previous = index;
      data.col_index.push_back(static_cast<std::int32_t>(index));  // shifted to 0-based below
      data.values.push_back(value);
    }
    data.labels.push_back(label);
    label_lines.push_back(line_number);
    data.row_ptr.push_back(static_cast<std::int64_t>(data.values.size()));
    if (guard && data.labels.size() % 65536 == 0) {
      guard->check(shape_now(double(max_index) + 1), file + ":" + std::to_string(line_number));
    }
  }
  if (data.labels.empty()) SGDSIM_THROW(DataError, file + ": no data");

  const bool zero_based = spec.zero_based.value_or(first_zero_line > 0);
  if (zero_based) {
    if (features && max_index >= *features) {
      SGDSIM_THROW(DataError,
                   file + ":" + std::to_string(max_index_line) + ": index " + std::to_string(max_index) +
                       " is not below features (" + std::to_string(*features) + ") in a 0-based file (" + base_setting +
                       (spec.zero_based ? "" : ": line " + std::to_string(first_zero_line) + " holds an index 0") +
                       ")");
    }
  } else {
    for (auto& j : data.col_index) --j;  // 1-based in the file
  }
  detail::map_labels(data.labels, label_lines, labels, file);
  data.rows = static_cast<std::int64_t>(data.labels.size());
  data.cols = features ? *features : std::max<std::int64_t>(max_index + (zero_based ? 1 : 0), 0);
  if (data.cols < 1) data.cols = 1;  // every row empty: keep one (all-zero) feature so the model is not empty
  return data;
}

}  // namespace sgdsim
