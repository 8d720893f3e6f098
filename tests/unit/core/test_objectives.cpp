// Objectives through Problem: gradients against central finite differences of the loss, dense and sparse data.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/data/rng.hpp"

#include <boost/random/normal_distribution.hpp>

using namespace sgdsim;

namespace {

// Checks ∇f_S(x) against (f_S(x + h e_i) − f_S(x − h e_i)) / 2h for every coordinate, on a random subset S.
void check_finite_differences(kernels::Loss loss, double density) {
  SyntheticData spec;
  spec.samples = 60;
  spec.features = 7;
  spec.density = density;
  const Problem p(generate_synthetic(spec, loss, 3), loss, 0.05, kernels::Device::REFERENCE);
  Rng rng = make_rng(11, 0, 0, Purpose::INIT);
  boost::random::normal_distribution<double> normal;
  std::vector<double> x(7);
  for (double& v : x) v = normal(rng);
  const std::vector<std::int64_t> rows = {0, 5, 5, 17, 42, 59, 33};
  const auto set = kernels::SampleSet::list(rows);
  std::vector<double> g(7), unused;
  p.loss_grad(set, x, g);
  const double h = 1e-6;
  for (std::size_t i = 0; i < x.size(); ++i) {
    auto plus = x, minus = x;
    plus[i] += h;
    minus[i] -= h;
    const double fd = (p.loss_grad(set, plus, unused) - p.loss_grad(set, minus, unused)) / (2 * h);
    CHECK(g[i] == doctest::Approx(fd).epsilon(1e-6));
  }
}

}  // namespace

TEST_CASE("logistic gradient matches central finite differences (dense)") {
  check_finite_differences(kernels::Loss::LOGISTIC, 1.0);
}
TEST_CASE("logistic gradient matches central finite differences (sparse)") {
  check_finite_differences(kernels::Loss::LOGISTIC, 0.4);
}
TEST_CASE("least-squares gradient matches central finite differences (dense)") {
  check_finite_differences(kernels::Loss::LEAST_SQUARES, 1.0);
}
TEST_CASE("least-squares gradient matches central finite differences (sparse)") {
  check_finite_differences(kernels::Loss::LEAST_SQUARES, 0.4);
}

TEST_CASE("full loss is the mean over all rows plus l2/2 |x|^2: logistic at x = 0 is log 2") {
  SyntheticData spec;
  spec.samples = 40;
  spec.features = 3;
  const Problem p(generate_synthetic(spec, kernels::Loss::LOGISTIC, 1), kernels::Loss::LOGISTIC, 0.5);
  CHECK(p.full_loss(std::vector<double>(3, 0.0)) == doctest::Approx(std::log(2.0)).epsilon(1e-15));
  // l2/2·|x|² adds 0.5/2·3 = 0.75 at x = (1,1,1) on top of the data term, which is positive.
  CHECK(p.full_loss(std::vector<double>(3, 1.0)) > 0.75);
}
