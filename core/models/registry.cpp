// The model registry (built-in models registered on first use), the default starting point, and the linear model.
#include <algorithm>

#include "sgdsim/core/models/model.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim {

std::vector<double> Model::initial_point(std::uint64_t, int) const {
  return std::vector<double>(static_cast<std::size_t>(dimension()), 0.0);
}

ModelRegistry& ModelRegistry::instance() {
  static ModelRegistry registry = [] {
    ModelRegistry r;
    r.add(softmax_model());
    r.add(mlp_model());
    return r;
  }();
  return registry;
}

void ModelRegistry::add(ModelDef def) {
  const bool valid_name = !def.name.empty() && std::all_of(def.name.begin(), def.name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!valid_name) SGDSIM_THROW(ConfigError, "model registry: name \"" + def.name + "\" is not [a-z0-9_]+");
  if (find(def.name) != nullptr) SGDSIM_THROW(ConfigError, "model registry: " + def.name + " is already registered");
  if (!def.parse || !def.resolve || !def.make) {
    SGDSIM_THROW(ConfigError, "model registry: " + def.name + " lacks a parse, resolve or make function");
  }
  defs_.push_back(std::move(def));
}

const ModelDef* ModelRegistry::find(std::string_view name) const {
  for (const auto& def : defs_) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

std::vector<std::string_view> ModelRegistry::names() const {
  std::vector<std::string_view> out;
  for (const auto& def : defs_) out.emplace_back(def.name);
  return out;
}

namespace {

// Logistic regression / least squares through the kernels engine, exactly the calls the problem made before models.
class LinearModel final : public Model {
 public:
  LinearModel(kernels::Loss objective, double l2, const Dataset& data, kernels::Device device)
      : dimension_(data.cols), engine_(kernels::make_engine(device, objective, l2, data.view())) {}
  std::int64_t dimension() const override { return dimension_; }
  double loss_grad(kernels::SampleSet rows, std::span<const double> x, std::span<double> grad,
                   std::span<std::int32_t> predicted) override {
    if (!predicted.empty()) SGDSIM_THROW(ConfigError, "linear objectives do not predict classes");
    return engine_->loss_grad(rows, x, grad);
  }
  bool classifier() const override { return false; }

 private:
  std::int64_t dimension_;
  std::unique_ptr<kernels::Engine> engine_;
};

}  // namespace

std::unique_ptr<Model> make_linear_model(kernels::Loss objective, double l2, const Dataset& data,
                                         kernels::Device device) {
  return std::make_unique<LinearModel>(objective, l2, data, device);
}

}  // namespace sgdsim
