// The MPI backend's entry point: every rank of an mpirun calls run_mpi; rank 0 gets the results.
#pragma once

#include <string>

#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/core/trace/trace.hpp"

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

// Checks the world size against ranks_needed(scenario) (a ConfigError on every rank otherwise), runs all
// repetitions with MpiComm / wall clock / real compute, and returns the results on rank 0 (empty elsewhere).
RunResults run_mpi(const Scenario& scenario, const Problem& problem, TraceSink* observer = nullptr);

}  // namespace sgdsim::exec
