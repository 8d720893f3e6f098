// Reading a run directory back: scenario.json through the scenario parser, trace.csv and model.csv by column name.
#include "sgdsim/analysis/run_data.hpp"

#include <algorithm>

#include "sgdsim/analysis/run_tables.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim::analysis {

RunDirectory read_run_directory(const std::filesystem::path& dir) {
  RunDirectory out;
  out.dir = dir;
  if (!std::filesystem::is_regular_file(dir / "summary.json")) {
    SGDSIM_THROW(ConfigError, dir.string() + ": not a complete run directory (no summary.json)");
  }
  out.scenario = load_scenario(dir / "scenario.json");

  out.results.iterations = read_trace_csv(dir / "trace.csv");
  out.results.models = read_model_csv(dir / "model.csv");
  return out;
}

std::vector<std::filesystem::path> find_run_directories(const std::filesystem::path& dir) {
  if (std::filesystem::is_regular_file(dir / "scenario.json")) return {dir};
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_directory() && std::filesystem::is_regular_file(entry.path() / "scenario.json"))
      out.push_back(entry.path());
  }
  if (ec) SGDSIM_THROW(ConfigError, dir.string() + ": cannot list the directory: " + ec.message());
  std::sort(out.begin(), out.end());
  if (out.empty()) SGDSIM_THROW(ConfigError, dir.string() + ": neither a run directory (scenario.json) nor a study of them");
  return out;
}

}  // namespace sgdsim::analysis
