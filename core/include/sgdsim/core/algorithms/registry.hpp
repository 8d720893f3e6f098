// The algorithm registry: each algorithm declares its name, its scenario keys (defaults, validation), its resolved
// JSON, its rank layout and its run function. The scenario parser, `sgdsim check`, the `sgdsim algorithms` listing and
// both backends know algorithms only through it; a program adds its own with register_algorithm().
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sgdsim/core/algorithms/algorithm.hpp"
#include "sgdsim/core/scenario/config.hpp"

namespace sgdsim {

// How an algorithm's ranks are laid out and talk.
enum class CommShape {
  PEERS,             // ranks 0..k−1 are workers 0..k−1 (rank 0 also keeps the trace)
  PARAMETER_SERVER,  // rank 0 is a parameter server, ranks 1..k are workers 0..k−1
  PEERS_AND_SERVER,  // ranks 0..k−1 are workers 0..k−1 (rank 0 keeps the trace), rank k a server (EASGD's anchor)
};
const char* shape_name(CommShape shape);

// An algorithm's own parameters (its keys of the `algorithm` object), parsed once; each algorithm derives its own.
struct AlgorithmParams {
  virtual ~AlgorithmParams() = default;
};

struct AlgorithmDef {
  std::string name;
  std::string description;  // one line
  CommShape shape = CommShape::PEERS;
  std::vector<KeyDoc> keys;  // besides `name` and `step_size`, which every algorithm takes
  // Reads the algorithm's keys from `object` (scenario.algorithm; keys not in `keys` are already rejected with their
  // path). `scenario` holds everything but the algorithm: problem, cluster, stop and output are parsed before it.
  // Errors are ConfigErrors naming the JSON path (config::fail and the config::Object readers do that).
  std::function<std::shared_ptr<const AlgorithmParams>(const config::Object& object, const Scenario& scenario)> parse;
  // Writes the algorithm's keys, defaults filled in, into the resolved scenario's algorithm object (after name and
  // step_size).
  std::function<void(const AlgorithmParams& params, config::ordered_json& out)> resolve;
  // This rank's part of one repetition (scenario.algorithm.params are the parsed keys).
  std::function<RunOutcome(const RunContext& context)> run;
  // Optional. The layout when it depends on the algorithm's keys (easgd's anchor on a server rank or on every worker);
  // `shape` is then the default, for the listing.
  std::function<CommShape(const AlgorithmParams& params)> shape_of;
  // Optional. Facts derived from the parsed keys that the resolved scenario does not spell out (ζ of a mixing matrix,
  // a solved schedule constant), as (name, value) lines for `sgdsim check`.
  std::function<std::vector<std::pair<std::string, std::string>>(const AlgorithmParams& params)> derived;
  // Its trace rows report averaging rounds (IterationRecord::tau, consensus): trace.csv gets those two columns. Known
  // before the run, because the run directory's header is written first.
  bool averaging_rounds = false;
  // Optional. Whether, under these keys, its trace rows also report ‖∇F‖ at the average of all its models
  // (IterationRecord::average_grad_norm) because rank 0's own model is not that average: trace.csv gets that column.
  std::function<bool(const AlgorithmParams& params)> reports_average;
};

// A definition from functions typed on the algorithm's own parameter struct P (derived from AlgorithmParams).
template <class P>
AlgorithmDef make_algorithm(std::string name, std::string description, CommShape shape, std::vector<KeyDoc> keys,
                            std::function<P(const config::Object&, const Scenario&)> parse,
                            std::function<void(const P&, config::ordered_json&)> resolve,
                            std::function<RunOutcome(const RunContext&, const P&)> run) {
  static_assert(std::is_base_of_v<AlgorithmParams, P>, "algorithm parameters derive from AlgorithmParams");
  AlgorithmDef def;
  def.name = std::move(name);
  def.description = std::move(description);
  def.shape = shape;
  def.keys = std::move(keys);
  def.parse = [parse](const config::Object& object, const Scenario& scenario) -> std::shared_ptr<const AlgorithmParams> {
    return std::make_shared<const P>(parse(object, scenario));
  };
  def.resolve = [resolve](const AlgorithmParams& params, config::ordered_json& out) {
    resolve(dynamic_cast<const P&>(params), out);
  };
  def.run = [run](const RunContext& context) { return run(context, context.scenario.algorithm.params_as<P>()); };
  return def;
}

// The registered algorithms, in registration order (the built-in ones first, registered on first use). Register
// before parsing scenarios or running; registration is not thread-safe.
class AlgorithmRegistry {
 public:
  static AlgorithmRegistry& instance();

  // ConfigError when the name is empty, not [a-z0-9_], already taken, or a function is missing.
  void add(AlgorithmDef def);
  const AlgorithmDef* find(std::string_view name) const;  // nullptr when unknown
  const std::deque<AlgorithmDef>& all() const { return defs_; }
  std::vector<std::string_view> names() const;

 private:
  AlgorithmRegistry() = default;
  std::deque<AlgorithmDef> defs_;  // a deque: a Scenario keeps pointers to its entries
};

// AlgorithmRegistry::instance().add(def): how a program adds its own algorithm.
void register_algorithm(AlgorithmDef def);
// The registered definition of this name; ConfigError naming the known ones otherwise.
const AlgorithmDef& find_algorithm(std::string_view name);
// The layout of the scenario's algorithm with its keys (AlgorithmDef::shape_of, else its shape).
CommShape comm_shape(const Scenario& scenario);
// Whether the scenario's trace reports ‖∇F‖ at the average of all models (AlgorithmDef::reports_average).
bool reports_average(const Scenario& scenario);
// The derived facts of the scenario's algorithm (AlgorithmDef::derived; none without it).
std::vector<std::pair<std::string, std::string>> derived_facts(const Scenario& scenario);

// The algorithm of a Scenario built in code rather than parsed (programs, tests): a registered name with its
// parameters of the definition's type.
template <class P>
AlgorithmSpec algorithm_spec(std::string_view name, P params, StepSize step = {}) {
  static_assert(std::is_base_of_v<AlgorithmParams, P>, "algorithm parameters derive from AlgorithmParams");
  AlgorithmSpec spec;
  spec.def = &find_algorithm(name);
  spec.step = step;
  spec.params = std::make_shared<const P>(std::move(params));
  return spec;
}

template <class P>
const P& AlgorithmSpec::params_as() const {
  const auto* p = dynamic_cast<const P*>(params.get());
  if (p == nullptr) throw_params_mismatch();
  return *p;
}

}  // namespace sgdsim
