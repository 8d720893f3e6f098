// The MPI backend's entry point: every rank of an mpirun calls run_mpi; rank 0 gets the results.
#pragma once

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

// Checks the world size against ranks_needed(scenario) (a ConfigError on every rank otherwise), runs all
// repetitions with MpiComm / wall clock / real compute, and returns the results on rank 0 (empty elsewhere).
RunResults run_mpi(const Scenario& scenario, const Problem& problem, TraceSink* observer = nullptr);

}  // namespace sgdsim::exec
