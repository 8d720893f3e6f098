// Studies: a scenario with "variants" runs once per variant, each a set of overrides of the base scenario.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sgdsim {

// "variants": [{"label": "local-tau4", "set": {"algorithm.name": "local_sgd", "algorithm.tau": 4}}, ...]
// Each label is unique and non-empty ([A-Za-z0-9._-], not "." or ".."); `set` maps scenario paths to values, exactly like --set.
struct Variant {
  std::string label;
  std::vector<std::string> overrides;  // "path=value" with the value as JSON text
};

struct Study {
  std::string base_json;  // the scenario without its "variants" key
  std::vector<Variant> variants;  // empty: a plain scenario
};

// Splits the variants off a scenario text (ConfigError "scenario.variants[i]...: ..." on a malformed list, or
// "<origin>:line:column: ..." on text that is not JSON or nests too deeply).
Study split_variants(const std::string& json_text, const std::string& origin = "scenario");
Study read_study(const std::filesystem::path& file);

}  // namespace sgdsim
