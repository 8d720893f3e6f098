// Optimized CPU kernels: one fused pass over the sampled rows (X read once), blocked, OpenMP over chunks of rows.
//
// Per group of 4 rows: z = A_g x (4 dot products sharing the loads of x), the per-row derivative, then
// acc += A_gᵀ r while the 4 rows are still in L1/L2. The rows are cut into chunks whose boundaries depend only on the
// call (number of rows, columns, storage), never on the number of threads; each chunk sums its rows in order into its
// own partial gradient and loss, and the partials are then added in chunk order (column-wise, in parallel). Threads
// only decide who computes which chunk, so the result is bit-identical for any thread count, from call to call, and
// (see cpu_loops.hpp) in every build: "same seed, same bytes" holds on any machine.
#include <omp.h>

#include <algorithm>
#include <type_traits>
#include <variant>
#include <vector>

#include "common.hpp"
#define SGDSIM_CPU_LOOPS_DEFINE
#include "cpu_loops.hpp"

namespace sgdsim::kernels::cpu {

namespace {

constexpr std::int64_t GROUP = 4;                 // rows processed together
constexpr std::int64_t BLOCK = 64;                // rows whose loss is summed before it joins the chunk's sum
constexpr std::int64_t CHUNK_WORK = 1 << 15;      // matrix entries per chunk at least (below that, one thread wins)
constexpr std::int64_t MAX_CHUNKS = 256;          // enough for any core count we run on
constexpr std::int64_t PARTIAL_BYTES = 64 << 20;  // at most this much of partial gradients (fewer chunks when wide)

template <class T>
void ensure_size(std::vector<T>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
}

// The loops for this processor: AVX2 + FMA when it has them (and the build is for x86-64), else the baseline ones.
const cpu_detail::Loops& dense_loops() {
  static const cpu_detail::Loops loops = [] {
#ifdef SGDSIM_KERNELS_AVX2
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return cpu_detail::avx2_loops();
#endif
    return cpu_detail::baseline_loops();
  }();
  return loops;
}

// Dense rows: the block [p0, p1) of sample positions, in groups of 4 rows. Dot products in T (vectorised), the
// group's gradient contribution summed in T and added into the double accumulator acc, which keeps the long sum over
// blocks in double (for float data this costs one conversion per 4 rows and keeps the error at float-epsilon level).
template <class T>
double dense_block(const cpu_detail::Loops& loops, Loss loss, const Dense<T>& m, const T* labels, const SampleSet& rows,
                   std::int64_t p0, std::int64_t p1, const T* x, double* acc, bool want_grad) {
  const std::int64_t d = m.cols;
  double total = 0.0;
  for (std::int64_t p = p0; p < p1; p += GROUP) {
    const std::int64_t g = std::min(GROUP, p1 - p);
    const T* a[GROUP];
    std::int64_t r[GROUP];
    for (std::int64_t i = 0; i < GROUP; ++i) {
      r[i] = rows.row(p + std::min(i, g - 1));  // pad a short group with its last row, whose weight is set to 0
      a[i] = m.values + r[i] * d;
    }
    T z[GROUP];
    if constexpr (std::is_same_v<T, float>) {
      loops.dot4_float(a, x, d, z);
    } else {
      loops.dot4_double(a, x, d, z);
    }
    T w[GROUP] = {0, 0, 0, 0};
    for (std::int64_t i = 0; i < g; ++i) {
      // In T: expf/log1pf for float data (the per-row exp and log1p are a visible share of a float pass).
      T deriv = 0;
      total += double(detail::sample_loss<T>(loss, z[i], labels[r[i]], deriv));
      w[i] = deriv;
    }
    if (!want_grad) continue;
    if constexpr (std::is_same_v<T, float>) {
      loops.axpy4_float(a, w, acc, d);
    } else {
      loops.axpy4_double(a, w, acc, d);
    }
  }
  return total;
}

// CSR rows: a gathered dot product and a scattered update, both per row.
template <class T>
double csr_block(Loss loss, const Csr<T>& m, const T* labels, const SampleSet& rows, std::int64_t p0, std::int64_t p1,
                 const T* x, double* acc, bool want_grad) {
  double total = 0.0;
  for (std::int64_t p = p0; p < p1; ++p) {
    const std::int64_t r = rows.row(p);
    const std::int64_t k0 = m.row_ptr[r];
    const std::int64_t k1 = m.row_ptr[r + 1];
    double z = 0.0;
    for (std::int64_t k = k0; k < k1; ++k) z += double(m.values[k]) * double(x[m.col_index[k]]);
    double deriv = 0.0;
    total += detail::sample_loss(loss, z, double(labels[r]), deriv);
    if (!want_grad) continue;
    for (std::int64_t k = k0; k < k1; ++k) acc[m.col_index[k]] += deriv * double(m.values[k]);
  }
  return total;
}

// Matrix entries a row of this call costs: the columns (dense), or the mean stored entries per row (CSR).
template <class T>
std::int64_t work_per_row(const Matrix<T>& features, const SampleSet& rows) {
  if (const auto* m = std::get_if<Dense<T>>(&features)) return std::max<std::int64_t>(m->cols, 1);
  const auto& c = std::get<Csr<T>>(features);
  if (!rows.is_list && rows.size() > 0) return (c.row_ptr[rows.end] - c.row_ptr[rows.begin]) / rows.size() + 1;
  return c.rows > 0 ? c.row_ptr[c.rows] / c.rows + 1 : 1;
}

struct Chunks {
  std::int64_t rows = 1;   // rows per chunk (a multiple of BLOCK), the last one may have fewer
  std::int64_t count = 1;  // chunks
};

// The chunks of `count` rows: about CHUNK_WORK entries each, at most MAX_CHUNKS of them and at most PARTIAL_BYTES of
// partial gradients. A function of the call alone, never of the thread count.
Chunks chunks_for(std::int64_t count, std::int64_t cols, std::int64_t row_work) {
  const auto round_up = [](std::int64_t v, std::int64_t m) { return (v + m - 1) / m * m; };
  const std::int64_t most =
      std::clamp<std::int64_t>(PARTIAL_BYTES / (std::max<std::int64_t>(cols, 1) * 8), 1, MAX_CHUNKS);
  Chunks c;
  c.rows = round_up(std::max<std::int64_t>(CHUNK_WORK / row_work, 1), BLOCK);
  if ((count + c.rows - 1) / c.rows > most) c.rows = round_up((count + most - 1) / most, BLOCK);
  c.count = std::max<std::int64_t>((count + c.rows - 1) / c.rows, 1);
  return c;
}

}  // namespace

template <class T>
T loss_grad(Loss loss, const Data<T>& data, SampleSet rows, std::span<const T> x, T l2, std::span<T> grad) {
  detail::check_args(data, rows, x.size(), grad.size());
  const std::int64_t count = rows.size();
  const std::int64_t d = data.cols();
  const bool want_grad = !grad.empty();
  const Chunks chunks = chunks_for(count, d, work_per_row(data.features, rows));
  const int threads = int(std::min<std::int64_t>(omp_get_max_threads(), chunks.count));

  // The calling thread's storage, only ever grown (no allocation per call after warm-up): one loss and one partial
  // gradient per chunk, and their sum.
  thread_local std::vector<double> chunk_loss;
  thread_local std::vector<double> partials;
  thread_local std::vector<double> sum;
  ensure_size(chunk_loss, std::size_t(chunks.count));
  if (want_grad) {
    ensure_size(partials, std::size_t(chunks.count * d));
    ensure_size(sum, std::size_t(d));
  }
  double* const loss_of = chunk_loss.data();  // handed to the team: the thread_locals above are the caller's
  double* const partial = partials.data();
  double* const out = sum.data();

  const cpu_detail::Loops& loops = dense_loops();
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
#pragma omp for schedule(static)
    for (std::int64_t c = 0; c < chunks.count; ++c) {
      double* acc = want_grad ? partial + c * d : nullptr;
      if (want_grad) std::fill_n(acc, d, 0.0);
      const std::int64_t end = std::min(count, (c + 1) * chunks.rows);
      double local = 0.0;
      for (std::int64_t p0 = c * chunks.rows; p0 < end; p0 += BLOCK) {
        const std::int64_t p1 = std::min(end, p0 + BLOCK);
        local += std::visit(
            [&](const auto& m) {
              if constexpr (std::is_same_v<std::decay_t<decltype(m)>, Dense<T>>) {
                return dense_block(loops, loss, m, data.labels, rows, p0, p1, x.data(), acc, want_grad);
              } else {
                return csr_block(loss, m, data.labels, rows, p0, p1, x.data(), acc, want_grad);
              }
            },
            data.features);
      }
      loss_of[c] = local;
    }
    // The implicit barrier of the loop above makes every partial complete before they are added, column by column,
    // each column in chunk order.
    if (want_grad) {
#pragma omp for schedule(static)
      for (std::int64_t j = 0; j < d; ++j) {
        double s = 0.0;
        for (std::int64_t c = 0; c < chunks.count; ++c) s += partial[c * d + j];
        out[j] = s;
      }
    }
  }

  double total = 0.0;
  for (std::int64_t c = 0; c < chunks.count; ++c) total += loss_of[c];
  const double inv = count > 0 ? 1.0 / double(count) : 0.0;
  double norm2 = 0.0;
  for (const T v : x) norm2 += double(v) * double(v);
  if (want_grad) {
    for (std::int64_t j = 0; j < d; ++j)
      grad[std::size_t(j)] = T(out[j] * inv + double(l2) * double(x[std::size_t(j)]));
  }
  return T(total * inv + 0.5 * double(l2) * norm2);
}

template float loss_grad<float>(Loss, const Data<float>&, SampleSet, std::span<const float>, float, std::span<float>);
template double loss_grad<double>(Loss, const Data<double>&, SampleSet, std::span<const double>, double,
                                  std::span<double>);

}  // namespace sgdsim::kernels::cpu

sgdsim::kernels::cpu_detail::Loops sgdsim::kernels::cpu_detail::baseline_loops() { return make_loops(); }
