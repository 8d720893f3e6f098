// Problem: a model over the training set (and a test set), evaluated through the kernels on the scenario's device.
#include "sgdsim/core/models/problem.hpp"

#include <cmath>

#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/core/scenario/config.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim {

namespace {

double euclidean_norm(std::span<const double> v) {
  double norm2 = 0;
  for (double g : v) norm2 += g * g;
  return std::sqrt(norm2);
}

// The fraction of `predicted` equal to the labels of the rows [0, n).
double accuracy_of(const std::vector<std::int32_t>& predicted, const Dataset& data) {
  std::int64_t correct = 0;
  for (std::int64_t i = 0; i < data.rows; ++i) {
    correct += static_cast<double>(predicted[static_cast<std::size_t>(i)]) == data.labels[static_cast<std::size_t>(i)];
  }
  return data.rows > 0 ? static_cast<double>(correct) / static_cast<double>(data.rows) : 0.0;
}

// A model's test set is evaluated by the same network: it must have the training set's features.
// (A held-out test set has them by construction: a mismatch is problem.test's.)
void check_test_features(const Dataset& train, const Dataset& test) {
  if (test.cols != train.cols) {
    config::fail("scenario.problem.test", "has " + std::to_string(test.cols) + " features, the training set " +
                                              std::to_string(train.cols) + ": they must be the same (a LIBSVM "
                                              "file's count is its largest index unless libsvm.features is given)");
  }
}

}  // namespace

Problem::Problem(Dataset data, kernels::Loss objective, double l2, kernels::Device device)
    : data_(std::move(data)), objective_(objective), l2_(l2) {
  model_ = make_linear_model(objective_, l2_, data_, device);
}

Problem::Problem(Dataset train, std::optional<Dataset> test, const ModelChoice& model, int classes, double l2,
                 kernels::Device device)
    : data_(std::move(train)), test_(std::move(test)), has_model_(true), classes_(classes), l2_(l2) {
  if (model.def == nullptr || model.params == nullptr) SGDSIM_THROW(ConfigError, "Problem: no model given");
  if (test_) check_test_features(data_, *test_);
  model_ = model.def->make(*model.params, ModelData{data_, classes, l2, device});
  if (test_) test_model_ = model.def->make(*model.params, ModelData{*test_, classes, l2, device});
}

double Problem::loss_grad(kernels::SampleSet rows, std::span<const double> x, std::span<double> grad) const {
  return model_->loss_grad(rows, x, grad);
}

double Problem::full_loss(std::span<const double> x) const {
  return model_->loss_grad(kernels::SampleSet::range(0, data_.rows), x, {});
}

std::vector<double> Problem::initial_point(std::uint64_t seed, int repetition) const {
  return model_->initial_point(seed, repetition);
}

double Problem::gradient_norm(std::span<const double> x, std::span<double> grad) const {
  model_->loss_grad(kernels::SampleSet::range(0, data_.rows), x, grad);
  return euclidean_norm(grad);
}

Evaluation Problem::evaluate(std::span<const double> x, std::span<double> grad) const {
  Evaluation e;
  const bool predict = model_->classifier();
  if (predict) predicted_.resize(static_cast<std::size_t>(data_.rows));
  e.loss = model_->loss_grad(kernels::SampleSet::range(0, data_.rows), x, grad,
                             predict ? std::span<std::int32_t>(predicted_) : std::span<std::int32_t>());
  e.grad_norm = euclidean_norm(grad);
  if (predict) e.accuracy = accuracy_of(predicted_, data_);
  if (test_model_) {
    predicted_.resize(static_cast<std::size_t>(test_->rows));
    e.test_loss = test_model_->loss_grad(kernels::SampleSet::range(0, test_->rows), x, {}, predicted_);
    e.test_accuracy = accuracy_of(predicted_, *test_);
  }
  return e;
}

double Problem::test_accuracy(std::span<const double> x) const {
  if (!test_model_) return std::numeric_limits<double>::quiet_NaN();
  predicted_.resize(static_cast<std::size_t>(test_->rows));
  test_model_->loss_grad(kernels::SampleSet::range(0, test_->rows), x, {}, predicted_);
  return accuracy_of(predicted_, *test_);
}

ProblemData load_problem_data(const Scenario& s, const MemoryGuard* guard) {
  const ProblemSpec& p = s.problem;
  ProblemData data{load_dataset(p, s.seed, guard), std::nullopt, 0};
  check_data_rows(data.train.rows, s);  // a file's rows are known only now
  if (!p.model) return data;
  if (p.test) data.test = load_data_source(*p.test, p, s.seed, guard);
  if (p.holdout) data.test = split_holdout(data.train, *p.holdout, s.seed);
  if (data.test) check_test_features(data.train, *data.test);
  data.classes = map_classes(data.train, data.test ? &*data.test : nullptr);
  return data;
}

Problem make_problem(const Scenario& s, const MemoryGuard* guard) {
  const ProblemSpec& p = s.problem;
  ProblemData data = load_problem_data(s, guard);
  if (!p.model) return Problem(std::move(data.train), p.objective, p.l2, s.cluster.compute.device);
  if (data.test) data.test = densify(std::move(*data.test));
  return Problem(densify(std::move(data.train)), std::move(data.test), *p.model, data.classes, p.l2,
                 s.cluster.compute.device);
}

}  // namespace sgdsim
