// A Model on the kernels' networks (softmax regression and MLPs share it), private to core/models.
#pragma once

#include <functional>

#include "sgdsim/core/models/model.hpp"
#include "sgdsim/kernels/network.hpp"

namespace sgdsim::detail {

class NetworkModel final : public Model {
 public:
  // `initialize` fills the starting point of a repetition; empty: zeros.
  using Initializer = std::function<void(std::uint64_t seed, int repetition, std::span<double> x)>;
  NetworkModel(const kernels::NetworkShape& shape, const ModelData& data, Initializer initialize);

  std::int64_t dimension() const override { return shape_.parameters(); }
  double loss_grad(kernels::SampleSet rows, std::span<const double> x, std::span<double> grad,
                   std::span<std::int32_t> predicted) override {
    return engine_->loss_grad(rows, x, grad, predicted);
  }
  bool classifier() const override { return true; }
  std::vector<double> initial_point(std::uint64_t seed, int repetition) const override;

 private:
  kernels::NetworkShape shape_;
  std::unique_ptr<kernels::NetworkEngine> engine_;
  Initializer initialize_;
};

}  // namespace sgdsim::detail
