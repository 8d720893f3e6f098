// Engines (a kernel implementation bound to one data set), device selection, and the model update helpers.
#include <string>

#include "sgdsim/error.hpp"
#include "sgdsim/kernels/kernels.hpp"
#include "sgdsim/kernels/network.hpp"

namespace sgdsim::kernels {

namespace {

// The data stays in host memory; D picks the reference loop or the optimized CPU kernel.
template <Device D>
class HostEngine final : public Engine {
 public:
  HostEngine(Loss loss, double l2, const Data<double>& data) : loss_(loss), l2_(l2), data_(data) {}
  double loss_grad(SampleSet rows, std::span<const double> x, std::span<double> grad) override {
    if constexpr (D == Device::REFERENCE) {
      return reference::loss_grad(loss_, data_, rows, x, l2_, grad);
    } else {
      return cpu::loss_grad(loss_, data_, rows, x, l2_, grad);
    }
  }
  Device device() const override { return D; }

 private:
  Loss loss_;
  double l2_;
  Data<double> data_;
};

// The data lives on the device from construction on; each call moves only x, the index list and the gradient.
class CudaEngine final : public Engine {
 public:
  CudaEngine(Loss loss, double l2, const Data<double>& data) : resident_(loss, l2, data) {}
  double loss_grad(SampleSet rows, std::span<const double> x, std::span<double> grad) override {
    return resident_.loss_grad(rows, x, grad);
  }
  Device device() const override { return Device::CUDA; }

 private:
  cuda::Resident<double> resident_;
};

// Networks: the host engine serves Device::REFERENCE and Device::CPU alike (one Eigen implementation).
class HostNetworkEngine final : public NetworkEngine {
 public:
  HostNetworkEngine(Device device, const NetworkShape& shape, double l2, const Data<double>& data)
      : device_(device), network_(shape, l2, data) {}
  double loss_grad(SampleSet rows, std::span<const double> x, std::span<double> grad,
                   std::span<std::int32_t> predicted) override {
    return network_.loss_grad(rows, x, grad, predicted);
  }
  Device device() const override { return device_; }

 private:
  Device device_;
  cpu::Network<double> network_;
};

class CudaNetworkEngine final : public NetworkEngine {
 public:
  CudaNetworkEngine(const NetworkShape& shape, double l2, const Data<double>& data) : network_(shape, l2, data) {}
  double loss_grad(SampleSet rows, std::span<const double> x, std::span<double> grad,
                   std::span<std::int32_t> predicted) override {
    return network_.loss_grad(rows, x, grad, predicted);
  }
  Device device() const override { return Device::CUDA; }

 private:
  cuda::ResidentNetwork<double> network_;
};

// Say which setting asked for the GPU: the CUDA runtime's own message does not.
void check_cuda_usable() {
  if (!cuda_compiled())
    SGDSIM_THROW(NotCompiled, "device \"cuda\" (cluster.compute.device): this build has no CUDA kernels "
                              "(configure with nvcc available, SGDSIM_WITH_CUDA=ON)");
  if (!cuda_device_available())
    SGDSIM_THROW(CudaError, "device \"cuda\" (cluster.compute.device): no usable CUDA device on this machine; "
                            "use \"cpu\" or run where a GPU and its driver are present");
}

void check_same_size(std::size_t a, std::size_t b, const char* what) {
  if (a != b) {
    SGDSIM_THROW(ConfigError,
                 std::string(what) + ": sizes differ (" + std::to_string(a) + " vs " + std::to_string(b) + ")");
  }
}

}  // namespace

std::unique_ptr<Engine> make_engine(Device device, Loss loss, double l2, const Data<double>& data) {
  switch (device) {
    case Device::REFERENCE:
      return std::make_unique<HostEngine<Device::REFERENCE>>(loss, l2, data);
    case Device::CPU:
      return std::make_unique<HostEngine<Device::CPU>>(loss, l2, data);
    case Device::CUDA:
      check_cuda_usable();
      return std::make_unique<CudaEngine>(loss, l2, data);
  }
  SGDSIM_THROW(ConfigError, "make_engine: unknown device");
}

std::unique_ptr<NetworkEngine> make_network_engine(Device device, const NetworkShape& shape, double l2,
                                                   const Data<double>& data) {
  if (device != Device::CUDA) return std::make_unique<HostNetworkEngine>(device, shape, l2, data);
  check_cuda_usable();
  return std::make_unique<CudaNetworkEngine>(shape, l2, data);
}

void axpy(double a, std::span<const double> x, std::span<double> y) {
  check_same_size(x.size(), y.size(), "axpy");
  for (std::size_t i = 0; i < x.size(); ++i) y[i] += a * x[i];
}

void scale(double a, std::span<double> x) {
  for (double& v : x) v *= a;
}

void average(std::span<const std::span<const double>> inputs, std::span<double> out) {
  if (inputs.empty()) SGDSIM_THROW(ConfigError, "average: no inputs");
  for (const auto& in : inputs) check_same_size(in.size(), out.size(), "average");
  const double inv = 1.0 / double(inputs.size());
  // Column by column, so that out may alias an input: each entry is read from every input before it is written.
  for (std::size_t j = 0; j < out.size(); ++j) {
    double s = 0.0;
    for (const auto& in : inputs) s += in[j];
    out[j] = s * inv;
  }
}

Device parse_device(const std::string& name) {
  if (name == "reference") return Device::REFERENCE;
  if (name == "cpu") return Device::CPU;
  if (name == "cuda") return Device::CUDA;
  SGDSIM_THROW(ConfigError, "device: expected \"reference\", \"cpu\" or \"cuda\", got \"" + name + "\"");
}

const char* device_name(Device device) {
  switch (device) {
    case Device::REFERENCE:
      return "reference";
    case Device::CPU:
      return "cpu";
    case Device::CUDA:
      return "cuda";
  }
  return "unknown";
}

}  // namespace sgdsim::kernels
