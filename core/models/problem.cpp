// Problem: objective + data, evaluated through a kernels engine chosen by the scenario.
#include "sgdsim/core/models/problem.hpp"

#include "sgdsim/core/data/dataset.hpp"

namespace sgdsim {

Problem::Problem(Dataset data, kernels::Loss objective, double l2, kernels::Device device)
    : data_(std::move(data)), objective_(objective), l2_(l2) {
  engine_ = kernels::make_engine(device, objective_, l2_, data_.view());
}

double Problem::loss_grad(kernels::SampleSet rows, std::span<const double> x, std::span<double> grad) const {
  return engine_->loss_grad(rows, x, grad);
}

Problem make_problem(const Scenario& s, const MemoryGuard* guard) {
  return Problem(load_dataset(s.problem, s.seed, guard), s.problem.objective, s.problem.l2, s.cluster.compute.device);
}

double Problem::full_loss(std::span<const double> x) const {
  return engine_->loss_grad(kernels::SampleSet::range(0, data_.rows), x, {});
}

}  // namespace sgdsim
