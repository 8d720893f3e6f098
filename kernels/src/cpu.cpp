// Optimized CPU kernels: one fused pass over the sampled rows (X read once), blocked, OpenMP over blocks.
//
// Per group of 4 rows: z = A_g x (4 dot products sharing the loads of x), the per-row derivative, then
// acc += A_gᵀ r while the 4 rows are still in L1/L2. Each OpenMP thread accumulates into its own thread-local
// buffer (kept across calls: no allocation per call after warm-up); the buffers are then reduced column-wise in
// parallel, in thread order. The schedule is static and every sum runs in a fixed order, so for a given thread count
// the result is bit-identical from call to call (the simulation relies on this for reproducible traces).
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

constexpr std::int64_t GROUP = 4;              // rows processed together
constexpr std::int64_t BLOCK = 64;             // rows per OpenMP work item (a multiple of GROUP)
constexpr std::int64_t SERIAL_WORK = 1 << 15;  // below this many matrix entries, one thread is faster

// Per-thread accumulators, grown on demand and reused by every later call on the same thread.
template <class T>
std::vector<T>& thread_buffer(int which) {
  thread_local std::vector<T> buffers[2];
  return buffers[which];
}

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

template <class T>
std::int64_t work_estimate(const Matrix<T>& features, const SampleSet& rows) {
  if (const auto* m = std::get_if<Dense<T>>(&features)) return rows.size() * m->cols;
  const auto& c = std::get<Csr<T>>(features);
  if (!rows.is_list) return c.row_ptr[rows.end] - c.row_ptr[rows.begin];
  return c.rows > 0 ? rows.size() * (c.row_ptr[c.rows] / c.rows + 1) : 0;
}

}  // namespace

template <class T>
T loss_grad(Loss loss, const Data<T>& data, SampleSet rows, std::span<const T> x, T l2, std::span<T> grad) {
  detail::check_args(data, rows, x.size(), grad.size());
  const std::int64_t count = rows.size();
  const std::int64_t d = data.cols();
  const bool want_grad = !grad.empty();
  const std::int64_t blocks = (count + BLOCK - 1) / BLOCK;
  const int threads =
      work_estimate(data.features, rows) < SERIAL_WORK ? 1 : int(std::min<std::int64_t>(omp_get_max_threads(), blocks));

  // Slots for each thread's accumulator and loss, owned by the calling thread and only ever grown.
  thread_local std::vector<double*> slots;
  thread_local std::vector<double> losses;
  ensure_size(slots, std::size_t(std::max(threads, 1)));
  ensure_size(losses, std::size_t(std::max(threads, 1)));
  double* const out = want_grad ? [&] {
    auto& o = thread_buffer<double>(1);
    ensure_size(o, std::size_t(d));
    return o.data();
  }() : nullptr;

  const cpu_detail::Loops& loops = dense_loops();
  double** const slot = slots.data();  // the thread_locals above are the caller's: hand their storage to the team
  double* const loss_slot = losses.data();
  int team = 1;
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    const int t = omp_get_thread_num();
#pragma omp single
    team = omp_get_num_threads();
    double* acc = nullptr;
    if (want_grad) {
      auto& buf = thread_buffer<double>(0);
      ensure_size(buf, std::size_t(d));
      acc = buf.data();
      std::fill_n(acc, d, 0.0);
    }
    slot[t] = acc;
    double local = 0.0;
#pragma omp for schedule(static)
    for (std::int64_t b = 0; b < blocks; ++b) {
      const std::int64_t p0 = b * BLOCK;
      const std::int64_t p1 = std::min(count, p0 + BLOCK);
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
    loss_slot[t] = local;
    // The implicit barrier of the loop above makes every accumulator complete before the column-wise reduction.
    if (want_grad) {
#pragma omp for schedule(static)
      for (std::int64_t j = 0; j < d; ++j) {
        double s = 0.0;
        for (int u = 0; u < team; ++u) s += slot[u][j];
        out[j] = s;
      }
    }
  }

  double total = 0.0;
  for (int u = 0; u < team; ++u) total += losses[std::size_t(u)];
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
