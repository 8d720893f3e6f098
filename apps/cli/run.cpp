// `mpirun -np N sgdsim run`: one scenario for real, one rank per worker (plus the PS for the PS family).
#include <cstdlib>
#include <iostream>

#include "commands.hpp"
#include "console.hpp"
#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/error.hpp"
#ifdef SGDSIM_HAVE_MPI
#include "sgdsim/exec/run.hpp"
#endif

namespace sgdsim::cli {

#ifdef SGDSIM_HAVE_MPI
namespace {

// Ranks of this run on this machine, as the MPI launcher tells them (OpenMPI, MPICH), else 1.
int ranks_on_this_machine() {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"}) {
    if (const char* value = std::getenv(name)) {
      const int n = std::atoi(value);
      if (n > 0) return n;
    }
  }
  return 1;
}

}  // namespace

int cmd_run(const Options& o, int* argc, char*** argv) {
  exec::MpiSession session(argc, argv);
  const int rank = session.rank();
  try {
    const auto jobs = resolve_jobs(o);
    if (jobs.size() != 1)
      SGDSIM_THROW(ConfigError, "run takes one scenario: this study has " + std::to_string(jobs.size()) +
                                    " variants, pick one with --variant LABEL");
    const Job& job = jobs.front();
    // One rank per process, sized for rank 0 (which holds the most); the ranks on this machine share its memory.
    const MemoryGuard guard = memory_guard(o, job, Placement::ONE_RANK, ranks_on_this_machine());
    const Problem problem = make_problem(job.scenario, &guard);
    guard.check_loaded(problem.data());
    ProgressLine line(job.label);
    const RunResults results = exec::run_mpi(job.scenario, problem, rank == 0 ? &line : nullptr);
    if (rank == 0) {
      write_run_directory(job.scenario.output.dir, job.scenario.resolved_json, results, "mpi");
      std::vector<LabelledSummary> rows;
      for (const auto& s : results.summaries)
        rows.push_back({job.label, algorithm_name(job.scenario.algorithm.kind), s});
      std::cout << summary_table(rows) << std::flush;
      std::cout << "run directory: " << job.scenario.output.dir.string() << "\n";
    }
    return EXIT_OK;
  } catch (const ConfigError& e) {
    // Every rank sees the same configuration error (e.g. a wrong number of ranks): each says so and exits cleanly.
    std::cerr << "error [rank " << rank << "]: " << e.what() << "\n";
    return EXIT_BAD_INPUT;
  } catch (const std::exception& e) {
    // A failure on one rank would leave the others waiting: abort the whole run, with this rank's message.
    std::cerr << "error [rank " << rank << "]: " << e.what() << "\n" << std::flush;
    session.abort(EXIT_FAILED);
  }
}
#else
int cmd_run(const Options&, int*, char***) {
  SGDSIM_THROW(NotCompiled, "this sgdsim was built without MPI (SGDSIM_WITH_MPI=OFF): run is unavailable");
}
#endif

}  // namespace sgdsim::cli
