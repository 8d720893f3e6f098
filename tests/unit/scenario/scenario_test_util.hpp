// Helper of the scenario tests: the message of the ConfigError a scenario text raises.
#pragma once

#include <string>
#include <vector>

#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim::test {

// The ConfigError message of parsing `text` with the overrides applied, or "(no error)".
inline std::string scenario_error(const std::string& text, const std::vector<std::string>& overrides) {
  try {
    parse_scenario(text, overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace sgdsim::test
