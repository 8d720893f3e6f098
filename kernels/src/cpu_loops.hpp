// The innermost loops of the dense CPU kernel, compiled twice: for the baseline instruction set (cpu.cpp) and for
// AVX2 + FMA (cpu_avx2.cpp, picked at run time when the processor has both). The loop bodies below have internal
// linkage (anonymous namespace), so the linker never merges an AVX2 copy into the baseline code.
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

template <class T>
void dot4(const T* const* a, const T* x, std::int64_t d, T* out) {
  const T* __restrict__ a0 = a[0];
  const T* __restrict__ a1 = a[1];
  const T* __restrict__ a2 = a[2];
  const T* __restrict__ a3 = a[3];
  T s0 = 0, s1 = 0, s2 = 0, s3 = 0;
#pragma omp simd reduction(+ : s0, s1, s2, s3)
  for (std::int64_t j = 0; j < d; ++j) {
    const T xj = x[j];
    s0 += a0[j] * xj;
    s1 += a1[j] * xj;
    s2 += a2[j] * xj;
    s3 += a3[j] * xj;
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
}

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
