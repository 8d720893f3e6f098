// NetworkModel: a kernels network engine bound to a data set, with the model's starting point.
#include "network_model.hpp"

namespace sgdsim::detail {

NetworkModel::NetworkModel(const kernels::NetworkShape& shape, const ModelData& data, Initializer initialize)
    : shape_(shape),
      engine_(kernels::make_network_engine(data.device, shape, data.l2, data.data.view())),
      initialize_(std::move(initialize)) {}

std::vector<double> NetworkModel::initial_point(std::uint64_t seed, int repetition) const {
  std::vector<double> x(static_cast<std::size_t>(dimension()), 0.0);
  if (initialize_) initialize_(seed, repetition, x);
  return x;
}

}  // namespace sgdsim::detail
