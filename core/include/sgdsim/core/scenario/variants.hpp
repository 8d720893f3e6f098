// Studies: a scenario with "variants" and/or a "sweep" runs once per variant, each a set of overrides of the base.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace sgdsim {

// One run of a study: a label (unique, usable as a directory name) and the overrides that make it from the base.
//   "variants": [{"label": "local-tau4", "set": {"algorithm.name": "local_sgd", "algorithm.tau": 4}}, ...]
//   "sweep": {"grid": {"algorithm.tau": [1, 2, 4], "cluster.workers": [16, 64]}}   (cartesian product)
//   "sweep": {"zip": {"algorithm.tau": [1, 2], "algorithm.batch_size": [64, 32]}}  (lists walked together)
// A user label is [A-Za-z0-9._-] but not "." or ".."; a sweep point's label is "name=value,..." (name: the path's last
// component, or the whole path where two swept paths share it; value characters outside [A-Za-z0-9._+-] become '_'),
// and with variants "<variant>,<point>". Every variant runs at every sweep point, variant by variant.
struct Variant {
  std::string label;
  std::vector<std::string> overrides;  // "path=value" with the value as JSON text: the variant's set, then the point's
  std::vector<std::pair<std::string, std::string>> point;  // swept path -> value as JSON text (empty without a sweep)
};

struct Study {
  std::string base_json;          // the scenario without its "variants", "sweep" and "baseline" keys
  std::vector<Variant> variants;  // empty: a plain scenario
  std::vector<std::string> swept_paths;  // the sweep's paths, grid first then zip, in the order written
  std::string baseline;           // label of the variant speed-ups are measured against (default: the first)
};

// Splits the study keys off a scenario text and expands them. ConfigError names the JSON path on a malformed list,
// e.g. scenario.sweep.grid["algorithm.tau"]: must be a non-empty array of values, or "<origin>:line:column: ..." on
// text nested too deeply or holding a number beyond a double.
Study split_variants(const std::string& json_text, const std::string& origin = "scenario");
Study read_study(const std::filesystem::path& file);

}  // namespace sgdsim
