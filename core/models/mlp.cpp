// `mlp`: a multilayer perceptron, hidden layers of ReLU or tanh units, a softmax cross-entropy output (non-convex);
// weights drawn from the scenario seed per repetition (He or Xavier normal), biases 0.
#include <boost/random/normal_distribution.hpp>
#include <cmath>

#include "network_model.hpp"
#include "sgdsim/core/data/rng.hpp"

namespace sgdsim {

namespace {

enum class InitScheme { HE, XAVIER };

struct MlpParams : ModelParams {
  std::vector<std::int64_t> hidden = {256, 128};
  kernels::Activation activation = kernels::Activation::RELU;
  InitScheme scheme = InitScheme::HE;
  double gain = 1.0;
};

MlpParams parse_mlp(const config::Object& o) {
  MlpParams p;
  if (const auto* v = o.get("hidden")) {
    const std::string expect = "must be a non-empty array of layer widths (integers >= 1)";
    if (!v->is_array() || v->empty()) config::fail_got(o.at("hidden"), expect, *v);
    p.hidden.clear();
    for (std::size_t i = 0; i < v->size(); ++i) {
      p.hidden.push_back(config::read_int((*v)[i], o.at("hidden") + "[" + std::to_string(i) + "]", 1,
                                          config::INT_MAX_V, expect));
    }
  }
  if (const auto* v = o.get("activation")) {
    p.activation = config::read_choice(*v, o.at("activation"), {"relu", "tanh"}) == 0 ? kernels::Activation::RELU
                                                                                        : kernels::Activation::TANH;
  }
  // He suits ReLU units, Xavier (Glorot) tanh units: the default follows the activation.
  p.scheme = p.activation == kernels::Activation::RELU ? InitScheme::HE : InitScheme::XAVIER;
  if (const auto* v = o.get("init")) {
    const config::Object init(*v, o.at("init"));
    init.check_keys({"scheme", "gain"});
    if (const auto* s = init.get("scheme")) {
      p.scheme = config::read_choice(*s, init.at("scheme"), {"he", "xavier"}) == 0 ? InitScheme::HE
                                                                                    : InitScheme::XAVIER;
    }
    p.gain = init.number_or("gain", 1.0, config::Bound::POSITIVE);
  }
  return p;
}

void resolve_mlp(const MlpParams& p, config::ordered_json& out) {
  out["hidden"] = p.hidden;
  out["activation"] = p.activation == kernels::Activation::RELU ? "relu" : "tanh";
  out["init"] = config::ordered_json{{"scheme", p.scheme == InitScheme::HE ? "he" : "xavier"}, {"gain", p.gain}};
}

// W_l ~ N(0, σ²) with σ = gain·sqrt(2/fan_in) (He) or gain·sqrt(2/(fan_in + fan_out)) (Xavier), from the
// (seed, repetition, INIT) stream: every worker of a repetition starts from the same point.
void initialize(const MlpParams& p, const kernels::NetworkShape& shape, std::uint64_t seed, int repetition,
                std::span<double> x) {
  Rng rng = make_rng(seed, repetition, -1, Purpose::INIT);
  boost::random::normal_distribution<double> normal;
  for (int l = 0; l < shape.layers(); ++l) {
    const auto fan_in = static_cast<double>(shape.widths[l]);
    const auto fan_out = static_cast<double>(shape.widths[l + 1]);
    const double sigma = p.gain * std::sqrt(p.scheme == InitScheme::HE ? 2.0 / fan_in : 2.0 / (fan_in + fan_out));
    const auto begin = static_cast<std::size_t>(shape.weight_offset(l));
    const auto end = static_cast<std::size_t>(shape.bias_offset(l));
    for (std::size_t i = begin; i < end; ++i) x[i] = sigma * normal(rng);
  }
}

}  // namespace

ModelDef mlp_model() {
  return make_model_def<MlpParams>(
      "mlp", "multilayer perceptron: ReLU or tanh hidden layers, softmax cross-entropy output (non-convex)",
      {{"hidden", "[256, 128]", "hidden layer widths"},
       {"activation", "relu", "relu | tanh"},
       {"init", "{\"scheme\": \"he\" (relu) | \"xavier\" (tanh), \"gain\": 1}",
        "weights N(0, (gain·sqrt(2/fan_in))²) (he) or N(0, (gain·sqrt(2/(fan_in + fan_out)))²) (xavier), drawn from "
        "the seed per repetition; biases 0"}},
      parse_mlp, resolve_mlp, [](const MlpParams& p, const ModelData& data) -> std::unique_ptr<Model> {
        kernels::NetworkShape shape;
        shape.widths.push_back(data.data.cols);
        shape.widths.insert(shape.widths.end(), p.hidden.begin(), p.hidden.end());
        shape.widths.push_back(data.classes);
        shape.activation = p.activation;
        return std::make_unique<detail::NetworkModel>(
            shape, data, [p, shape](std::uint64_t seed, int repetition, std::span<double> x) {
              initialize(p, shape, seed, repetition, x);
            });
      });
}

}  // namespace sgdsim
