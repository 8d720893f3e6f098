// A finished run read back from its directory (the resolved scenario.json, trace.csv and model.csv), so that its
// theorems are checked without simulating again.
#pragma once

#include <filesystem>
#include <vector>

#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim::analysis {

struct RunDirectory {
  std::filesystem::path dir;
  Scenario scenario;    // parsed from the resolved scenario.json
  RunResults results;   // iterations (trace.csv) and final models (model.csv); worker records are not read
};

// Reads a run directory. DataError naming file:line for a malformed file; ConfigError when the directory is not a
// complete run (no summary.json: the run was interrupted or is still being written).
RunDirectory read_run_directory(const std::filesystem::path& dir);

// The run directories under `dir`: `dir` itself when it holds scenario.json, else its sub-directories that do (a
// study: one per variant), sorted by name. ConfigError when there is none.
std::vector<std::filesystem::path> find_run_directories(const std::filesystem::path& dir);

}  // namespace sgdsim::analysis
