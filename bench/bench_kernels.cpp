// Gradient-pass bandwidth of the kernels next to a memory-bandwidth baseline measured in the same run.
//
// CPU: the baseline is an OpenMP sum over the very matrix the gradient pass reads (same bytes, same pages); both are
// timed alternately in every iteration, so machine noise hits both alike. Counters: bytes_per_second (gradient pass,
// bytes = matrix + labels read once), baseline_bytes_per_second, ratio = gradient / baseline.
// CUDA (only when a device is usable): kernel time from CUDA events vs a device-to-device cudaMemcpy of the matrix
// size, counted as read + written bytes (2 × size), alternately timed the same way.
// Matrix size: SGDSIM_BENCH_MB (default 256 MiB for the CPU, 2048 MiB for the GPU: beyond every cache).
#include <benchmark/benchmark.h>
#include <omp.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "cuda_api.hpp"
#include "sgdsim/kernels/kernels.hpp"

namespace {

using namespace sgdsim::kernels;
using Clock = std::chrono::steady_clock;

std::int64_t bench_bytes(std::int64_t default_mb) {
  const char* mb = std::getenv("SGDSIM_BENCH_MB");
  return (mb != nullptr ? std::atoll(mb) : default_mb) << 20;
}

// Cheap parallel fill with values in [-1, 1) (a counter hashed by splitmix64): the data content does not matter for
// bandwidth, but the pages must be touched before timing.
template <class T>
void fill(std::vector<T>& v, std::uint64_t seed) {
  const std::int64_t n = std::int64_t(v.size());
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    std::uint64_t z = seed + std::uint64_t(i) * 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    v[std::size_t(i)] = T(double(z >> 11) * 0x1.0p-52 - 1.0);
  }
}

template <class T>
struct DenseSet {
  std::vector<T> values;
  std::vector<T> labels;
  std::vector<T> x;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  Data<T> view() const { return {Dense<T>{values.data(), rows, cols}, labels.data()}; }
  std::int64_t bytes() const { return std::int64_t((values.size() + labels.size()) * sizeof(T)); }
};

template <class T>
const DenseSet<T>& dense_set(std::int64_t total_bytes, std::int64_t cols) {
  static std::unique_ptr<DenseSet<T>> set;
  if (!set || std::int64_t(set->values.size() * sizeof(T)) !=
                  total_bytes / std::int64_t(sizeof(T) * cols) * cols * std::int64_t(sizeof(T))) {
    set = std::make_unique<DenseSet<T>>();
    set->cols = cols;
    set->rows = total_bytes / std::int64_t(sizeof(T) * cols);
    set->values.resize(std::size_t(set->rows * cols));
    set->labels.resize(std::size_t(set->rows));
    set->x.resize(std::size_t(cols));
    fill(set->values, 1);
    fill(set->labels, 2);
    for (auto& b : set->labels) b = b < 0 ? T(-1) : T(1);
    fill(set->x, 3);
  }
  return *set;
}

// The baseline: read every byte of the array once, over all threads. Each thread keeps READ_LANES independent partial
// sums: a single accumulator chain waits on its own additions and under-reported this machine's bandwidth by
// 1.3-1.75x against a STREAM triad, so the ratio was measured against too low a ceiling.
constexpr std::int64_t READ_LANES = 32;
template <class T>
T memory_sum(const std::vector<T>& v) {
  const std::int64_t blocks = std::int64_t(v.size()) / READ_LANES;
  const T* p = v.data();
  T total = 0;
#pragma omp parallel reduction(+ : total)
  {
    T lanes[READ_LANES] = {};
#pragma omp for schedule(static)
    for (std::int64_t b = 0; b < blocks; ++b) {
      const T* q = p + b * READ_LANES;
#pragma omp simd
      for (std::int64_t j = 0; j < READ_LANES; ++j) lanes[j] += q[j];
    }
    for (T lane : lanes) total += lane;
  }
  for (std::int64_t i = blocks * READ_LANES; i < std::int64_t(v.size()); ++i) total += p[i];
  return total;
}

// STREAM triad a = b + s·c over three arrays of the matrix's size (reported for comparison with the read baseline;
// bytes counted as STREAM does: 2 read + 1 written, write-allocate traffic not counted).
void bm_stream_triad(benchmark::State& state) {
  const std::size_t n = std::size_t(bench_bytes(256)) / sizeof(double);
  std::vector<double> a(n), b(n), c(n);
  fill(a, 4);
  fill(b, 5);
  fill(c, 6);
  const std::int64_t m = std::int64_t(n);
  for (auto _ : state) {
#pragma omp parallel for simd schedule(static)
    for (std::int64_t i = 0; i < m; ++i) a[std::size_t(i)] = b[std::size_t(i)] + 3.0 * c[std::size_t(i)];
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * std::int64_t(3 * n * sizeof(double)));
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void set_ratio_counters(benchmark::State& state, double bytes, double pass_seconds, double baseline_seconds) {
  const double it = double(state.iterations());
  state.counters["baseline_bytes_per_second"] = benchmark::Counter(bytes * it / baseline_seconds);
  state.counters["ratio"] = benchmark::Counter((bytes * it / pass_seconds) / (bytes * it / baseline_seconds));
}

// Standalone baseline (the table's "memory" row).
template <class T>
void bm_memory_sum(benchmark::State& state) {
  const auto& set = dense_set<T>(bench_bytes(256), state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(memory_sum(set.values));
  state.SetBytesProcessed(state.iterations() * std::int64_t(set.values.size() * sizeof(T)));
}

// The fused gradient pass over all rows, alternating with the baseline sum over the same matrix.
template <class T>
void bm_cpu_dense(benchmark::State& state) {
  const auto& set = dense_set<T>(bench_bytes(256), state.range(0));
  std::vector<T> grad(std::size_t(set.cols));
  const auto rows = SampleSet::range(0, set.rows);
  double pass_seconds = 0.0;
  double baseline_seconds = 0.0;
  cpu::loss_grad<T>(Loss::LOGISTIC, set.view(), rows, set.x, T(1e-4), grad);  // warm-up: thread-local buffers
  for (auto _ : state) {
    auto t0 = Clock::now();
    benchmark::DoNotOptimize(cpu::loss_grad<T>(Loss::LOGISTIC, set.view(), rows, set.x, T(1e-4), grad));
    const double pass = seconds_since(t0);
    t0 = Clock::now();
    benchmark::DoNotOptimize(memory_sum(set.values));
    baseline_seconds += seconds_since(t0);
    pass_seconds += pass;
    state.SetIterationTime(pass);
  }
  state.SetBytesProcessed(state.iterations() * set.bytes());
  set_ratio_counters(state, double(set.bytes()), pass_seconds, baseline_seconds);
  state.counters["threads"] = omp_get_max_threads();
}

// The reference kernel (one thread, two loops per row) on the same data, for scale.
template <class T>
void bm_reference_dense(benchmark::State& state) {
  const auto& set = dense_set<T>(bench_bytes(256), state.range(0));
  std::vector<T> grad(std::size_t(set.cols));
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        reference::loss_grad<T>(Loss::LOGISTIC, set.view(), SampleSet::range(0, set.rows), set.x, T(1e-4), grad));
  }
  state.SetBytesProcessed(state.iterations() * set.bytes());
}

// A mini-batch (index list of 4096 random rows) on the dense matrix: gathered rows.
void bm_cpu_dense_minibatch(benchmark::State& state) {
  const auto& set = dense_set<double>(bench_bytes(256), state.range(0));
  std::vector<std::int64_t> idx(4096);
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = std::int64_t((i * 2654435761u) % std::uint64_t(set.rows));
  std::vector<double> grad(std::size_t(set.cols));
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        cpu::loss_grad<double>(Loss::LOGISTIC, set.view(), SampleSet::list(idx), set.x, 1e-4, grad));
  }
  state.SetBytesProcessed(state.iterations() * std::int64_t(idx.size()) * set.cols * std::int64_t(sizeof(double)));
}

// CSR, 100 nonzeros per row over 100 000 columns (0.1% density), sorted columns spread over the row (a stride pattern
// with a per-row offset). Bytes = values + column indices + row pointers + labels.
struct CsrSet {
  std::vector<std::int64_t> row_ptr;
  std::vector<std::int32_t> col_index;
  std::vector<double> values, labels, x;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  Data<double> view() const {
    return {Csr<double>{row_ptr.data(), col_index.data(), values.data(), rows, cols}, labels.data()};
  }
  std::int64_t bytes() const {
    return std::int64_t(values.size() * 8 + col_index.size() * 4 + row_ptr.size() * 8 + labels.size() * 8);
  }
};

const CsrSet& csr_set(std::int64_t total_bytes, std::int64_t per_row) {
  static std::unique_ptr<CsrSet> set;
  const std::int64_t cols = 100000;
  const std::int64_t rows = total_bytes / (per_row * std::int64_t(sizeof(double) + sizeof(std::int32_t)));
  if (!set || set->rows != rows) {
    set = std::make_unique<CsrSet>();
    set->rows = rows;
    set->cols = cols;
    set->row_ptr.resize(std::size_t(rows + 1));
    set->col_index.resize(std::size_t(rows * per_row));
    set->values.resize(set->col_index.size());
    set->labels.resize(std::size_t(rows));
    set->x.resize(std::size_t(cols));
    fill(set->values, 4);
    fill(set->labels, 5);
    fill(set->x, 6);
    for (std::int64_t i = 0; i <= rows; ++i) set->row_ptr[std::size_t(i)] = i * per_row;
    for (std::int64_t i = 0; i < rows; ++i) {
      for (std::int64_t k = 0; k < per_row; ++k) {
        set->col_index[std::size_t(i * per_row + k)] =
            std::int32_t((k * (cols / per_row) + i % (cols / per_row)) % cols);
      }
    }
    for (auto& b : set->labels) b = b < 0 ? -1.0 : 1.0;
  }
  return *set;
}

void bm_cpu_csr(benchmark::State& state) {
  const auto& set = csr_set(bench_bytes(256), state.range(0));
  std::vector<double> grad(std::size_t(set.cols));
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        cpu::loss_grad<double>(Loss::LOGISTIC, set.view(), SampleSet::range(0, set.rows), set.x, 1e-4, grad));
  }
  state.SetBytesProcessed(state.iterations() * set.bytes());
}

// CUDA: kernel-only time of a pass over all rows (CUDA events) next to a device-to-device copy of the matrix, timed
// alternately in every iteration; the copy counts read + written bytes (2 × matrix). ratio = pass GB/s / copy GB/s.
template <class T>
void time_cuda_pass(benchmark::State& state, const cuda_api::HostData<T>& host, std::int64_t bytes,
                    std::int64_t matrix_bytes, const T* x) {
  auto* device = cuda_api::upload(host, cuda_api::LOSS_LOGISTIC);
  double pass_seconds = 0.0;
  double copy_seconds = 0.0;
  for (auto _ : state) {
    const double pass = cuda_api::time_sums(device, host.rows, x, 5);
    copy_seconds += cuda_api::time_device_copy(matrix_bytes, 5);
    pass_seconds += pass;
    state.SetIterationTime(pass);
  }
  cuda_api::release(device);
  state.SetBytesProcessed(state.iterations() * bytes);
  const double it = double(state.iterations());
  const double copy_bw = 2.0 * double(matrix_bytes) * it / copy_seconds;  // read + write
  state.counters["copy_bytes_per_second"] = benchmark::Counter(copy_bw);
  state.counters["ratio"] = benchmark::Counter((double(bytes) * it / pass_seconds) / copy_bw);
}

// mode: the dense kernel (SGDSIM_CUDA_DENSE_KERNEL: auto, warp or block), read when the data is uploaded.
template <class T>
void bm_cuda_dense(benchmark::State& state, const char* mode) {
  setenv("SGDSIM_CUDA_DENSE_KERNEL", mode, 1);
  const auto& set = dense_set<T>(bench_bytes(2048), state.range(0));
  cuda_api::HostData<T> host;
  host.values = set.values.data();
  host.labels = set.labels.data();
  host.rows = set.rows;
  host.cols = set.cols;
  time_cuda_pass<T>(state, host, set.bytes(), std::int64_t(set.values.size() * sizeof(T)), set.x.data());
  unsetenv("SGDSIM_CUDA_DENSE_KERNEL");
}

void bm_cuda_csr(benchmark::State& state) {
  const auto& set = csr_set(bench_bytes(2048), state.range(0));
  cuda_api::HostData<double> host;
  host.values = set.values.data();
  host.row_ptr = set.row_ptr.data();
  host.col_index = set.col_index.data();
  host.labels = set.labels.data();
  host.rows = set.rows;
  host.cols = set.cols;
  time_cuda_pass<double>(state, host, set.bytes(), set.bytes(), set.x.data());
}

// What an algorithm's mini-batch step costs on the GPU, wall-clock: one Resident::loss_grad call on 4096 gathered
// rows (upload x and the index list, the pass, download the gradient).
void bm_cuda_minibatch(benchmark::State& state) {
  const auto& set = dense_set<double>(bench_bytes(2048), state.range(0));
  cuda::Resident<double> resident(Loss::LOGISTIC, 1e-4, set.view());
  std::vector<std::int64_t> idx(4096);
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = std::int64_t((i * 2654435761u) % std::uint64_t(set.rows));
  std::vector<double> grad(std::size_t(set.cols));
  resident.loss_grad(SampleSet::list(idx), set.x, grad);  // warm-up
  for (auto _ : state) benchmark::DoNotOptimize(resident.loss_grad(SampleSet::list(idx), set.x, grad));
  state.SetBytesProcessed(state.iterations() * std::int64_t(idx.size()) * set.cols * std::int64_t(sizeof(double)));
}

}  // namespace

int main(int argc, char** argv) {
  // 1000 columns: rows of 4 kB (float) / 8 kB (double); the same shape on the GPU (rows held in registers there).
  constexpr std::int64_t COLS = 1000;
  benchmark::RegisterBenchmark("memory_sum/float", bm_memory_sum<float>)
      ->Arg(COLS)
      ->Iterations(20)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("cpu_dense/float", bm_cpu_dense<float>)
      ->Arg(COLS)
      ->Iterations(20)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("memory_sum/double", bm_memory_sum<double>)
      ->Arg(COLS)
      ->Iterations(20)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("cpu_dense/double", bm_cpu_dense<double>)
      ->Arg(COLS)
      ->Iterations(20)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("stream_triad/double", bm_stream_triad)
      ->Iterations(20)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("reference_dense/double", bm_reference_dense<double>)
      ->Arg(COLS)
      ->Iterations(3)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("cpu_dense_minibatch/double", bm_cpu_dense_minibatch)
      ->Arg(COLS)
      ->Iterations(200)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("cpu_csr/double", bm_cpu_csr)
      ->Arg(100)
      ->Iterations(10)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  if (cuda_device_available()) {
    // 1000 columns is the target shape; 100 (narrow rows) and 4096 (wide rows) for scale; at 1000 columns also each
    // dense kernel forced (also at 300 and 2000 columns), to compare them in one run.
    const auto dense = [](const char* name, auto fn, const char* mode, std::int64_t cols) {
      benchmark::RegisterBenchmark(name, fn, mode)
          ->Arg(cols)
          ->Iterations(10)
          ->UseManualTime()
          ->Unit(benchmark::kMicrosecond);
    };
    for (const std::int64_t cols : {std::int64_t(100), COLS, std::int64_t(4096)}) {
      dense("cuda_dense/float", bm_cuda_dense<float>, "auto", cols);
      dense("cuda_dense/double", bm_cuda_dense<double>, "auto", cols);
    }
    for (const std::int64_t cols : {std::int64_t(300), COLS, std::int64_t(2000)}) {
      for (const char* mode : {"warp", "block"}) {
        dense((std::string("cuda_dense_") + mode + "/float").c_str(), bm_cuda_dense<float>, mode, cols);
        dense((std::string("cuda_dense_") + mode + "/double").c_str(), bm_cuda_dense<double>, mode, cols);
      }
    }
    benchmark::RegisterBenchmark("cuda_csr/double", bm_cuda_csr)
        ->Arg(100)
        ->Iterations(10)
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("cuda_minibatch/double", bm_cuda_minibatch)
        ->Arg(COLS)
        ->Iterations(2000)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("cuda_compiled", cuda_compiled() ? "yes" : "no");
  benchmark::AddCustomContext("cuda_device_available", cuda_device_available() ? "yes" : "no");
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
