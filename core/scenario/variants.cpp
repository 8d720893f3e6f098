// Splitting a study's "variants" off its base scenario.
#include "sgdsim/core/scenario/variants.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "sgdsim/core/scenario/json_text.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim {
namespace {

// Labels become directory names: "." and ".." would name the study's directory or its parent.
bool valid_label(const std::string& label) {
  if (label.empty() || label == "." || label == "..") return false;
  for (char ch : label)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-') return false;
  return true;
}

}  // namespace

Study split_variants(const std::string& json_text, const std::string& origin) {
  nlohmann::json doc = parse_json_text(json_text, origin);
  if (!doc.is_object() || !doc.contains("variants")) return Study{json_text, {}};
  const auto list = doc["variants"];
  doc.erase("variants");
  if (!list.is_array() || list.empty())
    SGDSIM_THROW(ConfigError, "scenario.variants: must be a non-empty array of {\"label\", \"set\"} objects");
  Study study{doc.dump(), {}};
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = "scenario.variants[" + std::to_string(i) + "]";
    const auto& v = list[i];
    if (!v.is_object()) SGDSIM_THROW(ConfigError, at + ": must be an object with label and set");
    for (const auto& [key, _] : v.items())
      if (key != "label" && key != "set") SGDSIM_THROW(ConfigError, at + "." + key + ": unknown key");
    if (!v.contains("label") || !v["label"].is_string() || !valid_label(v["label"].get<std::string>()))
      SGDSIM_THROW(ConfigError, at + ".label: must be a non-empty string of letters, digits, '.', '_', '-' (not \".\" or \"..\")");
    Variant variant{v["label"].get<std::string>(), {}};
    if (!seen.insert(variant.label).second)
      SGDSIM_THROW(ConfigError, at + ".label: \"" + variant.label + "\" is used by an earlier variant");
    if (!v.contains("set") || !v["set"].is_object())
      SGDSIM_THROW(ConfigError, at + ".set: must be an object mapping scenario paths to values");
    for (const auto& [path, value] : v["set"].items()) variant.overrides.push_back(path + "=" + value.dump());
    study.variants.push_back(std::move(variant));
  }
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
