// Host emulation of the CUDA runtime calls the network kernels use: "device" memory is malloc'd and registered, so
// that copies and BLAS calls can check that each pointer lies in (or outside) a device allocation as the call says.
#pragma once
#include <barrier>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

enum cudaError_t { cudaSuccess = 0, cudaErrorEmulation = 1 };
enum cudaMemcpyKind { cudaMemcpyHostToDevice, cudaMemcpyDeviceToHost, cudaMemcpyDeviceToDevice };
using cudaEvent_t = int*;
inline const char* cudaGetErrorString(cudaError_t) { return "emulation error"; }

namespace emu {
inline std::map<const char*, std::size_t>& allocations() {
  static std::map<const char*, std::size_t> a;
  return a;
}
// true when [p, p + bytes) lies inside one device allocation.
inline bool on_device(const void* p, std::size_t bytes) {
  const char* c = static_cast<const char*>(p);
  auto& a = allocations();
  auto it = a.upper_bound(c);
  if (it == a.begin()) return false;
  --it;
  return c >= it->first && c + bytes <= it->first + it->second;
}
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "EMULATION CHECK FAILED: %s\n", what.c_str());
  std::abort();
}
inline void require(bool ok, const std::string& what) {
  if (!ok) fail(what);
}
struct Dim {
  unsigned x = 0;
};
}  // namespace emu

inline thread_local emu::Dim blockIdx, blockDim, threadIdx;
inline std::barrier<>* emu_barrier = nullptr;
inline void __syncthreads() { emu_barrier->arrive_and_wait(); }
#define __global__
#define __device__
#define __shared__ static

// Element-wise kernels: every (block, thread) in turn.
template <class F>
void emu_launch(long long grid, long long block, F body) {
  emu::require(grid >= 1 && grid <= 2147483647LL && block >= 1 && block <= 1024, "launch configuration");
  for (long long b = 0; b < grid; ++b) {
    for (long long t = 0; t < block; ++t) {
      blockIdx.x = unsigned(b);
      blockDim.x = unsigned(block);
      threadIdx.x = unsigned(t);
      body();
    }
  }
}
// Kernels with __syncthreads: the threads of a block as real threads meeting at a barrier.
template <class F>
void emu_launch_threads(long long grid, long long block, F body) {
  emu::require(grid >= 1 && block >= 1 && block <= 1024, "launch configuration");
  for (long long b = 0; b < grid; ++b) {
    std::barrier<> barrier(block);
    emu_barrier = &barrier;
    std::vector<std::thread> threads;
    for (long long t = 0; t < block; ++t) {
      threads.emplace_back([&, t] {
        blockIdx.x = unsigned(b);
        blockDim.x = unsigned(block);
        threadIdx.x = unsigned(t);
        body();
      });
    }
    for (auto& th : threads) th.join();
  }
}

template <class T>
cudaError_t cudaMalloc(T** p, std::size_t bytes) {
  void* q = std::malloc(bytes);
  std::memset(q, 0xff, bytes);  // NaN-ish garbage: reading memory before writing it shows
  emu::allocations()[static_cast<const char*>(q)] = bytes;
  *p = static_cast<T*>(q);
  return cudaSuccess;
}
inline cudaError_t cudaFree(void* p) {
  emu::require(emu::allocations().erase(static_cast<const char*>(p)) == 1, "cudaFree of a non-device pointer");
  std::free(p);
  return cudaSuccess;
}
inline cudaError_t cudaMemcpy(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind) {
  const bool dst_dev = emu::on_device(dst, bytes), src_dev = emu::on_device(src, bytes);
  if (bytes > 0) {
    if (kind == cudaMemcpyHostToDevice) emu::require(dst_dev && !src_dev, "cudaMemcpy H2D pointers/size");
    if (kind == cudaMemcpyDeviceToHost) emu::require(!dst_dev && src_dev, "cudaMemcpy D2H pointers/size");
    if (kind == cudaMemcpyDeviceToDevice) emu::require(dst_dev && src_dev, "cudaMemcpy D2D pointers/size");
  }
  std::memcpy(dst, src, bytes);
  return cudaSuccess;
}
inline cudaError_t cudaMemsetAsync(void* p, int v, std::size_t bytes) {
  emu::require(emu::on_device(p, bytes), "cudaMemsetAsync outside a device allocation");
  std::memset(p, v, bytes);
  return cudaSuccess;
}
inline cudaError_t cudaSetDevice(int) { return cudaSuccess; }
inline cudaError_t cudaGetDeviceCount(int* n) {
  *n = 1;
  return cudaSuccess;
}
inline cudaError_t cudaGetLastError() { return cudaSuccess; }
inline cudaError_t cudaEventCreate(cudaEvent_t* e) {
  *e = new int(0);
  return cudaSuccess;
}
inline cudaError_t cudaEventRecord(cudaEvent_t) { return cudaSuccess; }
inline cudaError_t cudaEventSynchronize(cudaEvent_t) { return cudaSuccess; }
inline cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t, cudaEvent_t) {
  *ms = 1.0f;
  return cudaSuccess;
}
inline cudaError_t cudaEventDestroy(cudaEvent_t e) {
  delete e;
  return cudaSuccess;
}
