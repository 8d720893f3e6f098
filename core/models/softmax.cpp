// `softmax`: multinomial logistic regression, z = W a + b over C classes with the cross-entropy loss (convex); x_0 = 0.
#include "network_model.hpp"

namespace sgdsim {

namespace {
struct SoftmaxParams : ModelParams {};
}  // namespace

ModelDef softmax_model() {
  return make_model_def<SoftmaxParams>(
      "softmax", "multinomial logistic regression: W a + b, softmax cross-entropy (convex), x_0 = 0", {},
      [](const config::Object&) { return SoftmaxParams{}; }, [](const SoftmaxParams&, config::ordered_json&) {},
      [](const SoftmaxParams&, const ModelData& data) -> std::unique_ptr<Model> {
        kernels::NetworkShape shape;
        shape.widths = {data.data.cols, data.classes};
        return std::make_unique<detail::NetworkModel>(shape, data, nullptr);
      });
}

}  // namespace sgdsim
