// Engines and helpers: device names, engine selection, axpy / scale / average, CUDA absent or unavailable.
#include <doctest/doctest.h>

#include <vector>

#include "sgdsim/error.hpp"
#include "sgdsim/kernels/kernels.hpp"

namespace {

using namespace sgdsim;
using namespace sgdsim::kernels;

TEST_CASE("device names parse and print back, unknown names are config errors") {
  for (const auto d : {Device::REFERENCE, Device::CPU, Device::CUDA}) CHECK(parse_device(device_name(d)) == d);
  CHECK(std::string(device_name(Device::CPU)) == "cpu");
  CHECK_THROWS_AS(parse_device("gpu"), ConfigError);
}

TEST_CASE("reference and cpu engines give the free functions' results") {
  // A = [[1, 2], [3, -1]], least squares, b = (1, 0), x = (0.5, 0.25), l2 = 0.1: f = 0.40625, ∇f = (1.925, −0.6).
  const std::vector<double> a = {1, 2, 3, -1};
  const std::vector<double> b = {1, 0};
  const std::vector<double> x = {0.5, 0.25};
  const Data<double> data{Dense<double>{a.data(), 2, 2}, b.data()};
  for (const auto device : {Device::REFERENCE, Device::CPU}) {
    const auto engine = make_engine(device, Loss::LEAST_SQUARES, 0.1, data);
    CHECK(engine->device() == device);
    std::vector<double> g(2);
    CHECK(engine->loss_grad(SampleSet::range(0, 2), x, g) == doctest::Approx(0.40625).epsilon(1e-15));
    CHECK(g[0] == doctest::Approx(1.925).epsilon(1e-15));
    CHECK(g[1] == doctest::Approx(-0.6).epsilon(1e-15));
  }
}

TEST_CASE("cuda engine throws NotCompiled without CUDA and CudaError without a device") {
  const std::vector<double> a = {1};
  const std::vector<double> b = {1};
  const Data<double> data{Dense<double>{a.data(), 1, 1}, b.data()};
  if (!cuda_compiled()) {
    CHECK_FALSE(cuda_device_available());
    CHECK_THROWS_AS(make_engine(Device::CUDA, Loss::LOGISTIC, 0.0, data), NotCompiled);
  } else if (!cuda_device_available()) {
    CHECK_THROWS_AS(make_engine(Device::CUDA, Loss::LOGISTIC, 0.0, data), CudaError);
  } else {
    CHECK(make_engine(Device::CUDA, Loss::LOGISTIC, 0.0, data)->device() == Device::CUDA);
  }
}

TEST_CASE("axpy, scale and average compute y + a x, a x and the mean") {
  std::vector<double> y = {1, 2, 3};
  const std::vector<double> x = {1, -1, 0.5};
  axpy(2.0, x, y);
  CHECK(y == std::vector<double>{3, 0, 4});
  scale(-0.5, y);
  CHECK(y == std::vector<double>{-1.5, 0, -2});
  CHECK_THROWS_AS(axpy(1.0, x, std::span<double>(y).first(2)), ConfigError);

  std::vector<double> m1 = {1, 2, 3};
  const std::vector<double> m2 = {3, 4, 5};
  const std::vector<double> m3 = {5, 0, 1};
  const std::vector<std::span<const double>> models = {m1, m2, m3};
  average(models, m1);  // the output aliases the first input
  CHECK(m1 == std::vector<double>{3, 2, 3});
}

}  // namespace
