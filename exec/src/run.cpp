// run_mpi: the world-size check, then one MpiComm, wall clock and RealCompute per repetition, and the gathering of
// every rank's worker records to rank 0 at the end of each, with a timeout for workers that went silent.
#include "sgdsim/exec/run.hpp"

#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "sgdsim/core/algorithms/algorithm.hpp"
#include "sgdsim/core/trace/row_collector.hpp"
#include "sgdsim/error.hpp"
#include "sgdsim/exec/mpi_check.hpp"
#include "sgdsim/exec/mpi_comm.hpp"
#include "sgdsim/exec/real_compute.hpp"

namespace sgdsim::exec {

void check_world_size(const Scenario& scenario) {
  int world = 0;
  SGDSIM_MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &world));
  const int needed = ranks_needed(scenario);
  if (world == needed) return;
  const int k = scenario.cluster.workers;
  const std::string layout = worker_of_rank(scenario, 0) < 0 ? "1 parameter server + " + std::to_string(k) + " workers"
                             : needed > k ? std::to_string(k) + " workers + 1 server on rank " + std::to_string(k)
                                          : std::to_string(k) + " workers, one per rank";
  SGDSIM_THROW(ConfigError, "this scenario needs " + std::to_string(needed) + " ranks (" + layout +
                                "), mpirun started " + std::to_string(world) + ": run mpirun -np " +
                                std::to_string(needed));
}

namespace {

std::string seconds_text(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", seconds);
  return buffer;
}

std::string list_of(const std::vector<int>& values) {
  std::string text;
  for (int v : values) text += (text.empty() ? "" : ", ") + std::to_string(v);
  return text;
}

// Every rank but 0: its worker records of the repetition, as one count message and one message of packed records.
void send_records(MpiComm& comm, const std::vector<WorkerRecord>& records) {
  const int tag = message_tag(0, MessageKind::GATHER);
  const auto packed = pack_worker_records(records);
  const double count = static_cast<double>(packed.size());
  comm.send(0, tag, std::span<const double>(&count, 1));
  comm.send(0, tag, packed);
}

// Rank 0: receives every other rank's records into `rows`, waiting at most `timeout` seconds in all. Returns the
// ranks that did not send them in time (their receives are withdrawn).
std::vector<int> receive_records(MpiComm& comm, RowCollector& rows, double timeout) {
  const int tag = message_tag(0, MessageKind::GATHER);
  const auto n = static_cast<std::size_t>(comm.size());
  std::vector<double> counts(n);
  std::vector<std::vector<double>> packed(n);
  std::vector<char> counted(n, 0);
  std::vector<Request> requests(n);
  for (std::size_t r = 1; r < n; ++r) requests[r] = comm.recv_async(static_cast<int>(r), tag, std::span(&counts[r], 1));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout);
  for (std::size_t left = n - 1; left > 0;) {
    const double remaining = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
    const auto r = comm.wait_any_for(requests, std::max(0.0, remaining));
    if (!r) break;
    if (counted[*r] == 0) {
      counted[*r] = 1;
      packed[*r].resize(static_cast<std::size_t>(counts[*r]));
      requests[*r] = comm.recv_async(static_cast<int>(*r), tag, packed[*r]);
      continue;
    }
    for (const auto& record : unpack_worker_records(packed[*r])) rows.worker(record);
    --left;
  }
  std::vector<int> silent;
  for (std::size_t r = 1; r < n; ++r) {
    if (!requests[r].pending()) continue;
    comm.cancel(requests[r]);
    silent.push_back(static_cast<int>(r));
  }
  return silent;
}

}  // namespace

void run_mpi(const Scenario& scenario, const Problem& problem, RunSink* sink, const MpiRunOptions& options) {
  check_world_size(scenario);
  int rank = 0;
  SGDSIM_MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
  if (rank == 0 && sink == nullptr) SGDSIM_THROW(Error, "run_mpi: rank 0 needs a sink for the results");
  const int worker = worker_of_rank(scenario, rank);  // -1: the PS

  // Rank 0 streams its own records to the sink as they happen; the other ranks' arrive at the end of a repetition.
  std::optional<RowCollector> rows;
  if (rank == 0) rows.emplace(scenario.cluster.workers, *sink, options.observer);
  for (int repetition = 0; repetition < scenario.repetitions; ++repetition) {
    MpiComm comm(MPI_COMM_WORLD);
    SGDSIM_MPI_CHECK(MPI_Barrier(comm.handle()));  // aligns the clocks; not counted as algorithm traffic
    const WallClock clock;
    RealCompute compute(scenario, problem, repetition, worker, comm, clock);
    RunResults mine;  // ranks other than 0: this rank's worker records of the repetition
    TraceSink& trace = rank == 0 ? static_cast<TraceSink&>(*rows) : mine;
    RunOutcome outcome = run_algorithm({scenario, problem, repetition, comm, compute, clock, trace});
    if (rank != 0) {
      send_records(comm, mine.workers);
      comm.finish();
      continue;
    }
    // A worker that sends nothing within the timeout (stopped, hung, on a dead node) is given up on: its rows hold
    // what the PS knows, the summary names it, and the caller must end the job (the drain below is collective).
    std::vector<int> silent_ranks = receive_records(comm, *rows, options.worker_timeout);
    for (int r : silent_ranks) outcome.summary.silent_workers.push_back(worker_of_rank(scenario, r));
    rows->flush(outcome.summary.silent_workers);
    sink->repetition(outcome.summary, outcome.model);
    if (!silent_ranks.empty()) {
      const auto& workers = outcome.summary.silent_workers;
      throw SilentWorkers(__FILE__, __LINE__,
                          "worker(s) " + list_of(workers) + " (rank(s) " + list_of(silent_ranks) +
                              ") sent nothing for " + seconds_text(options.worker_timeout) +
                              " s at the end of repetition " + std::to_string(repetition) + ": given up",
                          workers);
    }
    comm.finish();
  }
}

RunResults run_mpi(const Scenario& scenario, const Problem& problem, const MpiRunOptions& options) {
  RunResults results;
  run_mpi(scenario, problem, &results, options);
  return results;
}

}  // namespace sgdsim::exec
