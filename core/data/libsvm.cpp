// LIBSVM/svmlight text loader: "label idx:val ..." lines into a CSR data set, with file:line errors.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "data_io.hpp"
#include "sgdsim/core/data/dataset.hpp"
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

Dataset load_libsvm(const std::filesystem::path& path, std::optional<std::int64_t> features, LabelKind labels) {
  const std::string file = path.string();
  if (features && *features < 1) {
    SGDSIM_THROW(ConfigError, file + ": features must be a positive integer, got " + std::to_string(*features));
  }
  const std::string text = detail::read_text_file(path);

  Dataset data;
  data.sparse = true;
  data.row_ptr.push_back(0);
  std::vector<std::int64_t> label_lines;
  std::int64_t max_index = 0;

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

    std::int64_t previous = 0;
    for (std::string_view token = next_token(line, pos); !token.empty(); token = next_token(line, pos)) {
      const std::size_t colon = token.find(':');
      if (colon == std::string_view::npos) fail("bad token '" + std::string(token) + "' (expected index:value)");
      const std::string_view index_text = token.substr(0, colon);
      const std::string_view value_text = token.substr(colon + 1);
      std::int64_t index = 0;
      double value = 0.0;
      if (!detail::parse_int(index_text, index)) fail("bad index in '" + std::string(token) + "'");
      if (!detail::parse_double(value_text, value)) fail("bad value in '" + std::string(token) + "'");
      if (index < 1) fail("index " + std::to_string(index) + " in '" + std::string(token) + "': indices start at 1");
      if (index <= previous) {
        fail("index " + std::to_string(index) + " after " + std::to_string(previous) +
             ": indices must be strictly increasing");
      }
      if (features && index > *features) {
        fail("index " + std::to_string(index) + " is larger than features (" + std::to_string(*features) + ")");
      }
      if (index > std::numeric_limits<std::int32_t>::max()) fail("index " + std::to_string(index) + " is too large");
      if (!std::isfinite(value)) fail("value in '" + std::string(token) + "' is not a finite number");
      previous = index;
      data.col_index.push_back(static_cast<std::int32_t>(index - 1));  // 1-based in the file, 0-based here
      data.values.push_back(value);
    }
    if (previous > max_index) max_index = previous;
    data.labels.push_back(label);
    label_lines.push_back(line_number);
    data.row_ptr.push_back(static_cast<std::int64_t>(data.values.size()));
  }
  if (data.labels.empty()) SGDSIM_THROW(DataError, file + ": no data");

  detail::map_labels(data.labels, label_lines, labels, file);
  data.rows = static_cast<std::int64_t>(data.labels.size());
  data.cols = features ? *features : max_index;
  if (data.cols < 1) data.cols = 1;  // every row empty: keep one (all-zero) feature so the model is not empty
  return data;
}

}  // namespace sgdsim
