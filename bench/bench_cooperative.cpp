// Simulator throughput of the model-averaging family: simulated iterations per CPU-second of D-PSGD on a ring and on a
// 2-D torus (a neighbour exchange every iteration) beside sync SGD (an all-reduce every iteration), 64 and 256 workers.
//
// SimGrid allows one engine per process, so every simulation runs in a forked child that measures the CPU time of its
// simulate() call (CLOCK_PROCESS_CPUTIME_ID: other load on the machine does not count) and sends it back through a
// pipe; data generation happens before the fork. The benchmark's reported time is that CPU time (manual time).
#include <benchmark/benchmark.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <string>

#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/sim/simulate.hpp"

namespace {

constexpr int ITERATIONS = 100;

// The shape of bench_simulator's runs: logistic regression, d = 100, 40 samples per worker (at least 20000), a
// 10 Gbps / 50 µs star, shifted-exponential stragglers; the loss evaluated every 20 iterations (and with it the
// consensus distance, a monitoring gather of every model).
std::string scenario_json(const std::string& algorithm, int workers) {
  return R"({"name": "bench", "problem": {"objective": "logistic", "l2": 1e-3,
      "data": {"synthetic": {"samples": )" + std::to_string(std::max(20000, 40 * workers)) + R"(, "features": 100}}},
    "cluster": {"workers": )" + std::to_string(workers) + R"(,
      "network": {"topology": "star", "bandwidth": "10Gbps", "latency": "50us"},
      "compute": {"seconds_per_pass": 1.0, "straggling": {"rate": 2.0}}},
    "algorithm": )" + algorithm + R"(, "stop": {"iterations": )" + std::to_string(ITERATIONS) + R"(},
    "output": {"every": 20}})";
}

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// CPU seconds of one simulation in a child process; negative if it failed.
double simulate_in_child(const sgdsim::Scenario& s, const sgdsim::Problem& problem) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const double start = cpu_seconds();
    const auto results = sgdsim::sim::simulate(s, problem);
    const double cpu = cpu_seconds() - start;
    if (results.summaries.empty() || write(fds[1], &cpu, sizeof cpu) != sizeof cpu) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  double cpu = -1;
  if (read(fds[0], &cpu, sizeof cpu) != sizeof cpu) cpu = -1;
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? cpu : -1;
}

void run(benchmark::State& state, const std::string& algorithm) {
  const int workers = static_cast<int>(state.range(0));
  const sgdsim::Scenario s = sgdsim::parse_scenario(scenario_json(algorithm, workers));
  const sgdsim::Problem problem = sgdsim::make_problem(s);
  double total = 0;
  for (auto _ : state) {
    const double cpu = simulate_in_child(s, problem);
    if (cpu < 0) {
      state.SkipWithError("the simulation failed");
      break;
    }
    state.SetIterationTime(cpu);
    total += ITERATIONS;
  }
  state.counters["sim_iterations_per_cpu_s"] = benchmark::Counter(total, benchmark::Counter::kIsRate);
  state.counters["workers"] = workers;
}

void sync_sgd(benchmark::State& state) { run(state, R"({"name": "sync_sgd", "batch_size": 32, "step_size": 0.5})"); }
void dpsgd_ring(benchmark::State& state) {
  run(state, R"({"name": "dpsgd", "batch_size": 32, "topology": "ring", "step_size": 0.5})");
}
void dpsgd_torus(benchmark::State& state) {
  run(state, R"({"name": "dpsgd", "batch_size": 32, "topology": "torus", "step_size": 0.5})");
}

}  // namespace

BENCHMARK(sync_sgd)->Arg(64)->Arg(256)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(dpsgd_ring)->Arg(64)->Arg(256)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(dpsgd_torus)->Arg(64)->Arg(256)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK_MAIN();
