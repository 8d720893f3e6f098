// Helpers shared by the data loaders (private to core; defined in dataset.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsim/core/data/dataset.hpp"

namespace sgdsim::detail {

std::string read_text_file(const std::filesystem::path& path);
bool parse_double(std::string_view token, double& value);
bool parse_int(std::string_view token, std::int64_t& value);
// Signed labels: maps 0/1 or 1/2 to ±1; class labels: checks that they are integers (DataError naming file:line
// when they fit no convention / are not integers).
void map_labels(std::vector<double>& labels, const std::vector<std::int64_t>& lines, LabelKind kind,
                const std::string& file);

}  // namespace sgdsim::detail
