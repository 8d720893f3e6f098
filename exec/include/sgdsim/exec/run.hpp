// The MPI backend's entry points: the start-up agreement of all ranks, then run_mpi on every rank of an mpirun.
#pragma once

#include <string>
#include <vector>

#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/core/trace/trace.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim::exec {

// MPI_Init_thread on construction, MPI_Finalize on destruction (never throws); MPI errors return codes.
class MpiSession {
 public:
  MpiSession(int* argc, char*** argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const;
  int size() const;
  [[noreturn]] void abort(int code) const;  // MPI_Abort: makes every rank of the run fail
};

// OpenMP threads per rank for the gradient kernels. Ranks that share a node share its cores: each rank gets
// cores / (ranks on its node) threads (at least 1, never more than the cores it may run on), so that k ranks never start
// k full OpenMP teams on the same cores. An explicit OMP_NUM_THREADS is respected. Collective over MPI_COMM_WORLD.
struct ThreadChoice {
  int threads = 1;
  int cores = 1;           // processors online on this node
  int node_ranks = 1;      // ranks on this node (MPI_COMM_TYPE_SHARED)
  int allowed = 1;         // processors this rank may run on (its affinity mask, e.g. after mpirun --bind-to core)
  bool from_environment = false;  // OMP_NUM_THREADS was set
  std::string describe() const;
};
ThreadChoice choose_threads();

// What the ranks agreed at start-up: go (exit_code 0), or the exit code every rank ends with and, for ranks that did
// not fail themselves, the reason (which ranks rejected the scenario, or where the scenarios of the ranks differ).
struct StartVerdict {
  int exit_code = 0;
  std::string message;
};

// Collective over MPI_COMM_WORLD, before any algorithm traffic, so that no rank waits for a peer that gave up.
// `failure` is this rank's own start-up outcome (0 ok, else its exit code, its error already printed); `fingerprint`
// is scenario_fingerprint() of the scenario it parsed. If any rank failed, every rank gets the largest exit code; if
// all parsed but a fingerprint differs from rank 0's, every rank gets exit code 2 and the first differing JSON path.
StartVerdict agree_to_start(int failure, const std::string& fingerprint);

// The same on every rank, computed without communicating: a ConfigError unless MPI_COMM_WORLD has
// ranks_needed(scenario) ranks.
void check_world_size(const Scenario& scenario);

struct MpiRunOptions {
  TraceSink* observer = nullptr;  // rank 0: sees the iteration rows (progress)
  // Seconds rank 0 waits at the end of a repetition for a worker's records before giving up on it (SilentWorkers).
  double worker_timeout = 60.0;
};

// Rank 0, at the end of a repetition: these workers sent nothing within the timeout. Their rows and summary
// (silent_workers) have reached the sink; the job cannot end collectively and must be aborted.
class SilentWorkers : public MpiError {
 public:
  SilentWorkers(const char* file, int line, const std::string& what, std::vector<int> workers)
      : MpiError(file, line, what), workers_(std::move(workers)) {}
  const std::vector<int>& workers() const { return workers_; }

 private:
  std::vector<int> workers_;
};

// Checks the world size, runs all repetitions with MpiComm / wall clock / real compute, and sends rank 0's results to
// `sink` (required on rank 0, unused elsewhere): iteration rows as they happen; worker rows, gathered from every rank
// at the end of each repetition, in (iteration, worker) order; then the repetition's summary and model.
void run_mpi(const Scenario& scenario, const Problem& problem, RunSink* sink, const MpiRunOptions& options = {});
// The same, returning rank 0's results in memory (empty elsewhere).
RunResults run_mpi(const Scenario& scenario, const Problem& problem, const MpiRunOptions& options = {});

}  // namespace sgdsim::exec
