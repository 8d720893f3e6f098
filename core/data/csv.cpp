// CSV loader: comma-separated numeric columns, one of them the label, into a dense data set, with file:line errors.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "data_io.hpp"
#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/core/scenario/preflight.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim {

namespace {

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Splits on ',' into `fields` (trimmed), reusing its storage.
void split(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  std::size_t begin = 0;
  while (true) {
    const std::size_t comma = line.find(',', begin);
    if (comma == std::string_view::npos) {
      fields.push_back(trim(line.substr(begin)));
      return;
    }
    fields.push_back(trim(line.substr(begin, comma - begin)));
    begin = comma + 1;
  }
}

// "'text'" built by appending: GCC 12 gives a false -Wrestrict on "'" + std::string(...) (GCC bug 105329).
std::string quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  out += text;
  out += '\'';
  return out;
}

std::string unquote(std::string_view name) {
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  return std::string(name);
}

}  // namespace

Dataset load_csv(const std::filesystem::path& path, const CsvData& spec, LabelKind labels,
                 const MemoryGuard* guard) {
  const std::string file = path.string();
  if (const auto* index = std::get_if<std::int64_t>(&spec.label_column); index && *index < 0) {
    SGDSIM_THROW(ConfigError, file + ": label_column must be >= 0, got " + std::to_string(*index));
  }
  if (std::holds_alternative<std::string>(spec.label_column) && !spec.header) {
    SGDSIM_THROW(ConfigError, file + ": label_column \"" + std::get<std::string>(spec.label_column) +
                                  "\" is a name, which needs header: true");
  }
  const std::string text = detail::read_text_file(path);

  Dataset data;
  data.sparse = false;
  std::vector<std::int64_t> label_lines;
  std::vector<std::string_view> fields;
  std::size_t columns = 0;  // fixed by the first (header or data) row
  std::size_t label_column = 0;
  bool header_pending = spec.header;

  std::size_t line_begin = 0;
  std::int64_t line_number = 0;
  while (line_begin < text.size()) {
    std::size_t line_end = text.find('\n', line_begin);
    if (line_end == std::string::npos) line_end = text.size();
    const std::string_view line(text.data() + line_begin, line_end - line_begin);
    line_begin = line_end + 1;
    ++line_number;
    const auto fail = [&](const std::string& what) {
      SGDSIM_THROW(DataError, file + ":" + std::to_string(line_number) + ": " + what);
    };
    if (trim(line).empty()) continue;  // blank line (e.g. at the end of the file)
    split(line, fields);

    if (columns == 0) {
      columns = fields.size();
      if (columns < 2) fail("one column only; need the label and at least one feature");
      if (const auto* name = std::get_if<std::string>(&spec.label_column)) {
        // header is set (checked above): this row is the header
        bool found = false;
        for (std::size_t c = 0; c < columns; ++c) {
          if (unquote(fields[c]) != *name) continue;
          if (found) fail("two columns named \"" + *name + "\"");
          label_column = c;
          found = true;
        }
        if (!found) fail("no column named \"" + *name + "\"");
      } else {
        label_column = static_cast<std::size_t>(std::get<std::int64_t>(spec.label_column));
        if (label_column >= columns) {
          fail("label_column " + std::to_string(label_column) + " is out of range (" + std::to_string(columns) +
               " columns, counted from 0)");
        }
      }
    } else if (fields.size() != columns) {
      fail(std::to_string(fields.size()) + " fields, but the first row has " + std::to_string(columns));
    }
    // The first row fixes the features (every model vector grows with them), later rows the data.
    if (guard && (label_lines.empty() || label_lines.size() % 65536 == 0)) {
      guard->check(DataShape{double(label_lines.size() + 1), double(columns - 1),
                             double(text.size() + (data.dense.size() + data.labels.size()) * 8)},
                   file + ":" + std::to_string(line_number) + ": " + std::to_string(columns) + " columns");
    }
    if (header_pending) {
      header_pending = false;
      continue;
    }

    for (std::size_t c = 0; c < columns; ++c) {
      const std::string_view field = fields[c];
      if (field.empty()) fail("empty field in column " + std::to_string(c));
      double value = 0.0;
      if (!detail::parse_double(field, value)) {
        fail(quoted(field) + " in column " + std::to_string(c) + " is not a number");
      }
      if (!std::isfinite(value)) fail(quoted(field) + " in column " + std::to_string(c) + " is not finite");
      if (c == label_column) {
        data.labels.push_back(value);
      } else {
        data.dense.push_back(value);
      }
    }
    label_lines.push_back(line_number);
  }
  if (data.labels.empty()) SGDSIM_THROW(DataError, file + ": no data");

  detail::map_labels(data.labels, label_lines, labels, file);
  data.rows = static_cast<std::int64_t>(data.labels.size());
  data.cols = static_cast<std::int64_t>(columns) - 1;
  return data;
}

}  // namespace sgdsim
