// Helpers of the model-averaging family's simulation tests: simulations in child processes (to compare several in one
// test case), tiny least-squares problems given row by row, and bit-for-bit comparison of two runs.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/core/trace/trace.hpp"
#include "sgdsim/sim/simulate.hpp"

namespace sgdsim::testing {

namespace detail {

static_assert(std::is_trivially_copyable_v<IterationRecord> && std::is_trivially_copyable_v<WorkerRecord>);

template <class T>
void put(int fd, const T* data, std::size_t count) {
  const auto* bytes = reinterpret_cast<const char*>(data);
  for (std::size_t left = count * sizeof(T); left > 0;) {
    const ssize_t n = ::write(fd, bytes, left);
    if (n <= 0) _exit(3);
    bytes += n;
    left -= static_cast<std::size_t>(n);
  }
}

template <class T>
bool get(int fd, T* data, std::size_t count) {
  auto* bytes = reinterpret_cast<char*>(data);
  for (std::size_t left = count * sizeof(T); left > 0;) {
    const ssize_t n = ::read(fd, bytes, left);
    if (n <= 0) return false;
    bytes += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace detail

// sim::simulate in a forked child (SimGrid allows one engine per process, and a second one in the same process does not
// start its clock from zero): the trace rows, worker records, first model and the summaries' numbers come back.
inline RunResults simulate_in_child(const Scenario& scenario, const Problem& problem) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    int code = 0;
    try {
      const RunResults r = sim::simulate(scenario, problem);
      const std::size_t counts[4] = {r.iterations.size(), r.workers.size(), r.summaries.size(), r.models.at(0).size()};
      detail::put(fds[1], counts, 4);
      detail::put(fds[1], r.iterations.data(), counts[0]);
      detail::put(fds[1], r.workers.data(), counts[1]);
      for (const auto& s : r.summaries) {
        const double numbers[6] = {static_cast<double>(s.iterations), s.time, s.final_loss,
                                   static_cast<double>(s.comm_rounds), static_cast<double>(s.bytes), s.zeta};
        detail::put(fds[1], numbers, 6);
      }
      detail::put(fds[1], r.models[0].data(), counts[3]);
    } catch (...) {
      code = 2;
    }
    _exit(code);
  }
  ::close(fds[1]);
  RunResults r;
  std::size_t counts[4] = {};
  bool ok = detail::get(fds[0], counts, 4);
  r.iterations.resize(counts[0]);
  r.workers.resize(counts[1]);
  ok = ok && detail::get(fds[0], r.iterations.data(), counts[0]) && detail::get(fds[0], r.workers.data(), counts[1]);
  for (std::size_t i = 0; ok && i < counts[2]; ++i) {
    double numbers[6];
    ok = detail::get(fds[0], numbers, 6);
    RunSummary s;
    s.iterations = static_cast<std::int64_t>(numbers[0]);
    s.time = numbers[1];
    s.final_loss = numbers[2];
    s.comm_rounds = static_cast<std::int64_t>(numbers[3]);
    s.bytes = static_cast<std::uint64_t>(numbers[4]);
    s.zeta = numbers[5];
    r.summaries.push_back(s);
  }
  r.models.assign(1, std::vector<double>(counts[3]));
  ok = ok && detail::get(fds[0], r.models[0].data(), counts[3]);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("the simulation failed");
  return r;
}

// A least-squares problem (l2 = 0) with one feature: rows (a_i, b_i).
inline Problem scalar_problem(const std::vector<std::pair<double, double>>& rows) {
  Dataset data;
  data.rows = static_cast<std::int64_t>(rows.size());
  data.cols = 1;
  for (const auto& [a, b] : rows) {
    data.dense.push_back(a);
    data.labels.push_back(b);
  }
  return Problem(std::move(data), kernels::Loss::LEAST_SQUARES, 0.0, kernels::Device::REFERENCE);
}

// A scenario over `workers` workers of that problem's shape, one row per worker and mini-batches of that row; no
// stragglers, on an ideal network unless `network` says otherwise.
inline std::string scalar_scenario(int workers, const std::string& algorithm, int iterations, int seed,
                                   const std::string& network = R"({"topology": "ideal"})") {
  return R"({"name": "hand", "seed": )" + std::to_string(seed) + R"(,
    "problem": {"objective": "least_squares", "data": {"synthetic": {"samples": )" +
         std::to_string(workers) + R"(, "features": 1}}},
    "cluster": {"workers": )" + std::to_string(workers) + R"(, "network": )" + network +
         R"(, "compute": {"seconds_per_pass": 1.0}},
    "algorithm": )" + algorithm + R"(, "stop": {"iterations": )" + std::to_string(iterations) + "}}";
}

inline bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Every field of every row, bit for bit.
inline bool same_rows(const IterationRecord& a, const IterationRecord& b) {
  return a.run == b.run && a.iteration == b.iteration && same_bits(a.time, b.time) && same_bits(a.loss, b.loss) &&
         same_bits(a.grad_norm, b.grad_norm) && a.comm_rounds == b.comm_rounds && a.bytes == b.bytes &&
         a.waited_for == b.waited_for && a.tau == b.tau && same_bits(a.consensus, b.consensus) &&
         same_bits(a.average_grad_norm, b.average_grad_norm);
}

inline bool same_rows(const WorkerRecord& a, const WorkerRecord& b) {
  return a.run == b.run && a.iteration == b.iteration && a.worker == b.worker && same_bits(a.start, b.start) &&
         same_bits(a.compute, b.compute) && same_bits(a.arrival, b.arrival) && a.computed == b.computed &&
         a.used == b.used && a.dropped == b.dropped;
}

}  // namespace sgdsim::testing
