// MpiSession: MPI_Init_thread / MPI_Finalize around a process, and MPI_Abort for the error path.
#include <mpi.h>
#include <omp.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "sgdsim/error.hpp"
#include "sgdsim/exec/mpi_check.hpp"
#include "sgdsim/exec/run.hpp"

namespace sgdsim::exec {

MpiSession::MpiSession(int* argc, char*** argv) {
  // libsimgrid.so exports MPI_* too (SMPI): if it comes first in the link, MPI_Init would be SimGrid's and abort with
  // a cryptic message. MPI_Get_library_version may be called before MPI_Init: say what went wrong instead.
  char version[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int length = 0;
  if (MPI_Get_library_version(version, &length) == MPI_SUCCESS &&
      std::string(version).find("SMPI") != std::string::npos)
    SGDSIM_THROW(MpiError, "MPI calls resolve to SimGrid's SMPI, not to the MPI library (" + std::string(version) +
                               "): link the MPI libraries before libsimgrid (sgdsim::exec before sgdsim::sim)");
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized == 0) {
    // FUNNELED: only the main thread calls MPI; OpenMP threads in the kernels never do.
    int provided = 0;
    SGDSIM_MPI_CHECK(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided));
  }
  SGDSIM_MPI_CHECK(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
}

MpiSession::~MpiSession() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized == 0) MPI_Finalize();  // errors ignored: a destructor never throws
}

int MpiSession::rank() const {
  int rank = 0;
  SGDSIM_MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
  return rank;
}

int MpiSession::size() const {
  int size = 0;
  SGDSIM_MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &size));
  return size;
}

void MpiSession::abort(int code) const {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::abort();  // MPI_Abort does not return; this only satisfies [[noreturn]]
}

ThreadChoice choose_threads() {
  ThreadChoice c;
  MPI_Comm node = MPI_COMM_NULL;
  SGDSIM_MPI_CHECK(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  SGDSIM_MPI_CHECK(MPI_Comm_size(node, &c.node_ranks));
  MPI_Comm_free(&node);
  c.cores = std::max(1, static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)));
  cpu_set_t mask;
  CPU_ZERO(&mask);
  c.allowed = sched_getaffinity(0, sizeof mask, &mask) == 0 ? std::max(1, CPU_COUNT(&mask)) : c.cores;
  const char* env = std::getenv("OMP_NUM_THREADS");
  if (env != nullptr && *env != '\0') {
    c.from_environment = true;
    c.threads = omp_get_max_threads();  // the OpenMP runtime has read the variable
    return c;
  }
  c.threads = std::max(1, std::min(c.cores / c.node_ranks, c.allowed));
  omp_set_num_threads(c.threads);
  return c;
}

std::string ThreadChoice::describe() const {
  auto count = [](int n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); };
  const std::string chosen = count(threads, "OpenMP thread") + " per rank";
  if (from_environment) return chosen + " (OMP_NUM_THREADS)";
  return chosen + " (" + count(cores, "core") + ", " + count(node_ranks, "rank") + " on the node" +
         (allowed < cores ? ", " + count(allowed, "core") + " allowed by the binding" : "") + ")";
}

}  // namespace sgdsim::exec
