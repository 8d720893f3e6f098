// MLP gradients per mini-batch next to the GEMM throughput of the same shapes, measured in the same run.
//
// Shape 784-256-128-10 (Fashion-MNIST's MLP), B = 128 listed rows of a 4096-row data set. Every iteration times one
// network gradient and then the same matrix products by the library alone (CPU: Eigen GEMMs on plain matrices; CUDA:
// cuBLAS GEMMs on device buffers): forward W_l H_l for every layer, backward Δ_l H_lᵀ for every layer and W_lᵀ Δ_l
// for all but the first. Counters: gflops (gradient, counting those products' flops), gemm_gflops (the products alone),
// ratio = gemm seconds / gradient seconds (the share of the gradient's time the products would take at the library's
// own throughput; 1 = no overhead beyond the GEMMs). CUDA benchmarks are skipped without a device.
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

#include "sgdsim/kernels/network.hpp"

namespace {

using namespace sgdsim::kernels;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t ROWS = 4096;
constexpr std::int64_t BATCH = 128;

NetworkShape mlp_shape() {
  NetworkShape s;
  s.widths = {784, 256, 128, 10};
  s.activation = Activation::RELU;
  return s;
}

// Flops of the products of one gradient over b rows: 2·b·in·out per product; 3 per layer but 2 for the first.
double gradient_flops(const NetworkShape& s, std::int64_t b) {
  double flops = 0;
  for (int l = 0; l < s.layers(); ++l) flops += (l == 0 ? 2.0 : 3.0) * 2.0 * double(b * s.widths[l] * s.widths[l + 1]);
  return flops;
}

template <class T>
struct Problem {
  std::vector<T> values, labels, x;
  std::vector<std::int64_t> batch;
  Data<T> view() const { return {Dense<T>{values.data(), ROWS, 784}, labels.data()}; }
};

template <class T>
const Problem<T>& problem() {
  static const Problem<T> p = [] {
    Problem<T> q;
    std::mt19937_64 gen(1);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::normal_distribution<double> normal(0.0, 0.05);
    q.values.resize(std::size_t(ROWS * 784));
    for (auto& v : q.values) v = T(u(gen));
    q.labels.resize(std::size_t(ROWS));
    for (std::size_t i = 0; i < q.labels.size(); ++i) q.labels[i] = T(i % 10);
    q.x.resize(std::size_t(mlp_shape().parameters()));
    for (auto& v : q.x) v = T(normal(gen));
    std::uniform_int_distribution<std::int64_t> row(0, ROWS - 1);
    for (std::int64_t i = 0; i < BATCH; ++i) q.batch.push_back(row(gen));
    return q;
  }();
  return p;
}

// The products of one gradient with Eigen alone, on buffers of the same shapes.
template <class T>
struct EigenProducts {
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  std::vector<Mat> w, h, d, gw, below;
  explicit EigenProducts(const NetworkShape& s) {
    for (int l = 0; l < s.layers(); ++l) {
      w.push_back(Mat::Random(s.widths[l + 1], s.widths[l]));
      h.push_back(Mat::Random(s.widths[l], BATCH));
      d.push_back(Mat::Random(s.widths[l + 1], BATCH));
      gw.push_back(Mat::Zero(s.widths[l + 1], s.widths[l]));
      below.push_back(Mat::Zero(s.widths[l], BATCH));
    }
  }
  void run() {
    const int layers = int(w.size());
    for (int l = 0; l < layers; ++l) d[l].noalias() = w[l] * h[l];
    for (int l = layers - 1; l >= 0; --l) {
      gw[l].noalias() += d[l] * h[l].transpose();
      if (l > 0) below[l].noalias() = w[l].transpose() * d[l];
    }
    benchmark::DoNotOptimize(gw.back().data());
  }
};

template <class T>
void cpu_mlp(benchmark::State& state) {
  const NetworkShape shape = mlp_shape();
  const auto& p = problem<T>();
  cpu::Network<T> net(shape, T(1e-4), p.view());
  std::vector<T> grad(p.x.size());
  EigenProducts<T> gemm(shape);
  double gradient_seconds = 0, gemm_seconds = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    benchmark::DoNotOptimize(net.loss_grad(SampleSet::list(p.batch), p.x, grad));
    const auto t1 = Clock::now();
    gemm.run();
    const auto t2 = Clock::now();
    gradient_seconds += std::chrono::duration<double>(t1 - t0).count();
    gemm_seconds += std::chrono::duration<double>(t2 - t1).count();
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
  }
  const double flops = gradient_flops(shape, BATCH) * double(state.iterations());
  state.counters["gflops"] = flops / gradient_seconds * 1e-9;
  state.counters["gemm_gflops"] = flops / gemm_seconds * 1e-9;
  state.counters["ratio"] = gemm_seconds / gradient_seconds;
}

template <class T>
void cuda_mlp(benchmark::State& state) {
  if (!cuda_device_available()) {
    state.SkipWithError("no usable CUDA device");
    return;
  }
  const NetworkShape shape = mlp_shape();
  const auto& p = problem<T>();
  cuda::ResidentNetwork<T> net(shape, T(1e-4), p.view());
  double gradient_seconds = 0, gemm_seconds = 0;
  for (auto _ : state) {
    const double g = net.time_gradient(BATCH, p.x, 20);
    const double m = net.time_gemms(BATCH, 20);
    gradient_seconds += g;
    gemm_seconds += m;
    state.SetIterationTime(g);
  }
  const double flops = gradient_flops(shape, BATCH) * double(state.iterations());
  state.counters["gflops"] = flops / gradient_seconds * 1e-9;
  state.counters["gemm_gflops"] = flops / gemm_seconds * 1e-9;
  state.counters["ratio"] = gemm_seconds / gradient_seconds;
  // A full call as the simulation makes it: upload x and the index list, download the gradient (wall clock).
  std::vector<T> grad(p.x.size());
  const auto t0 = Clock::now();
  for (int i = 0; i < 20; ++i) net.loss_grad(SampleSet::list(p.batch), p.x, grad);
  state.counters["call_us"] = std::chrono::duration<double>(Clock::now() - t0).count() / 20 * 1e6;
}

}  // namespace

BENCHMARK(cpu_mlp<double>)->Name("cpu_mlp_b128/double")->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(cpu_mlp<float>)->Name("cpu_mlp_b128/float")->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(cuda_mlp<double>)->Name("cuda_mlp_b128/double")->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(cuda_mlp<float>)->Name("cuda_mlp_b128/float")->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
