// The model interface (loss, gradient and predictions over a row set at parameters x) and the model registry: each
// model of `problem.model` declares its name, its scenario keys, their parsing and resolved JSON, and a factory.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/core/scenario/config.hpp"
#include "sgdsim/kernels/kernels.hpp"

namespace sgdsim {

// A model bound to one data set on one kernel device. x is one flat parameter vector of dimension() entries, so that
// communication, averaging, coding and traces treat every model alike.
class Model {
 public:
  virtual ~Model() = default;
  virtual std::int64_t dimension() const = 0;
  // f_S(x) (the mean loss over S plus the l2 term) and, when grad is non-empty, ∇f_S(x); when predicted is non-empty
  // (|S| entries, classifiers only) the predicted class of each row.
  virtual double loss_grad(kernels::SampleSet rows, std::span<const double> x, std::span<double> grad,
                           std::span<std::int32_t> predicted = {}) = 0;
  // Whether the model predicts classes (labels are class indices 0 .. C−1).
  virtual bool classifier() const = 0;
  // The starting point x_0 of every worker of a repetition (default: zeros).
  virtual std::vector<double> initial_point(std::uint64_t seed, int repetition) const;
};

// A model's own scenario keys, parsed once; each model derives its own.
struct ModelParams {
  virtual ~ModelParams() = default;
};

// What a factory binds a model to.
struct ModelData {
  const Dataset& data;  // dense features; labels are class indices 0 .. classes−1
  int classes = 2;
  double l2 = 0.0;
  kernels::Device device = kernels::Device::CPU;
};

struct ModelDef {
  std::string name;
  std::string description;  // one line
  std::vector<KeyDoc> keys;  // besides `name`
  // Reads the model's keys from `object` (scenario.problem.model; unknown keys are already rejected with their path).
  std::function<std::shared_ptr<const ModelParams>(const config::Object& object)> parse;
  // Writes the model's keys, defaults filled in, after `name` in the resolved scenario.
  std::function<void(const ModelParams& params, config::ordered_json& out)> resolve;
  // The model on a data set (the training set, or the test set with the same parameters).
  std::function<std::unique_ptr<Model>(const ModelParams& params, const ModelData& data)> make;
};

// A definition from functions typed on the model's own parameter struct P (derived from ModelParams).
template <class P>
ModelDef make_model_def(std::string name, std::string description, std::vector<KeyDoc> keys,
                        std::function<P(const config::Object&)> parse,
                        std::function<void(const P&, config::ordered_json&)> resolve,
                        std::function<std::unique_ptr<Model>(const P&, const ModelData&)> make) {
  static_assert(std::is_base_of_v<ModelParams, P>, "model parameters derive from ModelParams");
  ModelDef def;
  def.name = std::move(name);
  def.description = std::move(description);
  def.keys = std::move(keys);
  def.parse = [parse](const config::Object& object) -> std::shared_ptr<const ModelParams> {
    return std::make_shared<const P>(parse(object));
  };
  def.resolve = [resolve](const ModelParams& params, config::ordered_json& out) {
    resolve(dynamic_cast<const P&>(params), out);
  };
  def.make = [make](const ModelParams& params, const ModelData& data) {
    return make(dynamic_cast<const P&>(params), data);
  };
  return def;
}

// The registered models, in registration order (the built-in ones first, registered on first use). Register before
// parsing scenarios; registration is not thread-safe.
class ModelRegistry {
 public:
  static ModelRegistry& instance();

  // ConfigError when the name is empty, not [a-z0-9_], already taken, or a function is missing.
  void add(ModelDef def);
  const ModelDef* find(std::string_view name) const;  // nullptr when unknown
  const std::deque<ModelDef>& all() const { return defs_; }
  std::vector<std::string_view> names() const;

 private:
  ModelRegistry() = default;
  std::deque<ModelDef> defs_;  // a deque: a Scenario keeps pointers to its entries
};

// The built-in models (one definition per file in core/models/).
ModelDef softmax_model();
ModelDef mlp_model();

// The linear objectives of `problem.objective` alone (no `problem.model`): today's kernels engine, unchanged.
std::unique_ptr<Model> make_linear_model(kernels::Loss objective, double l2, const Dataset& data,
                                         kernels::Device device);

}  // namespace sgdsim
