// Simulator throughput: simulated iterations per wall-second for the model-averaging and parameter-server patterns.
//
// SimGrid allows one engine per process, so every measured simulation runs in a forked child; the parent times it
// (manual time) and reads the iteration count back through a pipe. Set-up (data generation) is outside the timing.
#include <benchmark/benchmark.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/sim/simulate.hpp"

namespace {

std::string scenario_json(const std::string& algorithm, int workers, int iterations, bool numerics) {
  return R"({"name": "bench", "problem": {"objective": "logistic", "l2": 1e-3,
      "data": {"synthetic": {"samples": )" + std::to_string(std::max(20000, 40 * workers)) + R"(, "features": 100}}},
    "cluster": {"workers": )" + std::to_string(workers) + R"(,
      "network": {"topology": "star", "bandwidth": "10Gbps", "latency": "50us"},
      "compute": {"seconds_per_pass": 1.0, "straggling": {"rate": 2.0}, "numerics": )" +
         (numerics ? "true" : "false") + R"(}},
    "algorithm": )" + algorithm + R"(, "stop": {"iterations": )" + std::to_string(iterations) + "}}";
}

// Runs one simulation in a child process; returns its wall seconds (measured around simulate() in the child).
double simulate_in_child(const sgdsim::Scenario& s, const sgdsim::Problem& problem, benchmark::State& state) {
  int fds[2];
  if (pipe(fds) != 0) state.SkipWithError("pipe failed");
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const auto start = std::chrono::steady_clock::now();
    const auto results = sgdsim::sim::simulate(s, problem);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double answer[2] = {seconds, static_cast<double>(results.iterations.size())};
    if (write(fds[1], answer, sizeof answer) != sizeof answer) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  double answer[2] = {0, 0};
  const bool ok = read(fds[0], answer, sizeof answer) == sizeof answer;
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) state.SkipWithError("the simulation failed");
  return answer[0];
}

void run(benchmark::State& state, const std::string& algorithm, int iterations, bool numerics) {
  const int workers = static_cast<int>(state.range(0));
  const sgdsim::Scenario s = sgdsim::parse_scenario(scenario_json(algorithm, workers, iterations, numerics));
  const sgdsim::Problem problem = sgdsim::make_problem(s);
  double total_iterations = 0;
  for (auto _ : state) {
    state.SetIterationTime(simulate_in_child(s, problem, state));
    total_iterations += iterations;
  }
  state.counters["sim_iterations_per_s"] = benchmark::Counter(total_iterations, benchmark::Counter::kIsRate);
  state.counters["workers"] = workers;
}

void sync_sgd(benchmark::State& state) { run(state, R"({"name": "sync_sgd", "batch_size": 32, "step_size": 0.5})", 200, true); }
void local_sgd(benchmark::State& state) {
  run(state, R"({"name": "local_sgd", "batch_size": 32, "tau": 8, "step_size": 0.5})", 400, true);
}
void agc_runtime_only(benchmark::State& state) {
  run(state, R"({"name": "agc", "tasks_per_worker": 2, "wait_for": )" + std::to_string(state.range(0) * 3 / 4) +
                 R"(, "step_size": 1.0})", 100, false);
}
void agc_with_numerics(benchmark::State& state) {
  run(state, R"({"name": "agc", "tasks_per_worker": 2, "wait_for": )" + std::to_string(state.range(0) * 3 / 4) +
                 R"(, "step_size": 1.0})", 100, true);
}

// The simulator's overhead over the kernels for an MLP (784-256-128, 2 classes): sync SGD, 4 workers, B = 128,
// 50 iterations, evaluated only at the last. overhead = simulation wall seconds / (gradient calls × the seconds of
// one 128-row gradient measured here, in the same run); the final evaluations (1024 rows, about 11 mini-batches'
// worth of work, 5 % of the 200 calls) are included in the numerator.
void mlp_overhead(benchmark::State& state) {
  const int workers = 4;
  const int iterations = 50;
  const sgdsim::Scenario s = sgdsim::parse_scenario(R"({"name": "bench-mlp",
    "problem": {"model": {"name": "mlp", "hidden": [256, 128]}, "l2": 1e-4,
                "data": {"synthetic": {"samples": 1024, "features": 784}}},
    "cluster": {"workers": 4, "network": {"topology": "cluster", "bandwidth": "10Gbps", "latency": "50us"},
                "compute": {"seconds_per_pass": 1.0, "straggling": {"rate": 2.0}}},
    "algorithm": {"name": "sync_sgd", "batch_size": 128, "step_size": 0.05},
    "stop": {"iterations": 50}, "output": {"every": 1000}})");
  const sgdsim::Problem problem = sgdsim::make_problem(s);
  std::vector<std::int64_t> rows(128);
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<std::int64_t>((i * 7) % 1024);
  const std::vector<double> x = problem.initial_point(s.seed, 0);
  std::vector<double> grad(x.size());
  double simulated = 0, kernel = 0;
  for (auto _ : state) {
    const double wall = simulate_in_child(s, problem, state);
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 20; ++i) problem.loss_grad(sgdsim::kernels::SampleSet::list(rows), x, grad);
    kernel += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 20 * workers * iterations;
    simulated += wall;
    state.SetIterationTime(wall);
  }
  state.counters["overhead"] = simulated / kernel;
}

}  // namespace

BENCHMARK(mlp_overhead)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(sync_sgd)->Arg(30)->Arg(256)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(local_sgd)->Arg(30)->Arg(256)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(agc_runtime_only)->Arg(30)->Arg(256)->Arg(1024)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(agc_with_numerics)->Arg(30)->Arg(256)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK_MAIN();
