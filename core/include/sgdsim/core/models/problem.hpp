// A problem: a model (the linear objective of `problem.objective`, or a registered model) over the training set,
// evaluated through the kernels, and the held-out test set of a classifier.
#pragma once

#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/core/models/model.hpp"
#include "sgdsim/kernels/kernels.hpp"

namespace sgdsim {

// What an evaluation of x reports (NaN where it does not apply: accuracy of a linear objective, test figures without
// a test set).
struct Evaluation {
  double loss = 0;       // F(x) over the training set
  double grad_norm = 0;  // ‖∇F(x)‖
  double accuracy = std::numeric_limits<double>::quiet_NaN();
  double test_loss = std::numeric_limits<double>::quiet_NaN();  // test-set mean loss + l2/2 ‖x‖²
  double test_accuracy = std::numeric_limits<double>::quiet_NaN();
};

class Problem {
 public:
  // The linear objective (logistic / least squares) on `data`.
  Problem(Dataset data, kernels::Loss objective, double l2, kernels::Device device = kernels::Device::CPU);
  // A registered model on a training set with `classes` classes (labels 0 .. classes−1; dense features), and an
  // optional test set of the same width.
  Problem(Dataset train, std::optional<Dataset> test, const ModelChoice& model, int classes, double l2,
          kernels::Device device = kernels::Device::CPU);

  const Dataset& data() const { return data_; }
  // The linear objective; meaningful only when !has_model().
  kernels::Loss objective() const { return objective_; }
  bool has_model() const { return has_model_; }
  bool classifier() const { return model_->classifier(); }
  bool has_test() const { return test_model_ != nullptr; }
  int classes() const { return classes_; }
  double l2() const { return l2_; }
  std::int64_t samples() const { return data_.rows; }
  // The number of parameters (the length of x): the data's columns for a linear objective.
  std::int64_t dimension() const { return model_->dimension(); }

  // f_S(x) and its gradient (grad may be empty: loss only).
  double loss_grad(kernels::SampleSet rows, std::span<const double> x, std::span<double> grad) const;
  // F(x) over the whole training set.
  double full_loss(std::span<const double> x) const;
  // The starting point of every worker in a repetition.
  std::vector<double> initial_point(std::uint64_t seed, int repetition) const;
  // ‖∇F(x)‖ over the whole training set (grad: a dimension()-sized buffer it uses), as evaluate() computes it.
  double gradient_norm(std::span<const double> x, std::span<double> grad) const;
  // Loss and gradient norm over the training set (grad: a dimension()-sized buffer it uses), and for a classifier
  // the training accuracy and, with a test set, the test loss and accuracy.
  Evaluation evaluate(std::span<const double> x, std::span<double> grad) const;
  // The test accuracy at x (NaN without a test set).
  double test_accuracy(std::span<const double> x) const;

 private:
  Dataset data_;
  std::optional<Dataset> test_;
  kernels::Loss objective_ = kernels::Loss::LOGISTIC;
  bool has_model_ = false;
  int classes_ = 0;
  double l2_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<Model> test_model_;
  mutable std::vector<std::int32_t> predicted_;  // evaluation buffer
};

// The scenario's data as a run holds it: the training set (without its held-out rows) and, for a model, the test set
// and the number of classes. Every check of the data's contents a run makes before it starts is made here (malformed
// files, a test set of other features, a holdout that leaves no row, fewer than two classes), so that `sgdsim check`
// refuses what a run would. With a guard, data that would not fit the run's memory budget is refused before it is
// allocated.
struct ProblemData {
  Dataset train;
  std::optional<Dataset> test;
  int classes = 0;  // a model's classes; 0 for a linear objective
};
ProblemData load_problem_data(const Scenario& scenario, const MemoryGuard* guard = nullptr);

// The scenario's problem: its data (load_problem_data), model or objective, l2 and device.
Problem make_problem(const Scenario& scenario, const MemoryGuard* guard = nullptr);

}  // namespace sgdsim
