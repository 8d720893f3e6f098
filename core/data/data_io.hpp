// Helpers shared by the data loaders (private to core; defined in dataset.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sgdsim/kernels/kernels.hpp"

namespace sgdsim::detail {

std::string read_text_file(const std::filesystem::path& path);
bool parse_double(std::string_view token, double& value);
bool parse_int(std::string_view token, std::int64_t& value);
// Maps logistic labels 0/1 or 1/2 to ±1 (DataError naming file:line when they fit no convention).
void map_labels(std::vector<double>& labels, const std::vector<std::int64_t>& lines, kernels::Loss objective,
                const std::string& file);

}  // namespace sgdsim::detail
