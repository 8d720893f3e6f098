// CUDA gradient kernels of linear models: data resident on the device, one read of the sampled rows per pass.
//
// Dense rows with cols ≤ 32·K_MAX: one warp per row, the row held in registers (lane l holds columns l, l+32, ...),
// so the dot product, the derivative and the gradient update all use the single read of the row; each warp keeps its
// gradient contribution in registers, the warps of a block add theirs into shared memory in warp order, each block
// writes one partial gradient, and a second kernel sums the partials in block order (deterministic, no atomics).
// Wider dense rows and CSR rows: one warp per row, gradient updates by double atomics into one global vector.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "cuda_api.hpp"
#include "sgdsim/error.hpp"

// Every CUDA runtime call goes through this check.
#define SGDSIM_CUDA_CHECK(call)                                                                              \
  do {                                                                                                       \
    const cudaError_t sgdsim_err_ = (call);                                                                  \
    if (sgdsim_err_ != cudaSuccess) {                                                                        \
      SGDSIM_THROW(::sgdsim::CudaError, std::string(#call) + " failed: " + cudaGetErrorString(sgdsim_err_)); \
    }                                                                                                        \
  } while (0)

namespace sgdsim::kernels::cuda_api {

namespace {

constexpr int THREADS = 256;
constexpr int WARPS = THREADS / 32;
constexpr unsigned FULL_MASK = 0xffffffffu;

template <class T>
constexpr int k_max() {
  return sizeof(T) == 4 ? 64 : 32;  // registers per lane for the row: 64 floats or 32 doubles
}

// ℓ(z, b) and dℓ/dz, the same stable forms as the CPU kernels (see kernels/src/common.hpp).
__device__ double sample_loss(int loss, double z, double b, double& deriv) {
  if (loss == LOSS_LOGISTIC) {
    const double m = b * z;
    const double e = exp(-fabs(m));
    const double sigma_neg = m >= 0.0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
    deriv = -b * sigma_neg;
    return (m >= 0.0 ? 0.0 : -m) + log1p(e);
  }
  const double r = z - b;
  deriv = r;
  return 0.5 * r * r;
}

template <class T>
__device__ T warp_sum(T v) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(FULL_MASK, v, offset);
  return v;
}

// Sums the lane-0 loss of every warp of the block in warp order into loss_partial[blockIdx.x].
__device__ void write_block_loss(double warp_loss, double* loss_partial) {
  __shared__ double per_warp[WARPS];
  if ((threadIdx.x & 31) == 0) per_warp[threadIdx.x >> 5] = warp_loss;
  __syncthreads();
  if (threadIdx.x == 0) {
    double s = 0.0;
    for (int w = 0; w < WARPS; ++w) s += per_warp[w];
    loss_partial[blockIdx.x] = s;
  }
}

__device__ std::int64_t sample_row(std::int64_t begin, const std::int64_t* index, std::int64_t p) {
  return index != nullptr ? index[p] : begin + p;
}

struct Pass {
  std::int64_t begin;
  const std::int64_t* index;
  std::int64_t count;
  int loss;
  int want_grad;
};

template <class T, int K>
__global__ void __launch_bounds__(THREADS)
    dense_registers(const T* __restrict__ a, const T* __restrict__ labels, std::int64_t d, Pass pass,
                    const T* __restrict__ x, double* __restrict__ partial, double* __restrict__ loss_partial) {
  extern __shared__ double shared[];
  double* block_grad = shared;               // d doubles
  T* xs = reinterpret_cast<T*>(shared + d);  // d values of x
  for (std::int64_t j = threadIdx.x; j < d; j += THREADS) {
    block_grad[j] = 0.0;
    xs[j] = x[j];
  }
  __syncthreads();
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  T acc[K];
#pragma unroll
  for (int k = 0; k < K; ++k) acc[k] = T(0);
  double loss_sum = 0.0;
  const std::int64_t stride = std::int64_t(gridDim.x) * WARPS;
  for (std::int64_t p = std::int64_t(blockIdx.x) * WARPS + warp; p < pass.count; p += stride) {
    const std::int64_t r = sample_row(pass.begin, pass.index, p);
    const T* row = a + r * d;
    T v[K];
#pragma unroll
    for (int k = 0; k < K; ++k) {
      const std::int64_t c = lane + 32 * k;
      v[k] = c < d ? __ldcs(row + c) : T(0);  // streaming load: the row is not read again from memory
    }
    T s = T(0);
#pragma unroll
    for (int k = 0; k < K; ++k) {
      const std::int64_t c = lane + 32 * k;
      if (c < d) s += v[k] * xs[c];
    }
    s = warp_sum(s);
    double deriv = 0.0;
    loss_sum += sample_loss(pass.loss, double(s), double(labels[r]), deriv);
    const T w = T(deriv);
#pragma unroll
    for (int k = 0; k < K; ++k) acc[k] += w * v[k];
  }
  if (pass.want_grad) {
    for (int w = 0; w < WARPS; ++w) {
      if (warp == w) {
#pragma unroll
        for (int k = 0; k < K; ++k) {
          const std::int64_t c = lane + 32 * k;
          if (c < d) block_grad[c] += double(acc[k]);
        }
      }
      __syncthreads();
    }
    for (std::int64_t j = threadIdx.x; j < d; j += THREADS) partial[std::int64_t(blockIdx.x) * d + j] = block_grad[j];
  }
  write_block_loss(loss_sum, loss_partial);
}

template <class T>
__global__ void __launch_bounds__(THREADS)
    dense_wide(const T* __restrict__ a, const T* __restrict__ labels, std::int64_t d, Pass pass,
               const T* __restrict__ x, double* __restrict__ grad_sum, double* __restrict__ loss_partial) {
  const int lane = threadIdx.x & 31;
  double loss_sum = 0.0;
  const std::int64_t stride = std::int64_t(gridDim.x) * WARPS;
  for (std::int64_t p = std::int64_t(blockIdx.x) * WARPS + (threadIdx.x >> 5); p < pass.count; p += stride) {
    const std::int64_t r = sample_row(pass.begin, pass.index, p);
    const T* row = a + r * d;
    T s = T(0);
    for (std::int64_t c = lane; c < d; c += 32) s += row[c] * x[c];
    s = warp_sum(s);
    double deriv = 0.0;
    loss_sum += sample_loss(pass.loss, double(s), double(labels[r]), deriv);
    if (pass.want_grad) {
      for (std::int64_t c = lane; c < d; c += 32) atomicAdd(grad_sum + c, deriv * double(row[c]));
    }
  }
  write_block_loss(loss_sum, loss_partial);
}

template <class T>
__global__ void __launch_bounds__(THREADS)
    csr_rows(const std::int64_t* __restrict__ row_ptr, const std::int32_t* __restrict__ col_index,
             const T* __restrict__ values, const T* __restrict__ labels, Pass pass, const T* __restrict__ x,
             double* __restrict__ grad_sum, double* __restrict__ loss_partial) {
  const int lane = threadIdx.x & 31;
  double loss_sum = 0.0;
  const std::int64_t stride = std::int64_t(gridDim.x) * WARPS;
  for (std::int64_t p = std::int64_t(blockIdx.x) * WARPS + (threadIdx.x >> 5); p < pass.count; p += stride) {
    const std::int64_t r = sample_row(pass.begin, pass.index, p);
    const std::int64_t k0 = row_ptr[r];
    const std::int64_t k1 = row_ptr[r + 1];
    double s = 0.0;
    for (std::int64_t k = k0 + lane; k < k1; k += 32) s += double(values[k]) * double(x[col_index[k]]);
    s = warp_sum(s);
    double deriv = 0.0;
    loss_sum += sample_loss(pass.loss, s, double(labels[r]), deriv);
    if (pass.want_grad) {
      for (std::int64_t k = k0 + lane; k < k1; k += 32) atomicAdd(grad_sum + col_index[k], deriv * double(values[k]));
    }
  }
  write_block_loss(loss_sum, loss_partial);
}

// out[j] = Σ_b partial[b·d + j], in block order.
__global__ void reduce_columns(const double* __restrict__ partial, int parts, std::int64_t d,
                               double* __restrict__ out) {
  const std::int64_t j = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (j >= d) return;
  double s = 0.0;
  for (int b = 0; b < parts; ++b) s += partial[std::int64_t(b) * d + j];
  out[j] = s;
}

// *out = Σ_b loss_partial[b], one warp, fixed order.
__global__ void reduce_loss(const double* __restrict__ loss_partial, int parts, double* __restrict__ out) {
  double s = 0.0;
  for (int b = int(threadIdx.x); b < parts; b += 32) s += loss_partial[b];
  s = warp_sum(s);
  if (threadIdx.x == 0) *out = s;
}

template <class T>
using DenseKernel = void (*)(const T*, const T*, std::int64_t, Pass, const T*, double*, double*);

template <class T>
DenseKernel<T> pick_registers(std::int64_t d) {
  if (d <= 32) return dense_registers<T, 1>;
  if (d <= 64) return dense_registers<T, 2>;
  if (d <= 128) return dense_registers<T, 4>;
  if (d <= 256) return dense_registers<T, 8>;
  if (d <= 512) return dense_registers<T, 16>;
  if (d <= 1024) return dense_registers<T, 32>;
  if constexpr (k_max<T>() >= 64) {
    if (d <= 2048) return dense_registers<T, 64>;
  }
  return nullptr;
}

template <class T>
void free_all(T*& p) noexcept {
  if (p != nullptr) cudaFree(p);
  p = nullptr;
}

int local_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID"}) {
    if (const char* v = std::getenv(name)) return std::atoi(v);
  }
  return 0;
}

}  // namespace

template <class T>
struct DeviceState {
  int device = 0;
  int loss = LOSS_LOGISTIC;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  bool sparse = false;
  T* values = nullptr;
  std::int64_t* row_ptr = nullptr;
  std::int32_t* col_index = nullptr;
  T* labels = nullptr;
  T* x = nullptr;
  std::int64_t* index = nullptr;
  std::int64_t index_capacity = 0;
  double* partial = nullptr;       // grid_max × cols (register kernel) or cols (atomic kernels)
  double* loss_partial = nullptr;  // grid_max
  double* result = nullptr;        // cols gradient sums, then the loss sum
  DenseKernel<T> registers = nullptr;
  std::size_t shared_bytes = 0;
  int grid_max = 1;
};

bool compiled() noexcept { return true; }

bool device_available() noexcept {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no device" error
    return false;
  }
  return n > 0;
}

template <class T>
void release(DeviceState<T>* s) noexcept {
  if (s == nullptr) return;
  cudaSetDevice(s->device);
  free_all(s->values);
  free_all(s->row_ptr);
  free_all(s->col_index);
  free_all(s->labels);
  free_all(s->x);
  free_all(s->index);
  free_all(s->partial);
  free_all(s->loss_partial);
  free_all(s->result);
  delete s;
}

template <class T>
DeviceState<T>* upload(const HostData<T>& data, int loss) {
  int devices = 0;
  SGDSIM_CUDA_CHECK(cudaGetDeviceCount(&devices));
  if (devices <= 0) SGDSIM_THROW(CudaError, "no CUDA device");
  auto* s = new DeviceState<T>{};
  try {
    s->device = local_rank() % devices;  // several ranks per node: spread them over the node's GPUs
    SGDSIM_CUDA_CHECK(cudaSetDevice(s->device));
    s->loss = loss;
    s->rows = data.rows;
    s->cols = data.cols;
    s->sparse = data.row_ptr != nullptr;
    const std::int64_t entries = s->sparse ? data.row_ptr[data.rows] : data.rows * data.cols;
    const std::size_t one = 1;  // cudaMalloc of 0 bytes gives nullptr; keep every buffer non-null
    SGDSIM_CUDA_CHECK(cudaMalloc(&s->values, std::max<std::size_t>(one, sizeof(T) * std::size_t(entries))));
    SGDSIM_CUDA_CHECK(cudaMemcpy(s->values, data.values, sizeof(T) * std::size_t(entries), cudaMemcpyHostToDevice));
    if (s->sparse) {
      SGDSIM_CUDA_CHECK(cudaMalloc(&s->row_ptr, sizeof(std::int64_t) * std::size_t(data.rows + 1)));
      SGDSIM_CUDA_CHECK(cudaMemcpy(s->row_ptr, data.row_ptr, sizeof(std::int64_t) * std::size_t(data.rows + 1),
                                   cudaMemcpyHostToDevice));
      SGDSIM_CUDA_CHECK(
          cudaMalloc(&s->col_index, std::max<std::size_t>(one, sizeof(std::int32_t) * std::size_t(entries))));
      SGDSIM_CUDA_CHECK(cudaMemcpy(s->col_index, data.col_index, sizeof(std::int32_t) * std::size_t(entries),
                                   cudaMemcpyHostToDevice));
    }
    SGDSIM_CUDA_CHECK(cudaMalloc(&s->labels, std::max<std::size_t>(one, sizeof(T) * std::size_t(data.rows))));
    SGDSIM_CUDA_CHECK(cudaMemcpy(s->labels, data.labels, sizeof(T) * std::size_t(data.rows), cudaMemcpyHostToDevice));
    SGDSIM_CUDA_CHECK(cudaMalloc(&s->x, std::max<std::size_t>(one, sizeof(T) * std::size_t(data.cols))));

    int sms = 1;
    SGDSIM_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, s->device));
    int per_sm = 1;
    if (!s->sparse) s->registers = pick_registers<T>(data.cols);
    if (s->registers != nullptr) {
      s->shared_bytes = std::size_t(data.cols) * (sizeof(double) + sizeof(T));
      SGDSIM_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, s->registers, THREADS, s->shared_bytes));
    } else if (s->sparse) {
      SGDSIM_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, csr_rows<T>, THREADS, 0));
    } else {
      SGDSIM_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, dense_wide<T>, THREADS, 0));
    }
    s->grid_max = std::max(1, per_sm) * sms;
    const std::size_t parts = s->registers != nullptr ? std::size_t(s->grid_max) : one;
    SGDSIM_CUDA_CHECK(cudaMalloc(&s->partial, std::max(one, parts * std::size_t(data.cols)) * sizeof(double)));
    SGDSIM_CUDA_CHECK(cudaMalloc(&s->loss_partial, std::size_t(s->grid_max) * sizeof(double)));
    SGDSIM_CUDA_CHECK(cudaMalloc(&s->result, std::size_t(data.cols + 1) * sizeof(double)));
  } catch (...) {
    release(s);
    throw;
  }
  return s;
}

namespace {

// Launches one pass over the rows already described in `pass` (x already on the device); leaves the gradient sums
// and the loss sum in s->result (cols + 1 doubles).
template <class T>
void launch_pass(DeviceState<T>* s, const Pass& pass) {
  const std::int64_t d = s->cols;
  const std::int64_t blocks_needed = (pass.count + WARPS - 1) / WARPS;
  const int grid = int(std::max<std::int64_t>(1, std::min<std::int64_t>(s->grid_max, blocks_needed)));
  int parts = 1;
  if (s->registers != nullptr) {
    s->registers<<<grid, THREADS, s->shared_bytes>>>(s->values, s->labels, d, pass, s->x, s->partial, s->loss_partial);
    parts = grid;
  } else {
    SGDSIM_CUDA_CHECK(cudaMemsetAsync(s->partial, 0, std::size_t(d) * sizeof(double)));
    if (s->sparse) {
      csr_rows<T>
          <<<grid, THREADS>>>(s->row_ptr, s->col_index, s->values, s->labels, pass, s->x, s->partial, s->loss_partial);
    } else {
      dense_wide<T><<<grid, THREADS>>>(s->values, s->labels, d, pass, s->x, s->partial, s->loss_partial);
    }
  }
  SGDSIM_CUDA_CHECK(cudaGetLastError());
  if (pass.want_grad && d > 0) {
    reduce_columns<<<int((d + THREADS - 1) / THREADS), THREADS>>>(s->partial, parts, d, s->result);
    SGDSIM_CUDA_CHECK(cudaGetLastError());
  }
  reduce_loss<<<1, 32>>>(s->loss_partial, grid, s->result + d);
  SGDSIM_CUDA_CHECK(cudaGetLastError());
}

}  // namespace

template <class T>
double sums(DeviceState<T>* s, std::int64_t begin, const std::int64_t* index, std::int64_t count, const T* x,
            double* grad_sum) {
  const std::int64_t d = s->cols;
  if (count == 0) {
    if (grad_sum != nullptr) std::fill_n(grad_sum, d, 0.0);
    return 0.0;
  }
  SGDSIM_CUDA_CHECK(cudaSetDevice(s->device));
  SGDSIM_CUDA_CHECK(cudaMemcpy(s->x, x, sizeof(T) * std::size_t(d), cudaMemcpyHostToDevice));
  const std::int64_t* device_index = nullptr;
  if (index != nullptr) {
    if (count > s->index_capacity) {
      free_all(s->index);
      SGDSIM_CUDA_CHECK(cudaMalloc(&s->index, sizeof(std::int64_t) * std::size_t(count)));
      s->index_capacity = count;
    }
    SGDSIM_CUDA_CHECK(cudaMemcpy(s->index, index, sizeof(std::int64_t) * std::size_t(count), cudaMemcpyHostToDevice));
    device_index = s->index;
  }
  const Pass pass{begin, device_index, count, s->loss, grad_sum != nullptr ? 1 : 0};
  launch_pass(s, pass);
  double loss = 0.0;
  if (grad_sum != nullptr) {
    SGDSIM_CUDA_CHECK(cudaMemcpy(grad_sum, s->result, sizeof(double) * std::size_t(d), cudaMemcpyDeviceToHost));
  }
  SGDSIM_CUDA_CHECK(cudaMemcpy(&loss, s->result + d, sizeof(double), cudaMemcpyDeviceToHost));
  return loss;
}

namespace {

// Seconds per repetition of `work`, timed with events on the default stream after one warm-up run.
template <class F>
double time_events(int repetitions, F work) {
  cudaEvent_t start = nullptr;
  cudaEvent_t stop = nullptr;
  SGDSIM_CUDA_CHECK(cudaEventCreate(&start));
  SGDSIM_CUDA_CHECK(cudaEventCreate(&stop));
  float ms = 0.0f;
  try {
    work();
    SGDSIM_CUDA_CHECK(cudaEventRecord(start));
    for (int i = 0; i < repetitions; ++i) work();
    SGDSIM_CUDA_CHECK(cudaEventRecord(stop));
    SGDSIM_CUDA_CHECK(cudaEventSynchronize(stop));
    SGDSIM_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
  } catch (...) {
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    throw;
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return double(ms) * 1e-3 / double(std::max(1, repetitions));
}

}  // namespace

double time_device_copy(std::int64_t bytes, int repetitions) {
  void* src = nullptr;
  void* dst = nullptr;
  SGDSIM_CUDA_CHECK(cudaMalloc(&src, std::size_t(bytes)));
  const cudaError_t second = cudaMalloc(&dst, std::size_t(bytes));
  if (second != cudaSuccess) {
    cudaFree(src);
    SGDSIM_CUDA_CHECK(second);
  }
  double seconds = 0.0;
  try {
    SGDSIM_CUDA_CHECK(cudaMemset(src, 1, std::size_t(bytes)));
    seconds = time_events(repetitions, [&] {
      SGDSIM_CUDA_CHECK(cudaMemcpyAsync(dst, src, std::size_t(bytes), cudaMemcpyDeviceToDevice));
    });
  } catch (...) {
    cudaFree(src);
    cudaFree(dst);
    throw;
  }
  cudaFree(src);
  cudaFree(dst);
  return seconds;
}

template <class T>
double time_sums(DeviceState<T>* s, std::int64_t count, const T* x, int repetitions) {
  SGDSIM_CUDA_CHECK(cudaSetDevice(s->device));
  SGDSIM_CUDA_CHECK(cudaMemcpy(s->x, x, sizeof(T) * std::size_t(s->cols), cudaMemcpyHostToDevice));
  const Pass pass{0, nullptr, count, s->loss, 1};
  return time_events(repetitions, [&] { launch_pass(s, pass); });
}

template struct DeviceState<float>;
template struct DeviceState<double>;
template DeviceState<float>* upload<float>(const HostData<float>&, int);
template DeviceState<double>* upload<double>(const HostData<double>&, int);
template void release<float>(DeviceState<float>*) noexcept;
template void release<double>(DeviceState<double>*) noexcept;
template double sums<float>(DeviceState<float>*, std::int64_t, const std::int64_t*, std::int64_t, const float*,
                            double*);
template double sums<double>(DeviceState<double>*, std::int64_t, const std::int64_t*, std::int64_t, const double*,
                             double*);
template double time_sums<float>(DeviceState<float>*, std::int64_t, const float*, int);
template double time_sums<double>(DeviceState<double>*, std::int64_t, const double*, int);

}  // namespace sgdsim::kernels::cuda_api
