// Studies: splitting "variants", "sweep" and "baseline" off the base scenario, and expanding them into labelled runs.
#include "sgdsim/core/scenario/variants.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "sgdsim/core/scenario/json_text.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim {
namespace {

// Insertion-ordered: a grid's axes are walked in the order the user wrote them.
using json = nlohmann::ordered_json;

[[noreturn]] void fail(const std::string& path, const std::string& message) {
  SGDSIM_THROW(ConfigError, path + ": " + message);
}

// Labels name run directories and files (timeline-<label>.csv): well under the usual 255-byte file name limit.
constexpr std::size_t MAX_LABEL_LENGTH = 200;

bool label_char(char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-'; }

// Labels become directory names: "." and ".." would name the study's directory or its parent.
bool valid_label(const std::string& label) {
  if (label.empty() || label == "." || label == "..") return false;
  for (char ch : label)
    if (!label_char(ch)) return false;
  return true;
}

// A value as label text: strings as they are, anything else as compact JSON; characters that are awkward in file
// names become '_' (runs of them collapse), so "1Gbps" stays, 0.5 stays, {"rate": 2} becomes rate_2.
std::string label_text(const json& value) {
  const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  std::string out;
  for (char ch : text) {
    if (label_char(ch) || ch == '+') {
      out += ch;
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "_" : out;
}

std::vector<Variant> read_variants(const json& list) {
  if (!list.is_array() || list.empty())
    fail("scenario.variants", "must be a non-empty array of {\"label\", \"set\"} objects");
  std::vector<Variant> variants;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = "scenario.variants[" + std::to_string(i) + "]";
    const auto& v = list[i];
    if (!v.is_object()) fail(at, "must be an object with label and set");
    for (const auto& [key, _] : v.items())
      if (key != "label" && key != "set") fail(at + "." + key, "unknown key");
    if (!v.contains("label") || !v["label"].is_string() || !valid_label(v["label"].get<std::string>()))
      fail(at + ".label", "must be a non-empty string of letters, digits, '.', '_', '-' (not \".\" or \"..\")");
    Variant variant{v["label"].get<std::string>(), {}, {}};
    if (variant.label.size() > MAX_LABEL_LENGTH) {
      fail(at + ".label", "must be at most " + std::to_string(MAX_LABEL_LENGTH) + " characters (it names the run's " +
                              "directory and files), got " + std::to_string(variant.label.size()));
    }
    if (!seen.insert(variant.label).second)
      fail(at + ".label", "\"" + variant.label + "\" is used by an earlier variant");
    if (!v.contains("set") || !v["set"].is_object())
      fail(at + ".set", "must be an object mapping scenario paths to values");
    // Applied in sorted path order, as before sweeps existed (so "a" is set before "a.b").
    const nlohmann::json set = v["set"];
    for (const auto& [path, value] : set.items()) variant.overrides.push_back(path + "=" + value.dump());
    variants.push_back(std::move(variant));
  }
  return variants;
}

// One axis of the sweep: a grid key (one path, its values) or the whole zip block (several paths walked together).
struct Axis {
  std::vector<std::string> paths;
  std::vector<std::vector<json>> points;  // points[i][p]: the value of paths[p] at step i
};

void check_path(const std::string& path, const std::string& at) {
  bool ok = !path.empty() && path.find('=') == std::string::npos && path.front() != '.' && path.back() != '.' &&
            path.find("..") == std::string::npos;
  if (!ok) fail(at, "must be a scenario path like algorithm.tau");
  const std::string head = path.substr(0, path.find('.'));
  // These are set per run by the study itself (its name and directory) or are study keys, not scenario values.
  if (head == "name" || head == "variants" || head == "sweep" || head == "baseline" || path == "output" ||
      path == "output.dir")
    fail(at, "cannot be swept: every run of a study gets its own name and output.dir from its label");
}

const json& values_of(const json& block, const std::string& path, const std::string& at) {
  const json& list = block.at(path);
  if (!list.is_array() || list.empty()) fail(at, "must be a non-empty array of values, got " + list.dump());
  return list;
}

std::vector<Axis> read_sweep(const json& sweep) {
  if (!sweep.is_object() || sweep.empty())
    fail("scenario.sweep", "must be an object with \"grid\" and/or \"zip\", each mapping scenario paths to arrays");
  for (const auto& [key, _] : sweep.items())
    if (key != "grid" && key != "zip") fail("scenario.sweep." + key, "unknown key (expected grid, zip)");
  std::vector<Axis> axes;
  std::map<std::string, std::string> swept;  // path -> where it is swept
  auto note_path = [&](const std::string& path, const std::string& at) {
    check_path(path, at);
    auto [it, fresh] = swept.emplace(path, at);
    if (!fresh) fail(at, "is also swept by " + it->second);
  };
  if (sweep.contains("grid")) {
    const json& grid = sweep["grid"];
    if (!grid.is_object() || grid.empty())
      fail("scenario.sweep.grid", "must be a non-empty object mapping scenario paths to arrays of values");
    for (const auto& [path, _] : grid.items()) {
      const std::string at = "scenario.sweep.grid[\"" + path + "\"]";
      note_path(path, at);
      const json& list = values_of(grid, path, at);
      Axis axis{{path}, {}};
      for (std::size_t i = 0; i < list.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j)
          if (list[j] == list[i])
            fail(at + "[" + std::to_string(i) + "]", list[i].dump() + " repeats an earlier value");
        axis.points.push_back({list[i]});
      }
      axes.push_back(std::move(axis));
    }
  }
  if (sweep.contains("zip")) {
    const json& zip = sweep["zip"];
    if (!zip.is_object() || zip.empty())
      fail("scenario.sweep.zip", "must be a non-empty object mapping scenario paths to arrays of equal lengths");
    Axis axis;
    std::string first_at;
    for (const auto& [path, _] : zip.items()) {
      const std::string at = "scenario.sweep.zip[\"" + path + "\"]";
      note_path(path, at);
      const json& list = values_of(zip, path, at);
      if (axis.paths.empty()) {
        axis.points.resize(list.size());
        first_at = at;
      } else if (list.size() != axis.points.size()) {
        fail(at, "has " + std::to_string(list.size()) + " values but " + first_at + " has " +
                     std::to_string(axis.points.size()) + ": zipped arrays must have equal lengths");
      }
      axis.paths.push_back(path);
      for (std::size_t i = 0; i < list.size(); ++i) axis.points[i].push_back(list[i]);
    }
    for (std::size_t i = 0; i < axis.points.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (axis.points[j] == axis.points[i])
          fail("scenario.sweep.zip", "step " + std::to_string(i) + " repeats step " + std::to_string(j));
    axes.push_back(std::move(axis));
  }
  return axes;
}

// The label name of each swept path: its last component, or the whole path where that would be ambiguous.
std::vector<std::string> label_names(const std::vector<std::string>& paths) {
  auto last = [](const std::string& path) { return path.substr(path.rfind('.') + 1); };
  std::map<std::string, int> count;
  for (const auto& p : paths) ++count[last(p)];
  std::vector<std::string> names;
  for (const auto& p : paths) names.push_back(label_text(json(count[last(p)] > 1 ? p : last(p))));
  return names;
}

// Every sweep point (the cartesian product of the axes, the first axis slowest) as a variant of its own.
std::vector<Variant> expand_sweep(const std::vector<Axis>& axes) {
  std::vector<std::string> paths;
  for (const auto& a : axes) paths.insert(paths.end(), a.paths.begin(), a.paths.end());
  const auto names = label_names(paths);
  std::vector<Variant> points;
  std::vector<std::size_t> step(axes.size(), 0);
  while (true) {
    Variant v;
    std::size_t name = 0;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      for (std::size_t p = 0; p < axes[a].paths.size(); ++p, ++name) {
        const json& value = axes[a].points[step[a]][p];
        if (!v.label.empty()) v.label += ',';
        v.label += names[name] + "=" + label_text(value);
        v.overrides.push_back(axes[a].paths[p] + "=" + value.dump());
        v.point.emplace_back(axes[a].paths[p], value.dump());
      }
    }
    points.push_back(std::move(v));
    std::size_t a = axes.size();
    while (a > 0 && ++step[a - 1] == axes[a - 1].points.size()) step[--a] = 0;
    if (a == 0) break;
  }
  return points;
}

// Each variant at each point; a path may not be both set by a variant and swept.
std::vector<Variant> combine(const std::vector<Variant>& variants, const std::vector<Variant>& points) {
  if (points.empty()) return variants;
  if (variants.empty()) return points;
  std::vector<Variant> runs;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    for (const auto& o : variants[i].overrides) {
      const std::string path = o.substr(0, o.find('='));
      for (const auto& [swept, _] : points.front().point)
        if (swept == path)
          fail("scenario.variants[" + std::to_string(i) + "].set[\"" + path + "\"]",
               "is also swept by scenario.sweep: a path is either set by variants or swept");
    }
    for (const auto& p : points) {
      Variant v{variants[i].label + "," + p.label, variants[i].overrides, p.point};
      v.overrides.insert(v.overrides.end(), p.overrides.begin(), p.overrides.end());
      runs.push_back(std::move(v));
    }
  }
  return runs;
}

// Labels made from values can coincide (1 and "1", or two values that differ only in replaced characters): the later
// ones get _2, _3, ...
void make_unique(std::vector<Variant>& runs) {
  std::set<std::string> seen;
  for (auto& v : runs) {
    std::string label = v.label;
    for (int n = 2; !seen.insert(label).second; ++n) label = v.label + "_" + std::to_string(n);
    v.label = label;
  }
}

}  // namespace

Study split_variants(const std::string& json_text, const std::string& origin) {
  check_json_text(json_text, origin);  // before anything recursive (copy, dump) touches a deeply nested document
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error&) {
    return Study{json_text, {}, {}, {}};  // the scenario parser reports the syntax error with its position
  }
  if (!doc.is_object()) return Study{json_text, {}, {}, {}};
  const bool has_variants = doc.contains("variants"), has_sweep = doc.contains("sweep");
  if (!has_variants && !has_sweep && !doc.contains("baseline")) return Study{json_text, {}, {}, {}};
  Study study;
  std::vector<Variant> variants, points;
  if (has_variants) variants = read_variants(doc["variants"]);
  if (has_sweep) {
    const auto axes = read_sweep(doc["sweep"]);
    for (const auto& a : axes) study.swept_paths.insert(study.swept_paths.end(), a.paths.begin(), a.paths.end());
    // Counted before the points are made: a product of a few long arrays is more than memory holds.
    std::int64_t runs = std::max<std::int64_t>(1, static_cast<std::int64_t>(variants.size()));
    for (const auto& a : axes) {
      runs *= static_cast<std::int64_t>(a.points.size());
      if (runs > MAX_STUDY_REPETITIONS) {
        fail("scenario.sweep", "the study would have more than " + std::to_string(MAX_STUDY_REPETITIONS) +
                                   " runs (variants x sweep points; each is a process of its own)");
      }
    }
    points = expand_sweep(axes);
  }
  study.variants = combine(variants, points);
  make_unique(study.variants);
  // Given labels were checked as they were read; only a sweep makes them longer.
  for (const auto& v : study.variants) {
    if (v.label.size() <= MAX_LABEL_LENGTH) continue;
    fail("scenario.sweep",
         "makes the run label \"" + v.label.substr(0, 40) + "...\" (" + std::to_string(v.label.size()) +
             " characters); a label names the run's directory and files and may have at most " +
             std::to_string(MAX_LABEL_LENGTH) + ": shorten the variant labels or the swept values");
  }
  if (doc.contains("baseline")) {
    const json& b = doc["baseline"];
    if (study.variants.empty()) fail("scenario.baseline", "only a study (variants or sweep) has a baseline");
    if (!b.is_string()) fail("scenario.baseline", "must be the label of a variant, got " + b.dump());
    study.baseline = b.get<std::string>();
    bool known = false;
    std::string labels;
    for (const auto& v : study.variants) {
      known = known || v.label == study.baseline;
      if (labels.size() < 200) labels += (labels.empty() ? "" : ", ") + v.label;
    }
    if (!known) fail("scenario.baseline", "\"" + study.baseline + "\" is not a variant label (labels: " + labels + ")");
  } else if (!study.variants.empty()) {
    study.baseline = study.variants.front().label;
  }
  doc.erase("variants");
  doc.erase("sweep");
  doc.erase("baseline");
  study.base_json = doc.dump();
  return study;
}

Study read_study(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) SGDSIM_THROW(ConfigError, file.string() + ": cannot read the scenario file");
  std::ostringstream text;
  text << in.rdbuf();
  return split_variants(text.str(), file.string());
}

}  // namespace sgdsim
