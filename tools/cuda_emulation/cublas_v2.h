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
template <class T>
void check_gemm(cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, const T* a, int lda, const T* b,
                int ldb, const T* c, int ldc) {
  check_matrix(a, ta == CUBLAS_OP_N ? m : k, ta == CUBLAS_OP_N ? k : m, lda, "gemm A");
  check_matrix(b, tb == CUBLAS_OP_N ? k : n, tb == CUBLAS_OP_N ? n : k, ldb, "gemm B");
  check_matrix(c, m, n, ldc, "gemm C");
}
inline const char* op(cublasOperation_t t) { return t == CUBLAS_OP_N ? "N" : "T"; }
}  // namespace emu

inline cublasStatus_t cublasSgemm(cublasHandle_t, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                                  const float* alpha, const float* a, int lda, const float* b, int ldb,
                                  const float* beta, float* c, int ldc) {
  emu::check_gemm(ta, tb, m, n, k, a, lda, b, ldb, c, ldc);
  sgemm_(emu::op(ta), emu::op(tb), &m, &n, &k, alpha, a, &lda, b, &ldb, beta, c, &ldc);
  return CUBLAS_STATUS_SUCCESS;
}
inline cublasStatus_t cublasDgemm(cublasHandle_t, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                                  const double* alpha, const double* a, int lda, const double* b, int ldb,
                                  const double* beta, double* c, int ldc) {
  emu::check_gemm(ta, tb, m, n, k, a, lda, b, ldb, c, ldc);
  dgemm_(emu::op(ta), emu::op(tb), &m, &n, &k, alpha, a, &lda, b, &ldb, beta, c, &ldc);
  return CUBLAS_STATUS_SUCCESS;
}
template <class T>
void emu_check_gemv(cublasOperation_t t, int m, int n, const T* a, int lda, const T* x, int incx, const T* y,
                    int incy) {
  emu::check_matrix(a, m, n, lda, "gemv A");
  emu::require(incx == 1 && incy == 1, "gemv increments");
  emu::check_matrix(x, t == CUBLAS_OP_N ? n : m, 1, t == CUBLAS_OP_N ? n : m, "gemv x");
  emu::check_matrix(y, t == CUBLAS_OP_N ? m : n, 1, t == CUBLAS_OP_N ? m : n, "gemv y");
}
inline cublasStatus_t cublasSgemv(cublasHandle_t, cublasOperation_t t, int m, int n, const float* alpha, const float* a,
                                  int lda, const float* x, int incx, const float* beta, float* y, int incy) {
  emu_check_gemv(t, m, n, a, lda, x, incx, y, incy);
  sgemv_(emu::op(t), &m, &n, alpha, a, &lda, x, &incx, beta, y, &incy);
  return CUBLAS_STATUS_SUCCESS;
}
inline cublasStatus_t cublasDgemv(cublasHandle_t, cublasOperation_t t, int m, int n, const double* alpha,
                                  const double* a, int lda, const double* x, int incx, const double* beta, double* y,
                                  int incy) {
  emu_check_gemv(t, m, n, a, lda, x, incx, y, incy);
  dgemv_(emu::op(t), &m, &n, alpha, a, &lda, x, &incx, beta, y, &incy);
  return CUBLAS_STATUS_SUCCESS;
}
