// TextTable: padding columns to their widest cell.
#include "sgdsim/analysis/text_table.hpp"

#include <algorithm>

namespace sgdsim::analysis {

std::size_t TextTable::display_width(const std::string& text) {
  // Continuation bytes of a UTF-8 sequence are 10xxxxxx: count the others.
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void TextTable::print(std::ostream& out, const std::string& indent, std::size_t gap) const {
  std::vector<std::size_t> width;
  for (const auto& r : rows_) {
    if (width.size() < r.size()) width.resize(r.size(), 0);
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], display_width(r[i]));
  }
  for (const auto& r : rows_) {
    out << indent;
    for (std::size_t i = 0; i < r.size(); ++i) {
      const bool right = i < align_.size() && align_[i] == Align::RIGHT;
      const bool last = i + 1 == r.size();
      const std::string pad(width[i] - display_width(r[i]), ' ');
      if (right) out << pad;
      out << r[i];
      if (!right && !last) out << pad;
      if (!last) out << std::string(gap, ' ');
    }
    out << '\n';
  }
}

}  // namespace sgdsim::analysis
