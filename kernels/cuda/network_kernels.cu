// Networks on a CUDA device: the data resident on the device, every layer of a chunk of rows one cuBLAS GEMM (rows as
// the columns of column-major activation matrices, as on the CPU), small kernels for bias + activation, the softmax
// cross-entropy and the activation derivatives. Sums are in a fixed order (no atomics): deterministic.
#include <cublas_v2.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cuda_common.hpp"
#include "network_api.hpp"

#define SGDSIM_CUBLAS_CHECK(call)                                                                              \
  do {                                                                                                         \
    const cublasStatus_t sgdsim_status_ = (call);                                                              \
    if (sgdsim_status_ != CUBLAS_STATUS_SUCCESS) {                                                             \
      SGDSIM_THROW(::sgdsim::CudaError, std::string(#call) + " failed: " + cublasGetStatusString(sgdsim_status_)); \
    }                                                                                                          \
  } while (0)

namespace sgdsim::kernels::network_api {

namespace {

constexpr std::int64_t CHUNK = 1024;  // rows per chunk, as on the CPU
constexpr int THREADS = 256;

int blocks_for(std::int64_t n) { return int(std::max<std::int64_t>(1, (n + THREADS - 1) / THREADS)); }

// cuBLAS by element type (column-major; alpha and beta on the host).
cublasStatus_t gemm(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, std::int64_t m, std::int64_t n,
                    std::int64_t k, float alpha, const float* a, std::int64_t lda, const float* b, std::int64_t ldb,
                    float beta, float* c, std::int64_t ldc) {
  return cublasSgemm(h, ta, tb, int(m), int(n), int(k), &alpha, a, int(lda), b, int(ldb), &beta, c, int(ldc));
}
cublasStatus_t gemm(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, std::int64_t m, std::int64_t n,
                    std::int64_t k, double alpha, const double* a, std::int64_t lda, const double* b, std::int64_t ldb,
                    double beta, double* c, std::int64_t ldc) {
  return cublasDgemm(h, ta, tb, int(m), int(n), int(k), &alpha, a, int(lda), b, int(ldb), &beta, c, int(ldc));
}
cublasStatus_t gemv(cublasHandle_t h, std::int64_t m, std::int64_t n, float alpha, const float* a, std::int64_t lda,
                    const float* x, float beta, float* y) {
  return cublasSgemv(h, CUBLAS_OP_N, int(m), int(n), &alpha, a, int(lda), x, 1, &beta, y, 1);
}
cublasStatus_t gemv(cublasHandle_t h, std::int64_t m, std::int64_t n, double alpha, const double* a, std::int64_t lda,
                    const double* x, double beta, double* y) {
  return cublasDgemv(h, CUBLAS_OP_N, int(m), int(n), &alpha, a, int(lda), x, 1, &beta, y, 1);
}

__device__ std::int64_t sample_row(std::int64_t begin, const std::int64_t* index, std::int64_t p) {
  return index != nullptr ? index[p] : begin + p;
}

// out (d × b) = the rows index[0..b) of the data, as columns.
template <class T>
__global__ void gather_rows(const T* features, std::int64_t d, const std::int64_t* index, std::int64_t b, T* out) {
  const std::int64_t i = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= d * b) return;
  const std::int64_t j = i / d;
  out[i] = features[index[j] * d + (i - j * d)];
}

// z (out × b) += bias per row; then the activation when `activate`.
template <class T>
__global__ void bias_activation(T* z, const T* bias, std::int64_t out, std::int64_t b, int activation, int activate) {
  const std::int64_t i = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= out * b) return;
  T v = z[i] + bias[i % out];
  if (activate) v = activation == ACTIVATION_RELU ? (v > T(0) ? v : T(0)) : tanh(v);
  z[i] = v;
}

// One thread per row (column j of the logits): its cross-entropy in double, its predicted class (lowest index on
// ties), and when delta is non-null the output error (softmax − e_y)·scale.
template <class T>
__global__ void softmax_cross_entropy(const T* logits, std::int64_t classes, std::int64_t b, const std::int32_t* labels,
                                      std::int64_t begin, const std::int64_t* index, T scale, double* losses,
                                      std::int32_t* predicted, T* delta) {
  const std::int64_t j = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (j >= b) return;
  const T* z = logits + j * classes;
  const std::int32_t y = labels[sample_row(begin, index, j)];
  std::int64_t best = 0;
  for (std::int64_t c = 1; c < classes; ++c) {
    if (z[c] > z[best]) best = c;
  }
  const double top = double(z[best]);
  double sum = 0.0;
  for (std::int64_t c = 0; c < classes; ++c) sum += exp(double(z[c]) - top);
  losses[j] = log(sum) + top - double(z[y]);
  if (predicted != nullptr) predicted[j] = std::int32_t(best);
  if (delta != nullptr) {
    T* e = delta + j * classes;
    for (std::int64_t c = 0; c < classes; ++c) e[c] = T(exp(double(z[c]) - top) / sum) * scale;
    e[y] -= scale;
  }
}

// *total += Σ losses[0..n), by one block in a fixed order (strided partial sums, then a tree).
__global__ void add_sum(const double* losses, std::int64_t n, double* total) {
  __shared__ double part[THREADS];
  double s = 0.0;
  for (std::int64_t i = threadIdx.x; i < n; i += THREADS) s += losses[i];
  part[threadIdx.x] = s;
  __syncthreads();
  for (int half = THREADS / 2; half > 0; half >>= 1) {
    if (int(threadIdx.x) < half) part[threadIdx.x] += part[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0) *total += part[0];
}

// below ⊙= σ'(h), from the activations h: ReLU 1[h > 0], tanh 1 − h².
template <class T>
__global__ void activation_backward(T* below, const T* h, std::int64_t n, int activation) {
  const std::int64_t i = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n) return;
  below[i] = activation == ACTIVATION_RELU ? (h[i] > T(0) ? below[i] : T(0)) : below[i] * (T(1) - h[i] * h[i]);
}

template <class T>
__global__ void fill(T* p, std::int64_t n, T value) {
  const std::int64_t i = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) p[i] = value;
}

template <class T>
void allocate(T*& p, std::int64_t count) {
  SGDSIM_CUDA_CHECK(cudaMalloc(&p, sizeof(T) * std::size_t(std::max<std::int64_t>(1, count))));
}

}  // namespace

template <class T>
struct NetworkState {
  int device = 0;
  cublasHandle_t handle = nullptr;
  std::vector<std::int64_t> widths;
  std::vector<std::int64_t> weight_offset;  // per layer; the biases follow the weights
  int activation = ACTIVATION_RELU;
  std::int64_t rows = 0;
  std::int64_t parameters = 0;
  T* features = nullptr;  // rows × widths[0], row-major: the columns of a widths[0] × rows matrix
  std::int32_t* labels = nullptr;
  T* x = nullptr;
  T* grad = nullptr;
  std::int64_t* index = nullptr;
  std::int32_t* predicted = nullptr;
  std::int64_t capacity = 0;       // entries of index and predicted
  T* input = nullptr;              // widths[0] × CHUNK, gathered rows
  std::vector<T*> hidden;          // layers − 1 buffers of widths[l+1] × CHUNK
  T* logits = nullptr;             // classes × CHUNK
  T* delta = nullptr;              // widest × CHUNK
  T* below = nullptr;              // widest × CHUNK
  T* ones = nullptr;               // CHUNK ones, for the bias gradients
  double* losses = nullptr;        // CHUNK
  double* total = nullptr;         // 1

  int layers() const { return int(widths.size()) - 1; }
};

template <class T>
void release(NetworkState<T>* s) noexcept {
  if (s == nullptr) return;
  cudaSetDevice(s->device);
  if (s->handle != nullptr) cublasDestroy(s->handle);
  for (T*& h : s->hidden) cuda_common::free_all(h);
  cuda_common::free_all(s->features);
  cuda_common::free_all(s->labels);
  cuda_common::free_all(s->x);
  cuda_common::free_all(s->grad);
  cuda_common::free_all(s->index);
  cuda_common::free_all(s->predicted);
  cuda_common::free_all(s->input);
  cuda_common::free_all(s->logits);
  cuda_common::free_all(s->delta);
  cuda_common::free_all(s->below);
  cuda_common::free_all(s->ones);
  cuda_common::free_all(s->losses);
  cuda_common::free_all(s->total);
  delete s;
}

template <class T>
NetworkState<T>* upload(const std::int64_t* widths, int layers, int activation, const T* features,
                        const std::int32_t* labels, std::int64_t rows) {
  int devices = 0;
  SGDSIM_CUDA_CHECK(cudaGetDeviceCount(&devices));
  if (devices <= 0) SGDSIM_THROW(CudaError, "no CUDA device");
  auto* s = new NetworkState<T>{};
  try {
    s->device = cuda_common::local_rank() % devices;
    SGDSIM_CUDA_CHECK(cudaSetDevice(s->device));
    SGDSIM_CUBLAS_CHECK(cublasCreate(&s->handle));
    s->widths.assign(widths, widths + layers + 1);
    s->activation = activation;
    s->rows = rows;
    std::int64_t offset = 0;
    std::int64_t widest = 0;
    for (int l = 0; l < layers; ++l) {
      s->weight_offset.push_back(offset);
      offset += (widths[l] + 1) * widths[l + 1];
      widest = std::max(widest, std::max(widths[l], widths[l + 1]));
    }
    s->parameters = offset;
    const std::int64_t d = widths[0];
    allocate(s->features, rows * d);
    SGDSIM_CUDA_CHECK(cudaMemcpy(s->features, features, sizeof(T) * std::size_t(rows * d), cudaMemcpyHostToDevice));
    allocate(s->labels, rows);
    SGDSIM_CUDA_CHECK(cudaMemcpy(s->labels, labels, sizeof(std::int32_t) * std::size_t(rows), cudaMemcpyHostToDevice));
    allocate(s->x, offset);
    allocate(s->grad, offset);
    allocate(s->input, d * CHUNK);
    s->hidden.assign(std::size_t(layers - 1), nullptr);
    for (int l = 0; l + 1 < layers; ++l) allocate(s->hidden[std::size_t(l)], widths[l + 1] * CHUNK);
    allocate(s->logits, widths[layers] * CHUNK);
    allocate(s->delta, widest * CHUNK);
    allocate(s->below, widest * CHUNK);
    allocate(s->ones, CHUNK);
    fill<T><<<blocks_for(CHUNK), THREADS>>>(s->ones, CHUNK, T(1));
    SGDSIM_CUDA_CHECK(cudaGetLastError());
    allocate(s->losses, CHUNK);
    allocate(s->total, 1);
  } catch (...) {
    release(s);
    throw;
  }
  return s;
}

namespace {

// Forward (and, with want_grad, backward) over rows [0, count) of (begin | index), x already on the device. Leaves
// Σ loss in s->total, the mean gradient in s->grad and, with want_predicted, the classes in s->predicted.
template <class T>
void launch(NetworkState<T>* s, std::int64_t begin, const std::int64_t* index, std::int64_t count, bool want_grad,
            bool want_predicted) {
  const int layers = s->layers();
  const std::int64_t d = s->widths[0];
  const std::int64_t classes = s->widths[std::size_t(layers)];
  const T scale = T(1) / T(count);
  SGDSIM_CUDA_CHECK(cudaMemsetAsync(s->total, 0, sizeof(double)));
  if (want_grad) SGDSIM_CUDA_CHECK(cudaMemsetAsync(s->grad, 0, sizeof(T) * std::size_t(s->parameters)));
  for (std::int64_t c0 = 0; c0 < count; c0 += CHUNK) {
    const std::int64_t b = std::min(CHUNK, count - c0);
    const std::int64_t* chunk_index = index != nullptr ? index + c0 : nullptr;
    const T* h0 = nullptr;
    if (chunk_index != nullptr) {
      gather_rows<T><<<blocks_for(d * b), THREADS>>>(s->features, d, chunk_index, b, s->input);
      h0 = s->input;
    } else {
      h0 = s->features + (begin + c0) * d;
    }
    for (int l = 0; l < layers; ++l) {
      const std::int64_t in = s->widths[std::size_t(l)];
      const std::int64_t out = s->widths[std::size_t(l) + 1];
      const T* w = s->x + s->weight_offset[std::size_t(l)];
      const T* h = l == 0 ? h0 : s->hidden[std::size_t(l) - 1];
      T* z = l + 1 == layers ? s->logits : s->hidden[std::size_t(l)];
      SGDSIM_CUBLAS_CHECK(gemm(s->handle, CUBLAS_OP_N, CUBLAS_OP_N, out, b, in, T(1), w, out, h, in, T(0), z, out));
      bias_activation<T><<<blocks_for(out * b), THREADS>>>(z, w + out * in, out, b, s->activation,
                                                            l + 1 == layers ? 0 : 1);
    }
    softmax_cross_entropy<T><<<blocks_for(b), THREADS>>>(s->logits, classes, b, s->labels, begin + c0, chunk_index,
                                                          scale, s->losses, want_predicted ? s->predicted + c0 : nullptr,
                                                          want_grad ? s->delta : nullptr);
    add_sum<<<1, THREADS>>>(s->losses, b, s->total);
    SGDSIM_CUDA_CHECK(cudaGetLastError());
    if (!want_grad) continue;
    T* delta = s->delta;
    T* below = s->below;
    for (int l = layers - 1; l >= 0; --l) {
      const std::int64_t in = s->widths[std::size_t(l)];
      const std::int64_t out = s->widths[std::size_t(l) + 1];
      const T* w = s->x + s->weight_offset[std::size_t(l)];
      T* gw = s->grad + s->weight_offset[std::size_t(l)];
      const T* h = l == 0 ? h0 : s->hidden[std::size_t(l) - 1];
      SGDSIM_CUBLAS_CHECK(gemm(s->handle, CUBLAS_OP_N, CUBLAS_OP_T, out, in, b, T(1), delta, out, h, in, T(1), gw, out));
      SGDSIM_CUBLAS_CHECK(gemv(s->handle, out, b, T(1), delta, out, s->ones, T(1), gw + out * in));
      if (l == 0) break;
      SGDSIM_CUBLAS_CHECK(gemm(s->handle, CUBLAS_OP_T, CUBLAS_OP_N, in, b, out, T(1), w, out, delta, out, T(0), below, in));
      activation_backward<T><<<blocks_for(in * b), THREADS>>>(below, h, in * b, s->activation);
      SGDSIM_CUDA_CHECK(cudaGetLastError());
      std::swap(delta, below);
    }
  }
}

template <class T>
void ensure_capacity(NetworkState<T>* s, std::int64_t count) {
  if (count <= s->capacity) return;
  cuda_common::free_all(s->index);
  cuda_common::free_all(s->predicted);
  allocate(s->index, count);
  allocate(s->predicted, count);
  s->capacity = count;
}

}  // namespace

template <class T>
double run(NetworkState<T>* s, std::int64_t begin, const std::int64_t* index, std::int64_t count, const T* x, T* grad,
           std::int32_t* predicted) {
  if (count == 0) {
    if (grad != nullptr) std::fill_n(grad, s->parameters, T(0));
    return 0.0;
  }
  SGDSIM_CUDA_CHECK(cudaSetDevice(s->device));
  ensure_capacity(s, count);
  SGDSIM_CUDA_CHECK(cudaMemcpy(s->x, x, sizeof(T) * std::size_t(s->parameters), cudaMemcpyHostToDevice));
  if (index != nullptr) {
    SGDSIM_CUDA_CHECK(
        cudaMemcpy(s->index, index, sizeof(std::int64_t) * std::size_t(count), cudaMemcpyHostToDevice));
  }
  launch(s, begin, index != nullptr ? s->index : nullptr, count, grad != nullptr, predicted != nullptr);
  if (grad != nullptr) {
    SGDSIM_CUDA_CHECK(cudaMemcpy(grad, s->grad, sizeof(T) * std::size_t(s->parameters), cudaMemcpyDeviceToHost));
  }
  if (predicted != nullptr) {
    SGDSIM_CUDA_CHECK(
        cudaMemcpy(predicted, s->predicted, sizeof(std::int32_t) * std::size_t(count), cudaMemcpyDeviceToHost));
  }
  double total = 0.0;
  SGDSIM_CUDA_CHECK(cudaMemcpy(&total, s->total, sizeof(double), cudaMemcpyDeviceToHost));
  return total;
}


template <class T>
double time_gradient(NetworkState<T>* s, std::int64_t count, const T* x, int repetitions) {
  SGDSIM_CUDA_CHECK(cudaSetDevice(s->device));
  count = std::min(count, s->rows);
  ensure_capacity(s, count);
  SGDSIM_CUDA_CHECK(cudaMemcpy(s->x, x, sizeof(T) * std::size_t(s->parameters), cudaMemcpyHostToDevice));
  return cuda_common::time_events(repetitions, [&] { launch(s, 0, nullptr, count, true, false); });
}

template <class T>
double time_gemms(NetworkState<T>* s, std::int64_t count, int repetitions) {
  SGDSIM_CUDA_CHECK(cudaSetDevice(s->device));
  const int layers = s->layers();
  const std::int64_t b = std::min({count, CHUNK, s->rows});
  return cuda_common::time_events(repetitions, [&] {
    for (int l = 0; l < layers; ++l) {
      const std::int64_t in = s->widths[std::size_t(l)];
      const std::int64_t out = s->widths[std::size_t(l) + 1];
      const T* h = l == 0 ? s->features : s->hidden[std::size_t(l) - 1];
      T* z = l + 1 == layers ? s->logits : s->hidden[std::size_t(l)];
      SGDSIM_CUBLAS_CHECK(gemm(s->handle, CUBLAS_OP_N, CUBLAS_OP_N, out, b, in, T(1), s->x + s->weight_offset[l], out,
                               h, in, T(0), z, out));
    }
    for (int l = layers - 1; l >= 0; --l) {
      const std::int64_t in = s->widths[std::size_t(l)];
      const std::int64_t out = s->widths[std::size_t(l) + 1];
      const T* h = l == 0 ? s->features : s->hidden[std::size_t(l) - 1];
      SGDSIM_CUBLAS_CHECK(gemm(s->handle, CUBLAS_OP_N, CUBLAS_OP_T, out, in, b, T(1), s->delta, out, h, in, T(1),
                               s->grad + s->weight_offset[l], out));
      if (l > 0) {
        SGDSIM_CUBLAS_CHECK(gemm(s->handle, CUBLAS_OP_T, CUBLAS_OP_N, in, b, out, T(1), s->x + s->weight_offset[l], out,
                                 s->delta, out, T(0), s->below, in));
      }
    }
  });
}

template struct NetworkState<float>;
template struct NetworkState<double>;
#include "network_api_instances.inc"

}  // namespace sgdsim::kernels::network_api
