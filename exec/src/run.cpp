// run_mpi: the world-size check, then one MpiComm, wall clock and RealCompute per repetition around run_rank.
#include "sgdsim/exec/run.hpp"

#include <mpi.h>

#include <string>

#include "sgdsim/core/algorithms/algorithm.hpp"
#include "sgdsim/error.hpp"
#include "sgdsim/exec/mpi_check.hpp"
#include "sgdsim/exec/mpi_comm.hpp"
#include "sgdsim/exec/real_compute.hpp"

namespace sgdsim::exec {

namespace {

// The same on every rank, computed without communicating: a wrong -np fails everywhere instead of hanging.
void check_world_size(const Scenario& scenario, int world) {
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

}  // namespace

RunResults run_mpi(const Scenario& scenario, const Problem& problem, TraceSink* observer) {
  int world = 0;
  int rank = 0;
  SGDSIM_MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &world));
  SGDSIM_MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
  check_world_size(scenario, world);
  const int worker = worker_of_rank(scenario, rank);  // -1: the PS

  RunResults results;
  for (int repetition = 0; repetition < scenario.repetitions; ++repetition) {
    MpiComm comm(MPI_COMM_WORLD);
    SGDSIM_MPI_CHECK(MPI_Barrier(comm.handle()));  // aligns the clocks; not counted as algorithm traffic
    const WallClock clock;
    RealCompute compute(scenario, problem, repetition, worker, comm, clock);
    run_rank(scenario, problem, repetition, comm, compute, clock, results, observer);
    comm.finish();
  }
  return results;
}

}  // namespace sgdsim::exec
