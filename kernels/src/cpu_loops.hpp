// The innermost loops of the dense CPU kernel, compiled twice: for the baseline instruction set (cpu.cpp) and for
// AVX2 + FMA (cpu_avx2.cpp, picked at run time when the processor has both). The loop bodies below have internal
// linkage (anonymous namespace), so the linker never merges an AVX2 copy into the baseline code.
//
// Both copies give bit-identical results, in Debug and in Release: every sum is written out in a fixed order (the
// dot products in 32-byte lanes of a GCC/Clang vector type, then the lanes pairwise, then the columns left over), so
// a compiler may map the lanes onto registers of any width but never reorders an addition; and the kernels are built
// with -ffp-contract=off, so no product is fused into an add on one machine and not on another.
#pragma once

#include <cstdint>

namespace sgdsim::kernels::cpu_detail {

// dot4: out[i] = a[i]·x for 4 rows; axpy4: acc += Σ_i w[i] a[i] (the group's sum in T, added into double).
struct Loops {
  void (*dot4_float)(const float* const* a, const float* x, std::int64_t d, float* out);
  void (*dot4_double)(const double* const* a, const double* x, std::int64_t d, double* out);
  void (*axpy4_float)(const float* const* a, const float* w, double* acc, std::int64_t d);
  void (*axpy4_double)(const double* const* a, const double* w, double* acc, std::int64_t d);
};

Loops baseline_loops();
Loops avx2_loops();  // only called when the processor supports AVX2 and FMA

}  // namespace sgdsim::kernels::cpu_detail

#ifdef SGDSIM_CPU_LOOPS_DEFINE
namespace {

// 32 bytes of T: one AVX2 register, two SSE2 registers in the baseline build.
template <class T>
struct Lanes {
  typedef T type __attribute__((vector_size(32)));
};

template <class V, class T>
inline void load(V& v, const T* p) {
  __builtin_memcpy(&v, p, sizeof v);  // unaligned load
}

// The lanes added pairwise (lane i + lane i + n/2, halving n), the same order in every build.
template <class V, class T>
inline T lane_sum(const V& v) {
  constexpr int N = sizeof(V) / sizeof(T);
  T s[N];
  for (int i = 0; i < N; ++i) s[i] = v[i];
  for (int w = N / 2; w >= 1; w /= 2)
    for (int i = 0; i < w; ++i) s[i] = s[i] + s[i + w];
  return s[0];
}

template <class T>
void dot4(const T* const* a, const T* x, std::int64_t d, T* out) {
  using V = typename Lanes<T>::type;
  constexpr std::int64_t L = sizeof(V) / sizeof(T);
  const T* __restrict__ a0 = a[0];
  const T* __restrict__ a1 = a[1];
  const T* __restrict__ a2 = a[2];
  const T* __restrict__ a3 = a[3];
  V s0 = {}, s1 = {}, s2 = {}, s3 = {};
  std::int64_t j = 0;
  for (; j + L <= d; j += L) {
    V xj, v0, v1, v2, v3;
    load(xj, x + j);
    load(v0, a0 + j);
    load(v1, a1 + j);
    load(v2, a2 + j);
    load(v3, a3 + j);
    s0 += v0 * xj;
    s1 += v1 * xj;
    s2 += v2 * xj;
    s3 += v3 * xj;
  }
  T t0 = lane_sum<V, T>(s0), t1 = lane_sum<V, T>(s1), t2 = lane_sum<V, T>(s2), t3 = lane_sum<V, T>(s3);
  for (; j < d; ++j) {
    t0 += a0[j] * x[j];
    t1 += a1[j] * x[j];
    t2 += a2[j] * x[j];
    t3 += a3[j] * x[j];
  }
  out[0] = t0;
  out[1] = t1;
  out[2] = t2;
  out[3] = t3;
}

// Element-wise: each acc[j] is one fixed expression, so vectorising it changes nothing.
template <class T>
void axpy4(const T* const* a, const T* w, double* __restrict__ acc, std::int64_t d) {
  const T* __restrict__ a0 = a[0];
  const T* __restrict__ a1 = a[1];
  const T* __restrict__ a2 = a[2];
  const T* __restrict__ a3 = a[3];
  const T w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];
#pragma omp simd
  for (std::int64_t j = 0; j < d; ++j) acc[j] += double(w0 * a0[j] + w1 * a1[j] + w2 * a2[j] + w3 * a3[j]);
}

sgdsim::kernels::cpu_detail::Loops make_loops() { return {dot4<float>, dot4<double>, axpy4<float>, axpy4<double>}; }

}  // namespace
#endif
