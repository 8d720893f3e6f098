// A problem: the objective (logistic / least squares, with L2) over a data set, evaluated through a kernels engine.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/kernels/kernels.hpp"

namespace sgdsim {

class Problem {
 public:
  Problem(Dataset data, kernels::Loss objective, double l2, kernels::Device device = kernels::Device::CPU);

  const Dataset& data() const { return data_; }
  kernels::Loss objective() const { return objective_; }
  double l2() const { return l2_; }
  std::int64_t samples() const { return data_.rows; }
  std::int64_t dimension() const { return data_.cols; }

  // f_S(x) and its gradient (grad may be empty: loss only).
  double loss_grad(kernels::SampleSet rows, std::span<const double> x, std::span<double> grad) const;
  // F(x) over the whole data set.
  double full_loss(std::span<const double> x) const;

 private:
  Dataset data_;
  kernels::Loss objective_;
  double l2_;
  std::unique_ptr<kernels::Engine> engine_;
};

// The scenario's problem: its data set (generated from the seed or loaded) with its objective, l2 and kernel device.
// With a guard, data that would not fit the run's memory budget is refused before it is allocated.
Problem make_problem(const Scenario& scenario, const MemoryGuard* guard = nullptr);

}  // namespace sgdsim
