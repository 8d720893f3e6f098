// Fuzz target: the scenario parser (JSON text, variants, --set overrides) and the memory estimate of what it accepts.
// Bad input must end in ConfigError; any other exception, crash or sanitizer report is a bug.
#include <string>

#include "fuzz_input.hpp"
#include "sgdsim/core/scenario/preflight.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/core/scenario/variants.hpp"
#include "sgdsim/error.hpp"

namespace {

const char* const VALID = R"({"problem": {"objective": "logistic", "data": {"synthetic": {"samples": 100,
  "features": 5}}}, "cluster": {"workers": 4}, "algorithm": {"name": "agc", "wait_for": 3, "step_size": 0.5},
  "stop": {"iterations": 10}})";

void estimate(const sgdsim::Scenario& s) {
  const sgdsim::MemoryGuard guard(s, sgdsim::Placement::ALL_RANKS, {1e9, "fuzz"});
  try {
    guard.check_planned();
  } catch (const sgdsim::ConfigError&) {
  }
  sgdsim::fuzz::require(guard.estimate(guard.planned_shape()).total() >= 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {  // the input as a scenario file
    const sgdsim::Study study = sgdsim::split_variants(text, "fuzz.json");
    for (const auto& variant : study.variants)
      estimate(sgdsim::parse_scenario(study.base_json, variant.overrides, "/"));
    estimate(sgdsim::parse_scenario(text, {}, "/"));
  } catch (const sgdsim::ConfigError&) {
  }
  try {  // the input as a --set override of a valid scenario
    estimate(sgdsim::parse_scenario(VALID, {text}, "/"));
  } catch (const sgdsim::ConfigError&) {
  }
  return 0;
}
