// `sgdsim simulate`: a scenario, or each variant of a study in its own process (SimGrid allows one engine per process).
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "commands.hpp"
#include "console.hpp"
#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/trace/run_directory.hpp"
#include "sgdsim/error.hpp"
#include "sgdsim/interrupt.hpp"
#ifdef SGDSIM_HAVE_SIMGRID
#include "sgdsim/sim/simulate.hpp"
#endif

namespace sgdsim::cli {

#ifdef SGDSIM_HAVE_SIMGRID
namespace {

// Simulates one job into its run directory and returns its summaries. The directory is checked (and its temporary
// twin created) before anything is loaded or simulated; an interrupt leaves it in place, marked incomplete.
std::vector<RunSummary> simulate_to_directory(const Job& job, bool force) {
  RunWriter writer(job.scenario.output.dir, job.scenario.resolved_json, "simgrid", force);
  try {
    const Problem problem = make_problem(job.scenario);
    interrupt::check();  // loading can take a while: do not start simulating after an interrupt
    ProgressLine line(job.label);
    sim::SimulationOptions options;
    options.observer = &line;
    sim::simulate(job.scenario, problem, writer, options);
  } catch (const Interrupted&) {
    writer.interrupted();
    writer.commit();
    throw;
  }
  writer.commit();
  return writer.summaries();
}

int simulate_in_child(const Job& job, bool force) {
  std::cout.flush();
  std::cerr.flush();
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) SGDSIM_THROW(Error, "fork failed");
  if (pid == 0) {
    // The variant dies with the study: if the parent goes (even by SIGKILL), this process gets SIGTERM, which ends
    // it like an interrupt. The parent may have gone before prctl took effect.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(128 + SIGTERM);
    int code = EXIT_OK;
    try {
      simulate_to_directory(job, force);
    } catch (const Interrupted& e) {
      code = e.exit_code();
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
  // Polled rather than blocking, so that a SIGTERM sent to the study alone is passed on to the variant (a Ctrl-C
  // reaches both, as they share the terminal's process group).
  bool passed_on = false;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (!passed_on && interrupt::received == SIGTERM) {
      kill(pid, SIGTERM);
      passed_on = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  std::cerr << "error: " << job.label << ": the simulation process died (signal " << WTERMSIG(status) << ")\n";
  return EXIT_FAILED;
}

bool is_interrupt_code(int code) { return code == 128 + SIGINT || code == 128 + SIGTERM; }

}  // namespace

RunResults simulate_one(const Job& job) {
  const Problem problem = make_problem(job.scenario);
  ProgressLine line(job.label);
  sim::SimulationOptions options;
  options.observer = &line;
  return sim::simulate(job.scenario, problem, options);
}

int cmd_simulate(const Options& o) {
  const auto jobs = resolve_jobs(o);
  // Nothing runs if any run directory of the study would be overwritten.
  for (const auto& job : jobs) check_run_directory(job.scenario.output.dir, o.force);
  if (jobs.size() == 1) {
    const Job& job = jobs.front();
    std::vector<LabelledSummary> rows;
    for (const auto& s : simulate_to_directory(job, o.force)) rows.push_back({job.label, job.scenario.algorithm.name(), s});
    std::cout << summary_table(rows) << std::flush;
    std::cout << "run directory: " << job.scenario.output.dir.string() << "\n";
    return EXIT_OK;
  }
  int worst = EXIT_OK;
  int interrupted = 0;
  std::vector<LabelledSummary> rows;
  for (const auto& job : jobs) {
    const int code = simulate_in_child(job, o.force);
    if (is_interrupt_code(code)) interrupted = code - 128;
    if (interrupt::received != 0) interrupted = interrupt::received;
    worst = std::max(worst, code);
    if (code == EXIT_OK || (interrupted != 0 && std::filesystem::exists(job.scenario.output.dir / "summary.json"))) {
      auto r = read_summaries(job.scenario.output.dir, job.label);
      rows.insert(rows.end(), r.begin(), r.end());
    }
    if (interrupted != 0) break;  // the variants not started yet are not run
  }
  std::cout << summary_table(rows) << std::flush;
  std::cout << "run directories: " << jobs.front().scenario.output.dir.parent_path().string() << "/<label>\n";
  if (interrupted != 0) throw Interrupted(__FILE__, __LINE__, interrupted);
  return worst;
}
#else
RunResults simulate_one(const Job&) {
  SGDSIM_THROW(NotCompiled, "this sgdsim was built without SimGrid (SGDSIM_WITH_SIMGRID=OFF): simulate is unavailable");
}
int cmd_simulate(const Options& o) {
  (void)o;
  simulate_one({});
  return EXIT_FAILED;
}
#endif

}  // namespace sgdsim::cli
