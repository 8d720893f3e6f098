// Gradient kernels of linear models behind one API: reference (ground truth), optimized CPU, CUDA.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <variant>

namespace sgdsim::kernels {

enum class Loss { LOGISTIC, LEAST_SQUARES };
enum class Device { REFERENCE, CPU, CUDA };

// Dense row-major matrix (leading dimension = cols). Non-owning.
template <class T>
struct Dense {
  const T* values = nullptr;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
};

// CSR sparse matrix (row_ptr has rows + 1 entries). Non-owning.
template <class T>
struct Csr {
  const std::int64_t* row_ptr = nullptr;
  const std::int32_t* col_index = nullptr;
  const T* values = nullptr;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
};

template <class T>
using Matrix = std::variant<Dense<T>, Csr<T>>;

// The rows a loss/gradient is taken over: a contiguous range [begin, end) or an index list (duplicates allowed).
struct SampleSet {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  std::span<const std::int64_t> index;
  bool is_list = false;

  static SampleSet range(std::int64_t b, std::int64_t e) { return {b, e, {}, false}; }
  static SampleSet list(std::span<const std::int64_t> idx) { return {0, 0, idx, true}; }
  std::int64_t size() const { return is_list ? static_cast<std::int64_t>(index.size()) : end - begin; }
  std::int64_t row(std::int64_t i) const { return is_list ? index[static_cast<std::size_t>(i)] : begin + i; }
};

// A data set as the kernels see it: features and labels (logistic labels are ±1). Non-owning.
template <class T>
struct Data {
  Matrix<T> features;
  const T* labels = nullptr;
  std::int64_t rows() const {
    return std::visit([](const auto& m) { return m.rows; }, features);
  }
  std::int64_t cols() const {
    return std::visit([](const auto& m) { return m.cols; }, features);
  }
};

// f_S(x) = (1/|S|) Σ_{i∈S} ℓ(a_iᵀx, b_i) + l2/2 ‖x‖², with ℓ the logistic loss log(1 + exp(−b z)) or ½(z − b)².
// An empty S gives l2/2 ‖x‖² and the gradient l2·x.
//
// loss_grad returns f_S(x) and, when grad is non-empty, writes ∇f_S(x) into it (size cols).
namespace reference {
template <class T>
T loss_grad(Loss loss, const Data<T>& data, SampleSet rows, std::span<const T> x, T l2, std::span<T> grad);
}
namespace cpu {
// Fused single pass over the rows (X read once), blocked, OpenMP; allocates nothing per call after warm-up.
template <class T>
T loss_grad(Loss loss, const Data<T>& data, SampleSet rows, std::span<const T> x, T l2, std::span<T> grad);
}

namespace cuda {
// Data resident on a CUDA device: copied once at construction (each MPI rank keeps its own copy, on device
// local_rank % device_count); a call uploads x (and the index list) and downloads the gradient. Float and double.
// Throws NotCompiled in a build without CUDA, CudaError when no device is usable.
template <class T>
class Resident {
 public:
  Resident(Loss loss, T l2, const Data<T>& data);
  ~Resident();
  Resident(const Resident&) = delete;
  Resident& operator=(const Resident&) = delete;
  T loss_grad(SampleSet rows, std::span<const T> x, std::span<T> grad);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot form with the same contract as reference::loss_grad (copies the data to the device on every call: tests).
template <class T>
T loss_grad(Loss loss, const Data<T>& data, SampleSet rows, std::span<const T> x, T l2, std::span<T> grad);
}  // namespace cuda

// A gradient engine bound to one data set: the CUDA engine copies the data to the device once at construction.
class Engine {
 public:
  virtual ~Engine() = default;
  virtual double loss_grad(SampleSet rows, std::span<const double> x, std::span<double> grad) = 0;
  virtual Device device() const = 0;
};

// The data must outlive the engine. Throws NotCompiled for Device::CUDA in a build without CUDA.
std::unique_ptr<Engine> make_engine(Device device, Loss loss, double l2, const Data<double>& data);

// Whether CUDA kernels were compiled in, and whether a CUDA device is usable right now.
bool cuda_compiled();
bool cuda_device_available();

// Model update helpers used by the algorithms: y += a·x; out = mean of the given vectors.
void axpy(double a, std::span<const double> x, std::span<double> y);
void scale(double a, std::span<double> x);
// out = (1/n) Σ inputs[i] (n = inputs.size() ≥ 1, all of out's size); out may alias one of the inputs.
void average(std::span<const std::span<const double>> inputs, std::span<double> out);

Device parse_device(const std::string& name);  // "reference" | "cpu" | "cuda"; throws ConfigError otherwise
const char* device_name(Device device);

}  // namespace sgdsim::kernels
