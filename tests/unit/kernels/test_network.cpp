// Networks on the CPU: gradients against central finite differences, hand-computed values at x = 0, chunking,
// predictions, float against double, argument errors.
#include <doctest/doctest.h>

#include <cmath>

#include "network_cases.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;
using kernels::Activation;
using kernels::SampleSet;

namespace {

// ∇f_S(x) against (f_S(x + h e_i) − f_S(x − h e_i)) / 2h for every parameter, on an index list with a duplicate.
void check_finite_differences(const kernels::NetworkShape& shape, double l2) {
  const auto data = test::random_classes<double>(40, shape.widths.front(), shape.widths.back(), 5);
  kernels::cpu::Network<double> net(shape, l2, data.view());
  auto x = test::random_parameters<double>(shape, 9);
  // Non-zero biases, so that their gradient is tested away from the symmetric point.
  for (int l = 0; l < shape.layers(); ++l) x[std::size_t(shape.bias_offset(l))] = 0.3;
  const std::vector<std::int64_t> rows = {0, 3, 3, 17, 39, 22, 8};
  const auto set = SampleSet::list(rows);
  std::vector<double> g(x.size());
  net.loss_grad(set, x, g);
  const double h = 1e-6;
  for (std::size_t i = 0; i < x.size(); ++i) {
    auto plus = x, minus = x;
    plus[i] += h;
    minus[i] -= h;
    const double fd = (net.loss_grad(set, plus, {}) - net.loss_grad(set, minus, {})) / (2 * h);
    CHECK(g[i] == doctest::Approx(fd).epsilon(1e-6).scale(1e-6));
  }
}

}  // namespace

TEST_CASE("network parameter layout: weights column-major then biases, layer by layer") {
  const auto shape = test::shape_of({4, 3, 2}, Activation::RELU);
  CHECK(shape.parameters() == 4 * 3 + 3 + 3 * 2 + 2);
  CHECK(shape.weight_offset(1) == 15);
  CHECK(shape.bias_offset(0) == 12);
  CHECK(shape.bias_offset(1) == 21);
}

TEST_CASE("softmax regression gradient matches central finite differences") {
  check_finite_differences(test::shape_of({6, 4}, Activation::RELU), 0.05);
}
TEST_CASE("ReLU MLP gradient matches central finite differences") {
  check_finite_differences(test::shape_of({6, 5, 4, 3}, Activation::RELU), 0.01);
}
TEST_CASE("tanh MLP gradient matches central finite differences") {
  check_finite_differences(test::shape_of({6, 5, 3}, Activation::TANH), 0.0);
}

TEST_CASE("at x = 0 the loss is log C, the bias gradient mean(1/C - e_y), and every prediction class 0") {
  const auto shape = test::shape_of({3, 4}, Activation::RELU);
  test::ClassData<double> data;
  data.rows = 3;
  data.cols = 3;
  data.values = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  data.labels = {0, 2, 2};
  kernels::cpu::Network<double> net(shape, 0.5, data.view());
  std::vector<double> x(std::size_t(shape.parameters()), 0.0), g(x.size());
  std::vector<std::int32_t> predicted(3, -1);
  const double f = net.loss_grad(SampleSet::range(0, 3), x, g, predicted);
  CHECK(f == doctest::Approx(std::log(4.0)));
  const auto b = std::size_t(shape.bias_offset(0));
  CHECK(g[b + 0] == doctest::Approx(0.25 - 1.0 / 3));
  CHECK(g[b + 1] == doctest::Approx(0.25));
  CHECK(g[b + 2] == doctest::Approx(0.25 - 2.0 / 3));
  CHECK(g[b + 3] == doctest::Approx(0.25));
  // Weight (class 2, feature 0): mean over rows of (1/4 − [y = 2]) · a_0 = (0.25·1 − 0.75·4 − 0.75·7)/3.
  CHECK(g[0 * 4 + 2] == doctest::Approx((0.25 * 1 - 0.75 * 4 - 0.75 * 7) / 3));
  CHECK(predicted == std::vector<std::int32_t>{0, 0, 0});
}

TEST_CASE("an empty row set gives l2/2 |x|^2 and the gradient l2 x") {
  const auto shape = test::shape_of({3, 2, 2}, Activation::TANH);
  const auto data = test::random_classes<double>(5, 3, 2, 1);
  kernels::cpu::Network<double> net(shape, 0.5, data.view());
  std::vector<double> x(std::size_t(shape.parameters()), 2.0), g(x.size());
  CHECK(net.loss_grad(SampleSet::range(2, 2), x, g) == doctest::Approx(0.25 * 4.0 * double(x.size())));
  for (const double v : g) CHECK(v == doctest::Approx(1.0));
}

TEST_CASE("rows beyond one chunk: the mean over 1500 rows is the weighted mean of two calls") {
  const auto shape = test::shape_of({5, 4, 3}, Activation::RELU);
  const auto data = test::random_classes<double>(1500, 5, 3, 2);
  kernels::cpu::Network<double> net(shape, 0.0, data.view());
  const auto x = test::random_parameters<double>(shape, 4);
  std::vector<double> all(x.size()), first(x.size()), second(x.size());
  std::vector<std::int32_t> predicted(1500), p1(1000), p2(500);
  const double f = net.loss_grad(SampleSet::range(0, 1500), x, all, predicted);
  const double f1 = net.loss_grad(SampleSet::range(0, 1000), x, first, p1);
  const double f2 = net.loss_grad(SampleSet::range(1000, 1500), x, second, p2);
  CHECK(f == doctest::Approx((1000 * f1 + 500 * f2) / 1500).epsilon(1e-12));
  for (std::size_t i = 0; i < x.size(); ++i) {
    CHECK(all[i] == doctest::Approx((1000 * first[i] + 500 * second[i]) / 1500).epsilon(1e-10).scale(1e-12));
  }
  for (std::size_t i = 0; i < 1000; ++i) CHECK(predicted[i] == p1[i]);
  for (std::size_t i = 0; i < 500; ++i) CHECK(predicted[1000 + i] == p2[i]);
}

TEST_CASE("an index list gives what the same rows as a range give") {
  const auto shape = test::shape_of({5, 4, 3}, Activation::TANH);
  const auto data = test::random_classes<double>(30, 5, 3, 8);
  kernels::cpu::Network<double> net(shape, 0.1, data.view());
  const auto x = test::random_parameters<double>(shape, 3);
  std::vector<std::int64_t> rows;
  for (std::int64_t r = 10; r < 20; ++r) rows.push_back(r);
  std::vector<double> g_list(x.size()), g_range(x.size());
  const double f_list = net.loss_grad(SampleSet::list(rows), x, g_list);
  const double f_range = net.loss_grad(SampleSet::range(10, 20), x, g_range);
  CHECK(f_list == f_range);
  CHECK(g_list == g_range);
}

TEST_CASE("float networks agree with double to float precision") {
  const auto shape = test::shape_of({8, 6, 3}, Activation::RELU);
  const auto dd = test::random_classes<double>(50, 8, 3, 6);
  test::ClassData<float> fd;
  fd.rows = dd.rows;
  fd.cols = dd.cols;
  fd.values.assign(dd.values.begin(), dd.values.end());
  fd.labels.assign(dd.labels.begin(), dd.labels.end());
  const auto xd = test::random_parameters<double>(shape, 7);
  const std::vector<float> xf(xd.begin(), xd.end());
  kernels::cpu::Network<double> nd(shape, 0.01, dd.view());
  kernels::cpu::Network<float> nf(shape, 0.01f, fd.view());
  std::vector<double> gd(xd.size());
  std::vector<float> gf(xd.size());
  const double f_double = nd.loss_grad(SampleSet::range(0, 50), xd, gd);
  const float f_float = nf.loss_grad(SampleSet::range(0, 50), xf, gf);
  CHECK(double(f_float) == doctest::Approx(f_double).epsilon(1e-5));
  for (std::size_t i = 0; i < gd.size(); ++i) CHECK(double(gf[i]) == doctest::Approx(gd[i]).epsilon(1e-4).scale(1e-5));
}

TEST_CASE("network arguments are checked") {
  const auto shape = test::shape_of({3, 2}, Activation::RELU);
  auto data = test::random_classes<double>(4, 3, 2, 1);
  kernels::cpu::Network<double> net(shape, 0.0, data.view());
  std::vector<double> x(std::size_t(shape.parameters())), short_x(3), g(x.size());
  CHECK_THROWS_AS(net.loss_grad(SampleSet::range(0, 4), short_x, {}), ConfigError);
  CHECK_THROWS_AS(net.loss_grad(SampleSet::range(0, 5), x, g), ConfigError);
  std::vector<std::int32_t> wrong(2);
  CHECK_THROWS_AS(net.loss_grad(SampleSet::range(0, 4), x, g, wrong), ConfigError);
  CHECK_THROWS_AS(kernels::cpu::Network<double>(test::shape_of({4, 2}, Activation::RELU), 0.0, data.view()),
                  ConfigError);
  CHECK_THROWS_AS(kernels::cpu::Network<double>(test::shape_of({3, 1}, Activation::RELU), 0.0, data.view()),
                  ConfigError);
  data.labels[2] = 2;  // not a class of a 2-class network
  CHECK_THROWS_AS(kernels::cpu::Network<double>(shape, 0.0, data.view()), DataError);
}
