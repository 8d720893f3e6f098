// ModelledCompute: real numerics through the problem's kernels, task times from the straggler model.
#include "sgdsim/core/comm/compute.hpp"

#include <algorithm>

namespace sgdsim {

ModelledCompute::ModelledCompute(const Scenario& scenario, const Problem& problem, int repetition, int worker)
    : spec_(scenario.cluster.compute), problem_(problem), model_(spec_, scenario.seed, repetition, worker) {}

double ModelledCompute::gradient(kernels::SampleSet rows, std::span<const double> x, std::span<double> grad) {
  if (!spec_.numerics) {
    std::fill(grad.begin(), grad.end(), 0.0);
    return 0.0;
  }
  return problem_.loss_grad(rows, x, grad);
}

TaskTime ModelledCompute::draw_task(double load) {
  last_ = model_.draw(load);
  return last_;
}

}  // namespace sgdsim
