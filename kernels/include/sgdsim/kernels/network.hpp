// Dense networks with a softmax cross-entropy output (softmax regression, MLPs): loss, gradient and predicted classes
// over a set of rows at one flat parameter vector, on the CPU (Eigen GEMM) and on a CUDA device (cuBLAS).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "sgdsim/kernels/kernels.hpp"

namespace sgdsim::kernels {

enum class Activation { RELU, TANH };

// widths[0] inputs, widths[1 .. L−1] hidden units, widths[L] classes (≥ 2). Softmax regression is {d, C}.
//
// Parameters, one flat vector: for each layer l = 0 .. L−1 (widths[l] → widths[l+1]) the weights W_l, a
// widths[l+1] × widths[l] column-major block, then the biases b_l (widths[l+1] entries).
struct NetworkShape {
  std::vector<std::int64_t> widths;
  Activation activation = Activation::RELU;

  int layers() const { return static_cast<int>(widths.size()) - 1; }
  std::int64_t parameters() const;
  std::int64_t weight_offset(int layer) const;
  std::int64_t bias_offset(int layer) const { return weight_offset(layer) + widths[layer + 1] * widths[layer]; }
  // ConfigError unless there are ≥ 2 widths, all ≥ 1, and ≥ 2 classes.
  void check() const;
};

// With a_i the i-th row (features) and y_i ∈ {0..C−1} its class (the labels hold class indices), the network is
// h_0 = a_i, h_{l+1} = σ(W_l h_l + b_l) for hidden layers (σ = ReLU or tanh), z = W_{L−1} h_{L−1} + b_{L−1}, and
//   f_S(x) = (1/|S|) Σ_{i∈S} (log Σ_c exp z_c − z_{y_i}) + l2/2 ‖x‖²   (an empty S gives l2/2 ‖x‖², gradient l2·x).
// loss_grad returns f_S(x); when grad is non-empty it receives ∇f_S(x) (parameters() entries), and when predicted is
// non-empty (|S| entries) the predicted class argmax_c z_c of each row (the lowest index on ties).
//
// The rows are processed in chunks (columns of activation matrices), every layer of a chunk by one GEMM; the results
// are deterministic for a given thread count. Dense features only.
namespace cpu {
template <class T>
class Network {
 public:
  Network(const NetworkShape& shape, T l2, const Data<T>& data);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;
  T loss_grad(SampleSet rows, std::span<const T> x, std::span<T> grad, std::span<std::int32_t> predicted = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};
}  // namespace cpu

namespace cuda {
// The same on a CUDA device with cuBLAS: the data is copied to the device once at construction (on device
// local_rank % device_count); a call uploads x and the index list and downloads the gradient and predictions.
// Throws NotCompiled in a build without CUDA, CudaError when no device is usable.
template <class T>
class ResidentNetwork {
 public:
  ResidentNetwork(const NetworkShape& shape, T l2, const Data<T>& data);
  ~ResidentNetwork();
  ResidentNetwork(const ResidentNetwork&) = delete;
  ResidentNetwork& operator=(const ResidentNetwork&) = delete;
  T loss_grad(SampleSet rows, std::span<const T> x, std::span<T> grad, std::span<std::int32_t> predicted = {});

  // Benchmarks: device seconds per gradient over rows [0, count) (x uploaded before timing), and per run of the
  // same GEMMs by cuBLAS alone (the forward and backward products of one such gradient, on scratch buffers).
  double time_gradient(std::int64_t count, std::span<const T> x, int repetitions);
  double time_gemms(std::int64_t count, int repetitions);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};
}  // namespace cuda

// A network bound to one data set (double), on the device the scenario chose. Device::REFERENCE runs the CPU code:
// the finite-difference gradient checks are the networks' ground truth.
class NetworkEngine {
 public:
  virtual ~NetworkEngine() = default;
  virtual double loss_grad(SampleSet rows, std::span<const double> x, std::span<double> grad,
                           std::span<std::int32_t> predicted) = 0;
  virtual Device device() const = 0;
};

// The data must outlive the engine. Throws NotCompiled / CudaError for Device::CUDA as make_engine does.
std::unique_ptr<NetworkEngine> make_network_engine(Device device, const NetworkShape& shape, double l2,
                                                   const Data<double>& data);

}  // namespace sgdsim::kernels
