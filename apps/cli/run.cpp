// `mpirun -np N sgdsim run`: one scenario for real, one rank per worker (plus the PS for the PS family).
#include <iostream>

#include "commands.hpp"
#include "console.hpp"
#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/error.hpp"
#include "version.hpp"
#ifdef SGDSIM_HAVE_MPI
#include "sgdsim/exec/run.hpp"
#include "sgdsim/exec/study.hpp"
#endif

namespace sgdsim::cli {

#ifdef SGDSIM_HAVE_MPI
namespace {
exec::ThreadChoice node_threads;  // chosen by on_every_rank; `sgdsim run` prints it
}  // namespace

int on_every_rank(int* argc, char*** argv, const std::function<int(int rank, int size)>& body) {
  exec::MpiSession session(argc, argv);
  const int rank = session.rank();
  try {
    node_threads = exec::choose_threads();
    return body(rank, session.size());
  } catch (const ConfigError& e) {
    std::cerr << "error [rank " << rank << "]: " << e.what() << "\n";
    return EXIT_BAD_INPUT;
  } catch (const std::exception& e) {
    std::cerr << "error [rank " << rank << "]: " << e.what() << "\n" << std::flush;
    session.abort(EXIT_FAILED);
  }
}

int cmd_run(const Options& o, int* argc, char*** argv) {
  return on_every_rank(argc, argv, [&](int rank, int) {
    const auto jobs = resolve_jobs(o);
    if (jobs.size() != 1)
      SGDSIM_THROW(ConfigError, "run takes one scenario: this study has " + std::to_string(jobs.size()) +
                                    " variants, pick one with --variant LABEL");
    const Job& job = jobs.front();
    if (rank == 0) std::cout << "threads on rank 0's node: " << node_threads.describe() << "\n" << std::flush;
    Provenance provenance{
        version(), o.command_line, exec::gather_host_names(), now_utc(), "", {{"mpi", exec::mpi_library_version()}}};
    const Problem problem = make_problem(job.scenario);
    ProgressLine line(job.label, job.scenario.stop.iterations.value_or(0), job.scenario.repetitions, false);
    const RunResults results = exec::run_mpi(job.scenario, problem, rank == 0 ? &line : nullptr);
    if (rank == 0) {
      provenance.finished = now_utc();
      write_run_directory(job.scenario.output.dir, job.scenario.resolved_json, results, "mpi",
                          {job.scenario.output.workers_every, provenance});
      std::vector<LabelledSummary> rows;
      for (const auto& s : results.summaries) rows.push_back({job.label, job.scenario.algorithm.name(), s});
      std::cout << summary_table(rows) << std::flush;
      std::cerr << stall_lines(rows) << std::flush;
      std::cout << "run directory: " << job.scenario.output.dir.string() << "\n";
    }
    return EXIT_OK;
  });
}
#else
int cmd_run(const Options&, int*, char***) {
  SGDSIM_THROW(NotCompiled, "this sgdsim was built without MPI (SGDSIM_WITH_MPI=OFF): run is unavailable");
}
#endif

}  // namespace sgdsim::cli
