// CUDA gradient kernels of linear models: data resident on the device, one read of the sampled rows per pass.
//
// Dense rows are held in registers between the dot product and the gradient update, so the single read of a row
// serves both, and the next rows are loaded while the current ones are computed (enough bytes in flight to keep HBM
// busy despite the per-row latency of the reduction and the loss):
// - up to 2048 floats / 1024 doubles per row: one warp per group of R rows (lane l holds the 16-byte vectors l,
//   l + 32, … of each row);
// - up to 16384 floats / 8192 doubles: one block per row (thread t holds the vectors t, t + 256, …).
// Each warp (or thread) keeps its gradient contribution in registers; a block writes one partial gradient, and a second
// kernel sums the partials in block order: deterministic, no atomics. Wider dense rows and CSR rows: one warp per row,
// gradient updates by double atomics into one global vector.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cuda_api.hpp"
#include "cuda_common.hpp"

namespace sgdsim::kernels::cuda_api {

namespace {

constexpr int THREADS = 256;
constexpr int WARPS = THREADS / 32;
constexpr unsigned FULL_MASK = 0xffffffffu;

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

// A dense matrix on the device: row r starts at values + r·pitch; pitch ≥ cols is a multiple of VEC<T> (16 bytes),
// and the padding columns hold zeros, so that every row can be read in aligned 16-byte vectors.
template <class T>
struct Matrix {
  const T* values;
  const T* labels;
  std::int64_t cols;
  std::int64_t pitch;
};

template <class T>
constexpr int VEC = 16 / int(sizeof(T));  // values per 16-byte vector
template <class T>
struct Vector;
template <>
struct Vector<float> {
  using type = float4;
};
template <>
struct Vector<double> {
  using type = double2;
};

// The R rows of a group as one thread of `lanes` holds them: v[i][VEC·k + e] is column VEC·(lane + lanes·k) + e of
// row i, b[i] its label, ok[i] whether row i exists (rows past the end of the pass, and vectors past a row, are 0).
template <class T, int K, int R>
struct RowGroup {
  static constexpr int C = K * VEC<T>;  // values per thread and row
  T v[R][C];
  T b[R];
  bool ok[R];
};

// Loads group g (samples g·R … g·R + R − 1). Streaming loads: a row is read once.
template <class T, int K, int R>
__device__ __forceinline__ void load_rows(const Matrix<T>& m, const Pass& pass, std::int64_t g, int lane, int lanes,
                                          RowGroup<T, K, R>& rows) {
  using V = typename Vector<T>::type;
  const int vectors = int((m.cols + VEC<T> - 1) / VEC<T>);
#pragma unroll
  for (int i = 0; i < R; ++i) {
    const std::int64_t p = g * R + i;
    rows.ok[i] = p < pass.count;
    const std::int64_t r = rows.ok[i] ? sample_row(pass.begin, pass.index, p) : 0;
    const V* row = reinterpret_cast<const V*>(m.values + r * m.pitch) + lane;
    rows.b[i] = rows.ok[i] ? __ldg(m.labels + r) : T(0);
#pragma unroll
    for (int k = 0; k < K; ++k) {
      V t{};
      if (rows.ok[i] && lane + lanes * k < vectors) t = __ldcs(row + lanes * k);
      const T* e = reinterpret_cast<const T*>(&t);
#pragma unroll
      for (int j = 0; j < VEC<T>; ++j) rows.v[i][VEC<T> * k + j] = e[j];
    }
  }
}

// Per-thread part of the R dot products a_iᵀx (xs: x in shared memory, zero-padded to lanes·K vectors).
template <class T, int K, int R>
__device__ __forceinline__ void partial_dots(const RowGroup<T, K, R>& rows, const T* xs, int lane, int lanes,
                                             T (&s)[R]) {
  using V = typename Vector<T>::type;
#pragma unroll
  for (int i = 0; i < R; ++i) s[i] = T(0);
#pragma unroll
  for (int k = 0; k < K; ++k) {
    const V t = reinterpret_cast<const V*>(xs)[lane + lanes * k];
    const T* xk = reinterpret_cast<const T*>(&t);
#pragma unroll
    for (int j = 0; j < VEC<T>; ++j) {
#pragma unroll
      for (int i = 0; i < R; ++i) s[i] += rows.v[i][VEC<T> * k + j] * xk[j];
    }
  }
}

// Given the R dot products z (the same in every lane of the warp), lane i < R evaluates the loss of row i and the
// derivatives are broadcast, so a warp pays for one evaluation per group, not one per row. Returns the lane's loss
// (row `lane`'s when lane < R and the row exists, else 0) and adds Σ_i ℓ'(z_i, b_i) v_i to acc.
template <class T, int K, int R>
__device__ __forceinline__ double accumulate(int loss, const RowGroup<T, K, R>& rows, const T (&z)[R], int lane,
                                             T (&acc)[RowGroup<T, K, R>::C]) {
  T zl = z[0];
  T bl = rows.b[0];
  bool okl = rows.ok[0];
#pragma unroll
  for (int i = 1; i < R; ++i) {
    if (lane == i) {
      zl = z[i];
      bl = rows.b[i];
      okl = rows.ok[i];
    }
  }
  double deriv = 0.0;
  const double f = sample_loss(loss, double(zl), double(bl), deriv);
  const bool mine = lane < R && okl;
  const T wl = mine ? T(deriv) : T(0);
  T w[R];
#pragma unroll
  for (int i = 0; i < R; ++i) w[i] = __shfl_sync(FULL_MASK, wl, i);
#pragma unroll
  for (int c = 0; c < RowGroup<T, K, R>::C; ++c) {
#pragma unroll
    for (int i = 0; i < R; ++i) acc[c] += w[i] * rows.v[i][c];
  }
  return mine ? f : 0.0;
}

// Copies x into shared memory, zero-padded to `padded` entries.
template <class T>
__device__ void stage_x(const T* __restrict__ x, std::int64_t d, int padded, T* xs) {
  for (int j = threadIdx.x; j < padded; j += THREADS) xs[j] = j < d ? x[j] : T(0);
}

// Dense rows of d ≤ 32·K·VEC columns: one warp per group of R rows (R = 1 or 2), the rows held in registers, the
// next group loaded while this one is computed (when P). Each warp keeps its gradient contribution in registers
// (acc); at the end the warps of a block add theirs into shared memory in warp order and the block writes one partial
// gradient.
// Shared memory: 32·K vectors of x, then d doubles (block gradient).
template <class T, int K, int R, bool P>
__global__ void __launch_bounds__(THREADS)
    dense_warp_rows(Matrix<T> m, Pass pass, const T* __restrict__ x, double* __restrict__ partial,
                    double* __restrict__ loss_partial) {
  extern __shared__ __align__(16) unsigned char shared[];
  constexpr int C = RowGroup<T, K, R>::C;
  T* xs = reinterpret_cast<T*>(shared);
  double* block_grad = reinterpret_cast<double*>(shared + 32 * C * sizeof(T));
  const std::int64_t d = m.cols;
  for (std::int64_t j = threadIdx.x; j < d; j += THREADS) block_grad[j] = 0.0;
  stage_x(x, d, 32 * C, xs);
  __syncthreads();
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  T acc[C]{};
  double loss_sum = 0.0;
  const std::int64_t groups = (pass.count + R - 1) / R;
  const std::int64_t stride = std::int64_t(gridDim.x) * WARPS;
  std::int64_t g = std::int64_t(blockIdx.x) * WARPS + warp;
  RowGroup<T, K, R> rows;
  if (P) load_rows(m, pass, g, lane, 32, rows);
  for (; g < groups; g += stride) {
    RowGroup<T, K, R> next;
    load_rows(m, pass, P ? g + stride : g, lane, 32, P ? next : rows);
    T z[R];
    partial_dots(rows, xs, lane, 32, z);
#pragma unroll
    for (int i = 0; i < R; ++i) z[i] = warp_sum(z[i]);
    loss_sum += accumulate(pass.loss, rows, z, lane, acc);
    if (P) rows = next;
  }
  if (pass.want_grad) {
    for (int w = 0; w < WARPS; ++w) {
      if (warp == w) {
#pragma unroll
        for (int c = 0; c < C; ++c) {
          const std::int64_t col = std::int64_t(VEC<T>) * (lane + 32 * (c / VEC<T>)) + c % VEC<T>;
          if (col < d) block_grad[col] += double(acc[c]);
        }
      }
      __syncthreads();
    }
    for (std::int64_t j = threadIdx.x; j < d; j += THREADS) partial[std::int64_t(blockIdx.x) * d + j] = block_grad[j];
  }
  write_block_loss(warp_sum(loss_sum), loss_partial);
}

// Dense rows of up to THREADS·K·VEC columns: one block per row (thread t holds the vectors t, t + THREADS, …), the
// next row loaded while this one is computed; the dot product is summed over the block in warp order through shared
// memory. Each thread owns its columns' gradient (acc), so the block writes its partial gradient without atomics.
// Shared memory: THREADS·K vectors of x, then WARPS doubles.
template <class T, int K>
__global__ void __launch_bounds__(THREADS)
    dense_block_rows(Matrix<T> m, Pass pass, const T* __restrict__ x, double* __restrict__ partial,
                     double* __restrict__ loss_partial) {
  extern __shared__ __align__(16) unsigned char shared[];
  constexpr int C = RowGroup<T, K, 1>::C;
  T* xs = reinterpret_cast<T*>(shared);
  double* per_warp = reinterpret_cast<double*>(shared + THREADS * C * sizeof(T));
  const std::int64_t d = m.cols;
  stage_x(x, d, THREADS * C, xs);
  __syncthreads();
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  T acc[C]{};
  double loss_sum = 0.0;
  std::int64_t row = blockIdx.x;
  RowGroup<T, K, 1> rows;
  load_rows(m, pass, row, threadIdx.x, THREADS, rows);
  for (; row < pass.count; row += gridDim.x) {
    RowGroup<T, K, 1> next;
    load_rows(m, pass, row + gridDim.x, threadIdx.x, THREADS, next);
    T z[1];
    partial_dots(rows, xs, threadIdx.x, THREADS, z);
    z[0] = warp_sum(z[0]);
    if (lane == 0) per_warp[warp] = double(z[0]);
    __syncthreads();
    double total = 0.0;
#pragma unroll
    for (int w = 0; w < WARPS; ++w) total += per_warp[w];
    __syncthreads();  // per_warp is rewritten for the next row
    z[0] = T(total);
    const double f = accumulate(pass.loss, rows, z, lane, acc);
    if (warp == 0) loss_sum += f;  // lane 0 of every warp evaluated the same loss: count warp 0's
    rows = next;
  }
  if (pass.want_grad) {
#pragma unroll
    for (int c = 0; c < C; ++c) {
      const std::int64_t col = std::int64_t(VEC<T>) * (threadIdx.x + THREADS * (c / VEC<T>)) + c % VEC<T>;
      if (col < d) partial[std::int64_t(blockIdx.x) * d + col] = double(acc[c]);
    }
  }
  write_block_loss(loss_sum, loss_partial);  // only thread 0's is non-zero
}

// Dense rows wider than the block kernel takes: one warp per row, gradient updates by atomics.
template <class T>
__global__ void __launch_bounds__(THREADS)
    dense_wide(Matrix<T> m, Pass pass, const T* __restrict__ x, double* __restrict__ grad_sum,
               double* __restrict__ loss_partial) {
  const int lane = threadIdx.x & 31;
  const std::int64_t d = m.cols;
  double loss_sum = 0.0;
  const std::int64_t stride = std::int64_t(gridDim.x) * WARPS;
  for (std::int64_t p = std::int64_t(blockIdx.x) * WARPS + (threadIdx.x >> 5); p < pass.count; p += stride) {
    const std::int64_t r = sample_row(pass.begin, pass.index, p);
    const T* row = m.values + r * m.pitch;
    double s = 0.0;  // in double: a float sum over this many columns would lose digits
    for (std::int64_t c = lane; c < d; c += 32) s += double(row[c]) * double(x[c]);
    s = warp_sum(s);
    double deriv = 0.0;
    loss_sum += sample_loss(pass.loss, s, double(m.labels[r]), deriv);
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
using DenseKernel = void (*)(Matrix<T>, Pass, const T*, double*, double*);

// A deterministic dense kernel for rows of d columns, with its shared-memory size; fn is null when d is too wide
// (dense_wide then).
template <class T>
struct DenseChoice {
  DenseKernel<T> fn = nullptr;
  std::size_t shared_bytes = 0;
  int rows_per_block = 0;  // rows one block takes per step: WARPS·R, or 1 for a block per row
};

template <class T, int K, int R, bool P>
DenseChoice<T> warp_rows(std::int64_t d) {
  return {dense_warp_rows<T, K, R, P>, 32 * K * sizeof(T) * VEC<T> + std::size_t(d) * sizeof(double), WARPS * R};
}

template <class T, int K>
DenseChoice<T> block_rows() {
  return {dense_block_rows<T, K>, THREADS * K * sizeof(T) * VEC<T> + WARPS * sizeof(double), 1};
}

// Which dense kernel: "auto" (below), or "warp" / "block" forced through SGDSIM_CUDA_DENSE_KERNEL (tests and the
// benchmark compare them on the same shapes).
enum class DenseMode { AUTO, WARP, BLOCK };

DenseMode dense_mode() {
  const char* env = std::getenv("SGDSIM_CUDA_DENSE_KERNEL");
  const std::string_view v = env != nullptr ? env : "";
  if (v.empty() || v == "auto") return DenseMode::AUTO;
  if (v == "warp") return DenseMode::WARP;
  if (v == "block") return DenseMode::BLOCK;
  SGDSIM_THROW(ConfigError, std::string("SGDSIM_CUDA_DENSE_KERNEL: expected auto, warp or block, got \"") + env + "\"");
}

// A warp per row group: up to 512 vectors per row (2048 floats, 1024 doubles). The widest rows are not prefetched
// (64 registers of row per lane already). Rows per group as measured best on an H100 (docs/performance.md: at 100
// columns, groups of 8 rows ran at 0.47 (float) / 0.68 (double) of the copy bandwidth, groups of 2 at 0.63 / 0.80,
// with more warps resident per multiprocessor).
template <class T>
DenseChoice<T> pick_warp(std::int64_t d) {
  constexpr std::int64_t V = VEC<T>;
  if (d <= 32 * V) return warp_rows<T, 1, 2, true>(d);
  if (d <= 64 * V) return warp_rows<T, 2, 1, true>(d);
  if (d <= 128 * V) return warp_rows<T, 4, 2, true>(d);
  if (d <= 256 * V) return warp_rows<T, 8, 1, true>(d);
  if (d <= 512 * V) return warp_rows<T, 16, 1, false>(d);
  return {};
}

// A block per row: up to THREADS·16 vectors per row (16384 floats, 8192 doubles).
template <class T>
DenseChoice<T> pick_block(std::int64_t d) {
  constexpr std::int64_t V = VEC<T>;
  if (d <= THREADS * V) return block_rows<T, 1>();
  if (d <= THREADS * 2 * V) return block_rows<T, 2>();
  if (d <= THREADS * 4 * V) return block_rows<T, 4>();
  if (d <= THREADS * 8 * V) return block_rows<T, 8>();
  if (d <= THREADS * 16 * V) return block_rows<T, 16>();
  return {};
}

// Auto: a warp per row group where it takes the rows (up to 2048 floats / 1024 doubles), a block per row above, atomics
// beyond the block kernel's widest rows. Measured on an H100 (docs/performance.md): the warp kernel is the faster of
// the two wherever both apply, the block kernel keeps wide rows near the bandwidth limit.
template <class T>
DenseChoice<T> pick_dense(std::int64_t d) {
  switch (dense_mode()) {
    case DenseMode::WARP:
      return pick_warp<T>(d);
    case DenseMode::BLOCK:
      return pick_block<T>(d);
    case DenseMode::AUTO:
      break;
  }
  const DenseChoice<T> warp = pick_warp<T>(d);
  return warp.fn != nullptr ? warp : pick_block<T>(d);
}

}  // namespace

template <class T>
struct DeviceState {
  int device = 0;
  int loss = LOSS_LOGISTIC;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t pitch = 0;  // dense: values per row on the device (cols rounded up to 16 bytes, zero padding)
  bool sparse = false;
  T* values = nullptr;
  std::int64_t* row_ptr = nullptr;
  std::int32_t* col_index = nullptr;
  T* labels = nullptr;
  T* x = nullptr;
  std::int64_t* index = nullptr;
  std::int64_t index_capacity = 0;
  double* partial = nullptr;       // grid_max × cols (deterministic dense kernels) or cols (atomic kernels)
  double* loss_partial = nullptr;  // grid_max
  double* result = nullptr;        // cols gradient sums, then the loss sum
  DenseChoice<T> dense;  // fn null: CSR or dense rows too wide (atomic kernels)
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
  cuda_common::free_all(s->values);
  cuda_common::free_all(s->row_ptr);
  cuda_common::free_all(s->col_index);
  cuda_common::free_all(s->labels);
  cuda_common::free_all(s->x);
  cuda_common::free_all(s->index);
  cuda_common::free_all(s->partial);
  cuda_common::free_all(s->loss_partial);
  cuda_common::free_all(s->result);
  delete s;
}

template <class T>
DeviceState<T>* upload(const HostData<T>& data, int loss) {
  int devices = 0;
  SGDSIM_CUDA_CHECK(cudaGetDeviceCount(&devices));
  if (devices <= 0) SGDSIM_THROW(CudaError, "no CUDA device");
  auto* s = new DeviceState<T>{};
  try {
    s->device = cuda_common::local_rank() % devices;  // several ranks per node: spread them over the node's GPUs
    SGDSIM_CUDA_CHECK(cudaSetDevice(s->device));
    s->loss = loss;
    s->rows = data.rows;
    s->cols = data.cols;
    s->sparse = data.row_ptr != nullptr;
    const std::size_t one = 1;  // cudaMalloc of 0 bytes gives nullptr; keep every buffer non-null
    const std::int64_t entries = s->sparse ? data.row_ptr[data.rows] : data.rows * data.cols;
    if (s->sparse) {
      SGDSIM_CUDA_CHECK(cudaMalloc(&s->values, std::max<std::size_t>(one, sizeof(T) * std::size_t(entries))));
      SGDSIM_CUDA_CHECK(
          cudaMemcpy(s->values, data.values, sizeof(T) * std::size_t(entries), cudaMemcpyHostToDevice));
      SGDSIM_CUDA_CHECK(cudaMalloc(&s->row_ptr, sizeof(std::int64_t) * std::size_t(data.rows + 1)));
      SGDSIM_CUDA_CHECK(cudaMemcpy(s->row_ptr, data.row_ptr, sizeof(std::int64_t) * std::size_t(data.rows + 1),
                                   cudaMemcpyHostToDevice));
      SGDSIM_CUDA_CHECK(
          cudaMalloc(&s->col_index, std::max<std::size_t>(one, sizeof(std::int32_t) * std::size_t(entries))));
      SGDSIM_CUDA_CHECK(cudaMemcpy(s->col_index, data.col_index, sizeof(std::int32_t) * std::size_t(entries),
                                   cudaMemcpyHostToDevice));
    } else {
      // Rows padded with zeros to a multiple of 16 bytes, so that the kernels read them in aligned vectors.
      s->pitch = (data.cols + VEC<T> - 1) / VEC<T> * VEC<T>;
      const std::size_t bytes = sizeof(T) * std::size_t(data.rows * s->pitch);
      SGDSIM_CUDA_CHECK(cudaMalloc(&s->values, std::max(one, bytes)));
      if (s->pitch == data.cols) {
        SGDSIM_CUDA_CHECK(cudaMemcpy(s->values, data.values, bytes, cudaMemcpyHostToDevice));
      } else if (data.rows > 0) {
        SGDSIM_CUDA_CHECK(cudaMemset(s->values, 0, bytes));
        SGDSIM_CUDA_CHECK(cudaMemcpy2D(s->values, sizeof(T) * std::size_t(s->pitch), data.values,
                                       sizeof(T) * std::size_t(data.cols), sizeof(T) * std::size_t(data.cols),
                                       std::size_t(data.rows), cudaMemcpyHostToDevice));
      }
    }
    SGDSIM_CUDA_CHECK(cudaMalloc(&s->labels, std::max<std::size_t>(one, sizeof(T) * std::size_t(data.rows))));
    SGDSIM_CUDA_CHECK(cudaMemcpy(s->labels, data.labels, sizeof(T) * std::size_t(data.rows), cudaMemcpyHostToDevice));
    SGDSIM_CUDA_CHECK(cudaMalloc(&s->x, std::max<std::size_t>(one, sizeof(T) * std::size_t(data.cols))));

    int sms = 1;
    SGDSIM_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, s->device));
    int per_sm = 1;
    if (!s->sparse) s->dense = pick_dense<T>(data.cols);
    if (s->dense.fn != nullptr) {
      if (s->dense.shared_bytes > 48 * 1024) {
        SGDSIM_CUDA_CHECK(cudaFuncSetAttribute(s->dense.fn, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                               int(s->dense.shared_bytes)));
      }
      SGDSIM_CUDA_CHECK(
          cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, s->dense.fn, THREADS, s->dense.shared_bytes));
    } else if (s->sparse) {
      SGDSIM_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, csr_rows<T>, THREADS, 0));
    } else {
      SGDSIM_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, dense_wide<T>, THREADS, 0));
    }
    s->grid_max = std::max(1, per_sm) * sms;
    const std::size_t parts = s->dense.fn != nullptr ? std::size_t(s->grid_max) : one;
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
  const std::int64_t per_block = s->dense.fn != nullptr ? s->dense.rows_per_block : WARPS;
  const std::int64_t blocks_needed = (pass.count + per_block - 1) / per_block;
  const int grid = int(std::max<std::int64_t>(1, std::min<std::int64_t>(s->grid_max, blocks_needed)));
  int parts = 1;
  const Matrix<T> m{s->values, s->labels, d, s->pitch};
  if (s->dense.fn != nullptr) {
    s->dense.fn<<<grid, THREADS, s->dense.shared_bytes>>>(m, pass, s->x, s->partial, s->loss_partial);
    parts = grid;
  } else {
    SGDSIM_CUDA_CHECK(cudaMemsetAsync(s->partial, 0, std::size_t(d) * sizeof(double)));
    if (s->sparse) {
      csr_rows<T>
          <<<grid, THREADS>>>(s->row_ptr, s->col_index, s->values, s->labels, pass, s->x, s->partial, s->loss_partial);
    } else {
      dense_wide<T><<<grid, THREADS>>>(m, pass, s->x, s->partial, s->loss_partial);
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
      cuda_common::free_all(s->index);
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
    seconds = cuda_common::time_events(repetitions, [&] {
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
  return cuda_common::time_events(repetitions, [&] { launch_pass(s, pass); });
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
