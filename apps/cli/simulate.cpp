// `sgdsim simulate`: a scenario, or each variant of a study in its own process (SimGrid allows one engine per process).
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>

#include "commands.hpp"
#include "console.hpp"
#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/error.hpp"
#ifdef SGDSIM_HAVE_SIMGRID
#include "sgdsim/sim/simulate.hpp"
#endif

namespace sgdsim::cli {

#ifdef SGDSIM_HAVE_SIMGRID
namespace {

RunResults simulate_job(const Options& o, const Job& job, bool progress) {
  // Every simulated rank lives in this process: refused before anything large is allocated when it cannot fit.
  const MemoryGuard guard = memory_guard(o, job, Placement::ALL_RANKS);
  const Problem problem = make_problem(job.scenario, &guard);
  guard.check_loaded(problem.data());
  ProgressLine line(job.label);
  sim::SimulationOptions options;
  if (progress) options.observer = &line;
  return sim::simulate(job.scenario, problem, options);
}

void write_job(const Job& job, const RunResults& results, const char* backend) {
  write_run_directory(job.scenario.output.dir, job.scenario.resolved_json, results, backend);
}

int simulate_in_child(const Options& o, const Job& job) {
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = fork();
  if (pid < 0) SGDSIM_THROW(Error, "fork failed");
  if (pid == 0) {
    int code = EXIT_OK;
    try {
      write_job(job, simulate_job(o, job, true), "simgrid");
    } catch (const ConfigError& e) {
      std::cerr << "error: " << job.label << ": " << e.what() << "\n";
      code = EXIT_BAD_INPUT;
    } catch (const DataError& e) {
      std::cerr << "error: " << job.label << ": " << e.what() << "\n";
      code = EXIT_BAD_INPUT;
    } catch (const std::exception& e) {
      std::cerr << "error: " << job.label << ": " << e.what() << "\n";
      code = EXIT_FAILED;
    }
    std::cerr.flush();
    _exit(code);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  std::cerr << "error: " << job.label << ": the simulation process died (signal " << WTERMSIG(status) << ")\n";
  return EXIT_FAILED;
}

}  // namespace

RunResults simulate_one(const Options& o, const Job& job) { return simulate_job(o, job, true); }

int cmd_simulate(const Options& o) {
  const auto jobs = resolve_jobs(o);
  if (jobs.size() == 1) {
    const Job& job = jobs.front();
    const RunResults results = simulate_job(o, job, true);
    write_job(job, results, "simgrid");
    std::vector<LabelledSummary> rows;
    for (const auto& s : results.summaries) rows.push_back({job.label, algorithm_name(job.scenario.algorithm.kind), s});
    std::cout << summary_table(rows) << std::flush;
    std::cout << "run directory: " << job.scenario.output.dir.string() << "\n";
    return EXIT_OK;
  }
  int worst = EXIT_OK;
  std::vector<LabelledSummary> rows;
  for (const auto& job : jobs) {
    const int code = simulate_in_child(o, job);
    worst = std::max(worst, code);
    if (code == EXIT_OK) {
      auto r = read_summaries(job.scenario.output.dir, job.label);
      rows.insert(rows.end(), r.begin(), r.end());
    }
  }
  std::cout << summary_table(rows) << std::flush;
  std::cout << "run directories: " << jobs.front().scenario.output.dir.parent_path().string() << "/<label>\n";
  return worst;
}
#else
RunResults simulate_one(const Options&, const Job&) {
  SGDSIM_THROW(NotCompiled, "this sgdsim was built without SimGrid (SGDSIM_WITH_SIMGRID=OFF): simulate is unavailable");
}
int cmd_simulate(const Options& o) {
  (void)o;
  simulate_one(o, {});
  return EXIT_FAILED;
}
#endif

}  // namespace sgdsim::cli
