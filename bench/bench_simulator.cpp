// Simulator cost in CPU time: per iteration at two run lengths (flat cost), worker-iterations per CPU-second at 1024
// workers (PS family, sync and local SGD), and 4096 / 16384-worker AGC runs with their peak memory; both engines.
//
// SimGrid allows one engine per process, so every simulation runs in a forked child that measures its own CPU time
// around simulate() (CLOCK_PROCESS_CPUTIME_ID: other load on the machine does not count) and its peak resident memory,
// and sends them back through a pipe. Data generation happens in the parent, before the fork, and is not counted.
// The benchmark's reported time is that CPU time (manual time).
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <string>
#include <vector>

#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/sim/simulate.hpp"

namespace {

using sgdsim::sim::SimEngine;

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct Measured {
  double cpu = 0;     // seconds of CPU in simulate()
  double rss_mb = 0;  // peak resident set of the child
  bool ok = false;
};

Measured simulate_in_child(const sgdsim::Scenario& s, const sgdsim::Problem& problem, SimEngine engine) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    sgdsim::sim::SimulationOptions options;
    options.engine = engine;
    const double start = cpu_seconds();
    const auto results = sgdsim::sim::simulate(s, problem, options);
    const double cpu = cpu_seconds() - start;
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double answer[2] = {cpu, static_cast<double>(usage.ru_maxrss) / 1024.0};
    const bool complete = !results.summaries.empty();
    if (!complete || write(fds[1], answer, sizeof answer) != sizeof answer) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  double answer[2] = {0, 0};
  const bool got = read(fds[0], answer, sizeof answer) == sizeof answer;
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return {answer[0], answer[1], got && WIFEXITED(status) && WEXITSTATUS(status) == 0};
}

// Star network 10 Gbps / 50 µs (ideal for the run-length benchmarks), logistic regression with d = 100, stragglers
// λ = 2, numerics off unless asked: the simulator's own cost.
std::string scenario_json(const std::string& algorithm, int workers, int iterations, const std::string& topology,
                          bool numerics) {
  return R"({"name": "bench", "problem": {"objective": "logistic", "l2": 1e-3,
      "data": {"synthetic": {"samples": )" +
         std::to_string(std::max(20000, 4 * workers)) + R"(, "features": 100}}},
    "cluster": {"workers": )" +
         std::to_string(workers) + R"(,
      "network": {"topology": ")" +
         topology + R"(", "bandwidth": "10Gbps", "latency": "50us"},
      "compute": {"seconds_per_pass": 1.0, "straggling": {"rate": 2.0}, "numerics": )" +
         (numerics ? "true" : "false") + R"(}},
    "algorithm": )" + algorithm +
         R"(, "stop": {"iterations": )" + std::to_string(iterations) + "}}";
}

std::string algorithm_json(const std::string& name, int workers) {
  if (name == "sync_sgd") return R"({"name": "sync_sgd", "batch_size": 32, "step_size": 0.5})";
  if (name == "local_sgd") return R"({"name": "local_sgd", "batch_size": 32, "tau": 8, "step_size": 0.5})";
  if (name == "uncoded") return R"({"name": "uncoded", "step_size": 1.0})";
  return R"({"name": "agc", "tasks_per_worker": 2, "wait_for": )" + std::to_string(workers * 3 / 4) +
         R"(, "step_size": 1.0})";
}

SimEngine engine_of(benchmark::State& state) { return state.range(0) == 0 ? SimEngine::SIMGRID : SimEngine::ANALYTIC; }

// Goal: CPU per iteration at 20 000 iterations within 1.2× of that at 1 000 (24 workers, ideal network, numerics off).
// A 1000-iteration run takes only 10-20 ms of CPU in the analytic engine, where one page-fault burst or cache flush by
// another process moves it by 25%: the short run is measured SHORT_RUNS times and its median is used.
void run_length(benchmark::State& state, const std::string& algorithm) {
  constexpr int SHORT_RUNS = 5;
  const int workers = 24;
  const int short_run = 1000, long_run = 20000;
  auto parse = [&](int iterations) {
    return sgdsim::parse_scenario(
        scenario_json(algorithm_json(algorithm, workers), workers, iterations, "ideal", false));
  };
  const sgdsim::Scenario s_short = parse(short_run), s_long = parse(long_run);
  const sgdsim::Problem problem = sgdsim::make_problem(s_short);
  for (auto _ : state) {
    std::vector<double> short_cpu;
    bool ok = true;
    for (int i = 0; i < SHORT_RUNS; ++i) {
      const Measured m = simulate_in_child(s_short, problem, engine_of(state));
      ok = ok && m.ok;
      short_cpu.push_back(m.cpu);
    }
    std::nth_element(short_cpu.begin(), short_cpu.begin() + SHORT_RUNS / 2, short_cpu.end());
    const Measured a{short_cpu[SHORT_RUNS / 2], 0, ok};
    const Measured b = simulate_in_child(s_long, problem, engine_of(state));
    if (!a.ok || !b.ok) state.SkipWithError("a simulation failed");
    state.SetIterationTime(a.cpu + b.cpu);
    state.counters["cpu_us_per_iteration_1000"] = 1e6 * a.cpu / short_run;
    state.counters["cpu_us_per_iteration_20000"] = 1e6 * b.cpu / long_run;
    state.counters["ratio_20000_to_1000"] = (b.cpu / long_run) / (a.cpu / short_run);
  }
}

// Worker-iterations per CPU-second at k workers (numerics off), and the child's peak memory.
void throughput(benchmark::State& state, const std::string& algorithm, bool numerics) {
  const int workers = static_cast<int>(state.range(1));
  const int iterations = static_cast<int>(state.range(2));
  const sgdsim::Scenario s = sgdsim::parse_scenario(
      scenario_json(algorithm_json(algorithm, workers), workers, iterations, "star", numerics));
  const sgdsim::Problem problem = sgdsim::make_problem(s);
  for (auto _ : state) {
    const Measured m = simulate_in_child(s, problem, engine_of(state));
    if (!m.ok) state.SkipWithError("the simulation failed");
    state.SetIterationTime(m.cpu);
    state.counters["worker_iterations_per_cpu_s"] = static_cast<double>(workers) * iterations / m.cpu;
    state.counters["peak_rss_mb"] = m.rss_mb;
    state.counters["workers"] = workers;
    state.counters["iterations"] = iterations;
  }
}

// Simulations with numerics: CPU of simulate() with numerics against the CPU its kernel calls take, measured as the
// same simulation's CPU with numerics on minus off (the gradients and the trace's loss evaluations; everything else is
// identical). overhead = with / (with − without): 1 would be a simulation that costs nothing beyond its kernels.
void numerics_overhead(benchmark::State& state, const std::string& json) {
  const sgdsim::Scenario on = sgdsim::parse_scenario(json);
  const sgdsim::Scenario off = sgdsim::parse_scenario(json, {"cluster.compute.numerics=false"});
  const sgdsim::Problem problem = sgdsim::make_problem(on);
  for (auto _ : state) {
    const Measured with = simulate_in_child(on, problem, engine_of(state));
    const Measured without = simulate_in_child(off, problem, engine_of(state));
    if (!with.ok || !without.ok) state.SkipWithError("a simulation failed");
    state.SetIterationTime(with.cpu);
    state.counters["cpu_s_with_numerics"] = with.cpu;
    state.counters["cpu_s_kernels"] = with.cpu - without.cpu;
    state.counters["overhead"] = with.cpu / (with.cpu - without.cpu);
  }
}

// scenarios/quickstart.json, variant sync (16 workers, sync SGD, B = 16, 600 iterations, loss every 20).
void numerics_quickstart(benchmark::State& state) {
  numerics_overhead(state, R"({"name": "q", "seed": 1, "problem": {"objective": "logistic", "l2": 1e-3,
      "data": {"synthetic": {"samples": 16000, "features": 40, "separation": 1.5}}},
    "cluster": {"workers": 16, "network": {"topology": "star", "bandwidth": "1Gbps", "latency": "50us"},
      "compute": {"seconds_per_pass": 2.0, "straggling": {"rate": 1.0}}},
    "algorithm": {"name": "sync_sgd", "batch_size": 16, "step_size": 0.5},
    "stop": {"iterations": 600}, "output": {"every": 20}})");
}

// scenarios/agc-experiment.json, variant agc-c2-r11 (30 workers, sparse 30000 x 300, 100 iterations, loss every one).
void numerics_agc_experiment(benchmark::State& state) {
  numerics_overhead(state, R"({"name": "a", "seed": 1, "problem": {"objective": "logistic", "l2": 1e-3,
      "data": {"synthetic": {"samples": 30000, "features": 300, "separation": 1.0, "density": 0.1}}},
    "cluster": {"workers": 30, "network": {"topology": "star", "bandwidth": "1Gbps", "latency": "50us"},
      "compute": {"seconds_per_pass": 1.0, "delay": {"mean": 2.0}}},
    "algorithm": {"name": "agc", "tasks_per_worker": 2, "wait_for": 11, "step_size": 4.0},
    "stop": {"iterations": 100}})");
}

// An MLP (784-256-128, 2 classes): sync SGD, 4 workers, B = 128, 50 iterations, evaluated only at the last.
void numerics_mlp(benchmark::State& state) {
  numerics_overhead(state, R"({"name": "bench-mlp",
    "problem": {"model": {"name": "mlp", "hidden": [256, 128]}, "l2": 1e-4,
                "data": {"synthetic": {"samples": 1024, "features": 784}}},
    "cluster": {"workers": 4, "network": {"topology": "cluster", "bandwidth": "10Gbps", "latency": "50us"},
                "compute": {"seconds_per_pass": 1.0, "straggling": {"rate": 2.0}}},
    "algorithm": {"name": "sync_sgd", "batch_size": 128, "step_size": 0.05},
    "stop": {"iterations": 50}, "output": {"every": 1000}})");
}

void length_sync_sgd(benchmark::State& state) { run_length(state, "sync_sgd"); }
void length_local_sgd(benchmark::State& state) { run_length(state, "local_sgd"); }
void length_uncoded(benchmark::State& state) { run_length(state, "uncoded"); }
void length_agc(benchmark::State& state) { run_length(state, "agc"); }
void agc(benchmark::State& state) { throughput(state, "agc", false); }
void sync_sgd(benchmark::State& state) { throughput(state, "sync_sgd", false); }
void local_sgd(benchmark::State& state) { throughput(state, "local_sgd", false); }

// Args: {engine (0 simgrid, 1 analytic)} or {engine, workers, iterations}.
#define SGDSIM_BENCH(f) BENCHMARK(f)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1)
SGDSIM_BENCH(numerics_quickstart)->ArgName("engine")->Arg(0)->Arg(1);
SGDSIM_BENCH(numerics_agc_experiment)->ArgName("engine")->Arg(0)->Arg(1);
SGDSIM_BENCH(numerics_mlp)->ArgName("engine")->Arg(0)->Arg(1);
SGDSIM_BENCH(length_sync_sgd)->ArgName("engine")->Arg(0)->Arg(1);
SGDSIM_BENCH(length_local_sgd)->ArgName("engine")->Arg(0)->Arg(1);
SGDSIM_BENCH(length_uncoded)->ArgName("engine")->Arg(0)->Arg(1);
SGDSIM_BENCH(length_agc)->ArgName("engine")->Arg(0)->Arg(1);
SGDSIM_BENCH(agc)->ArgNames({"engine", "workers", "iterations"})->Args({0, 1024, 50})->Args({1, 1024, 1000})
    ->Args({1, 4096, 1000})->Args({1, 16384, 1000});
SGDSIM_BENCH(sync_sgd)->ArgNames({"engine", "workers", "iterations"})->Args({0, 1024, 20})->Args({1, 1024, 500});
SGDSIM_BENCH(local_sgd)->ArgNames({"engine", "workers", "iterations"})->Args({0, 1024, 80})->Args({1, 1024, 1000});

}  // namespace

BENCHMARK_MAIN();
