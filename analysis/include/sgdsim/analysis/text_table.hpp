// Plain-text tables for the console: columns padded to their widest cell (UTF-8 aware, so "±" counts as one).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace sgdsim::analysis {

class TextTable {
 public:
  enum class Align { LEFT, RIGHT };

  // Alignment per column (columns beyond the list are left-aligned).
  explicit TextTable(std::vector<Align> align = {}) : align_(std::move(align)) {}
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  // Every row on its own line after `indent`, columns `gap` spaces apart; a left-aligned last column is not padded.
  void print(std::ostream& out, const std::string& indent = "  ", std::size_t gap = 2) const;

  // Characters shown on a terminal: UTF-8 code points.
  static std::size_t display_width(const std::string& text);

 private:
  std::vector<Align> align_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace sgdsim::analysis
