// Host emulation of the cuBLAS calls the network kernels use, by the reference (netlib) BLAS: the same column-major
// semantics; every matrix must lie inside a device allocation with the extent its m, n, k and leading dimension say.
#pragma once
#include "cuda_runtime.h"

extern "C" {
void sgemm_(const char*, const char*, const int*, const int*, const int*, const float*, const float*, const int*,
            const float*, const int*, const float*, float*, const int*);
void dgemm_(const char*, const char*, const int*, const int*, const int*, const double*, const double*, const int*,
            const double*, const int*, const double*, double*, const int*);
void sgemv_(const char*, const int*, const int*, const float*, const float*, const int*, const float*, const int*,
            const float*, float*, const int*);
void dgemv_(const char*, const int*, const int*, const double*, const double*, const int*, const double*, const int*,
            const double*, double*, const int*);
}

enum cublasStatus_t { CUBLAS_STATUS_SUCCESS = 0 };
enum cublasOperation_t { CUBLAS_OP_N, CUBLAS_OP_T };
using cublasHandle_t = int*;
inline const char* cublasGetStatusString(cublasStatus_t) { return "emulated"; }
inline cublasStatus_t cublasCreate(cublasHandle_t* h) {
  *h = new int(0);
  return CUBLAS_STATUS_SUCCESS;
}
inline cublasStatus_t cublasDestroy(cublasHandle_t h) {
  delete h;
  return CUBLAS_STATUS_SUCCESS;
}

namespace emu {
// A column-major rows × cols matrix with leading dimension ld, on the device.
template <class T>
void check_matrix(const T* p, int rows, int cols, int ld, const char* what) {
  require(ld >= (rows > 1 ? rows : 1), std::string(what) + ": leading dimension below the row count");
  if (rows == 0 || cols == 0) return;
  const std::size_t extent = std::size_t(ld) * std::size_t(cols - 1) + std::size_t(rows);
  require(on_device(p, extent * sizeof(T)), std::string(what) + ": matrix outside a device allocation");
}
// Checks the operands' extents, then calls the reference BLAS routine `blas` (sgemm_ / dgemm_) with the same arguments.
template <class T, class Blas>
cublasStatus_t gemm(Blas blas, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, const T* alpha,
                    const T* a, int lda, const T* b, int ldb, const T* beta, T* c, int ldc) {
  check_matrix(a, ta == CUBLAS_OP_N ? m : k, ta == CUBLAS_OP_N ? k : m, lda, "gemm A");
  check_matrix(b, tb == CUBLAS_OP_N ? k : n, tb == CUBLAS_OP_N ? n : k, ldb, "gemm B");
  check_matrix(c, m, n, ldc, "gemm C");
  blas(ta == CUBLAS_OP_N ? "N" : "T", tb == CUBLAS_OP_N ? "N" : "T", &m, &n, &k, alpha, a, &lda, b, &ldb, beta, c,
       &ldc);
  return CUBLAS_STATUS_SUCCESS;
}
// The same for sgemv_ / dgemv_ (unit increments only).
template <class T, class Blas>
cublasStatus_t gemv(Blas blas, cublasOperation_t t, int m, int n, const T* alpha, const T* a, int lda, const T* x,
                    int incx, const T* beta, T* y, int incy) {
  check_matrix(a, m, n, lda, "gemv A");
  require(incx == 1 && incy == 1, "gemv increments");
  check_matrix(x, t == CUBLAS_OP_N ? n : m, 1, t == CUBLAS_OP_N ? n : m, "gemv x");
  check_matrix(y, t == CUBLAS_OP_N ? m : n, 1, t == CUBLAS_OP_N ? m : n, "gemv y");
  blas(t == CUBLAS_OP_N ? "N" : "T", &m, &n, alpha, a, &lda, x, &incx, beta, y, &incy);
  return CUBLAS_STATUS_SUCCESS;
}
}  // namespace emu

inline cublasStatus_t cublasSgemm(cublasHandle_t, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                                  const float* alpha, const float* a, int lda, const float* b, int ldb,
                                  const float* beta, float* c, int ldc) {
  return emu::gemm(sgemm_, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
inline cublasStatus_t cublasDgemm(cublasHandle_t, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                                  const double* alpha, const double* a, int lda, const double* b, int ldb,
                                  const double* beta, double* c, int ldc) {
  return emu::gemm(dgemm_, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
inline cublasStatus_t cublasSgemv(cublasHandle_t, cublasOperation_t t, int m, int n, const float* alpha, const float* a,
                                  int lda, const float* x, int incx, const float* beta, float* y, int incy) {
  return emu::gemv(sgemv_, t, m, n, alpha, a, lda, x, incx, beta, y, incy);
}
inline cublasStatus_t cublasDgemv(cublasHandle_t, cublasOperation_t t, int m, int n, const double* alpha,
                                  const double* a, int lda, const double* x, int incx, const double* beta, double* y,
                                  int incy) {
  return emu::gemv(dgemv_, t, m, n, alpha, a, lda, x, incx, beta, y, incy);
}
