// The algorithm registry and the list of built-in algorithms (one line each).
#include "sgdsim/core/algorithms/registry.hpp"

#include "builtin.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim {

const char* shape_name(CommShape shape) {
  switch (shape) {
    case CommShape::PEERS: return "peers";
    case CommShape::PARAMETER_SERVER: return "parameter server";
    case CommShape::PEERS_AND_SERVER: return "peers and a server";
  }
  return "unknown";
}

AlgorithmRegistry& AlgorithmRegistry::instance() {
  static AlgorithmRegistry registry = [] {
    AlgorithmRegistry r;
    for (auto& def : builtin::model_averaging_family()) r.add(std::move(def));
    r.add(builtin::uncoded());
    r.add(builtin::egc());
    r.add(builtin::agc());
    r.add(builtin::ignore_stragglers());
    return r;
  }();
  return registry;
}

void AlgorithmRegistry::add(AlgorithmDef def) {
  const std::string what = "register_algorithm(\"" + def.name + "\"): ";
  bool well_formed = !def.name.empty();
  for (char ch : def.name) well_formed = well_formed && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_');
  if (!well_formed) SGDSIM_THROW(ConfigError, what + "a name is non-empty and made of a-z, 0-9 and '_'");
  if (find(def.name) != nullptr) SGDSIM_THROW(ConfigError, what + "an algorithm of this name is already registered");
  if (!def.parse || !def.resolve || !def.run) SGDSIM_THROW(ConfigError, what + "parse, resolve and run are required");
  for (const auto& key : def.keys) {
    if (key.name == "name" || key.name == "step_size")
      SGDSIM_THROW(ConfigError, what + "key \"" + key.name + "\" is common to every algorithm, do not declare it");
  }
  defs_.push_back(std::move(def));
}

const AlgorithmDef* AlgorithmRegistry::find(std::string_view name) const {
  for (const auto& def : defs_)
    if (def.name == name) return &def;
  return nullptr;
}

std::vector<std::string_view> AlgorithmRegistry::names() const {
  std::vector<std::string_view> names;
  for (const auto& def : defs_) names.emplace_back(def.name);
  return names;
}

void register_algorithm(AlgorithmDef def) { AlgorithmRegistry::instance().add(std::move(def)); }

const AlgorithmDef& find_algorithm(std::string_view name) {
  const auto& registry = AlgorithmRegistry::instance();
  if (const AlgorithmDef* def = registry.find(name)) return *def;
  SGDSIM_THROW(ConfigError, "unknown algorithm \"" + std::string(name) + "\" (registered: " +
                                config::join(registry.names()) + ")");
}

CommShape comm_shape(const Scenario& scenario) {
  const AlgorithmSpec& a = scenario.algorithm;
  return a.def->shape_of && a.params ? a.def->shape_of(*a.params) : a.def->shape;
}

bool reports_average(const Scenario& scenario) {
  const AlgorithmSpec& a = scenario.algorithm;
  return a.def != nullptr && a.def->reports_average && a.params && a.def->reports_average(*a.params);
}

std::vector<std::pair<std::string, std::string>> derived_facts(const Scenario& scenario) {
  const AlgorithmSpec& a = scenario.algorithm;
  if (a.def == nullptr || !a.def->derived || !a.params) return {};
  return a.def->derived(*a.params);
}

const std::string& AlgorithmSpec::name() const {
  static const std::string none;
  return def != nullptr ? def->name : none;
}

void AlgorithmSpec::throw_params_mismatch() const {
  SGDSIM_THROW(ConfigError, "the parameters of algorithm " + name() + " are not of the type its run function expects");
}

}  // namespace sgdsim
