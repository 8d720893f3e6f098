// `mpirun -np N sgdsim run`: one scenario for real, one rank per worker (plus the PS for the PS family).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "commands.hpp"
#include "console.hpp"
#include "sgdsim/core/algorithms/registry.hpp"
#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/scenario/fingerprint.hpp"
#include "sgdsim/core/trace/run_directory.hpp"
#include "sgdsim/error.hpp"
#include "sgdsim/interrupt.hpp"
#include "version.hpp"
#ifdef SGDSIM_HAVE_MPI
#include "sgdsim/exec/run.hpp"
#include "sgdsim/exec/study.hpp"
#endif

namespace sgdsim::cli {

#ifdef SGDSIM_HAVE_MPI
int on_every_rank(int* argc, char*** argv, const std::function<int(int rank, int size)>& body) {
  exec::MpiSession session(argc, argv);
  const int rank = session.rank();
  try {
    exec::choose_threads();  // each rank's share of its node's cores
    return body(rank, session.size());
  } catch (const ConfigError& e) {
    report_rank_error(rank, e.what());
    return EXIT_BAD_INPUT;
  } catch (const std::exception& e) {
    report_rank_error(rank, e.what());
    session.abort(EXIT_FAILED);
  }
}

// One write for the whole line: mpirun interleaves the ranks' output by writes, which would cut lines apart.
void report_rank_error(int rank, const std::string& message) {
  std::cerr << ("error [rank " + std::to_string(rank) + "]: " + message + "\n") << std::flush;
}

namespace {

// What a rank sets up before the ranks agree to start.
struct Prepared {
  std::optional<Job> job;
  std::optional<Problem> problem;
  std::unique_ptr<RunWriter> writer;  // rank 0
  std::string fingerprint;
};

// Parses the scenario, checks the number of ranks, creates the run directory (rank 0: checked before anything runs)
// and loads the data. Returns 0, or the exit code of what failed (printed).
int prepare(const Options& o, int rank, Prepared& p) {
  try {
    auto jobs = resolve_jobs(o);
    if (jobs.size() != 1)
      SGDSIM_THROW(ConfigError, "run takes one scenario: this study has " + std::to_string(jobs.size()) +
                                    " variants, pick one with --variant LABEL");
    p.job.emplace(std::move(jobs.front()));
    const Scenario& s = p.job->scenario;
    exec::check_world_size(s);
    if (rank == 0) {
      const Provenance provenance{version(), o.command_line, {}, now_utc(), "", {{"mpi", exec::mpi_library_version()}}};
      const RunFileOptions files{s.output.workers_every, provenance, 0, s.algorithm.def->averaging_rounds,
                                 reports_average(s)};
      p.writer = std::make_unique<RunWriter>(s.output.dir, s.resolved_json, "mpi", o.force, files);
    }
    // One rank per process, sized for rank 0 (which holds the most); the ranks on this machine share its memory.
    const MemoryGuard guard = memory_guard(o, *p.job, Placement::ONE_RANK, ranks_on_this_machine());
    p.problem.emplace(make_problem(s, &guard));
    guard.check_loaded(p.problem->data(), p.problem->dimension());
    p.fingerprint = scenario_fingerprint(s);
    return EXIT_OK;
  } catch (const Interrupted&) {
    throw;
  } catch (const ConfigError& e) {
    report_rank_error(rank, e.what());
    return EXIT_BAD_INPUT;
  } catch (const DataError& e) {
    report_rank_error(rank, e.what());
    return EXIT_BAD_INPUT;
  } catch (const std::exception& e) {
    report_rank_error(rank, e.what());
    return EXIT_FAILED;
  }
}

// Ends this rank at once with `code`, without MPI_Finalize, which would wait for ranks that may never get there.
[[noreturn]] void leave(int code) {
  std::cout.flush();
  std::cerr.flush();
  std::_Exit(code);
}

}  // namespace

int cmd_run(const Options& o, int* argc, char*** argv) {
  exec::MpiSession session(argc, argv);
  const int rank = session.rank();
  Prepared p;
  bool started = false;
  try {
    // Every rank says how its start-up went before any rank sends algorithm traffic: a rank that rejects the
    // scenario, or was given another one, makes every rank exit instead of leaving the others waiting for it.
    const exec::StartVerdict verdict = exec::agree_to_start(prepare(o, rank, p), p.fingerprint);
    if (verdict.exit_code != EXIT_OK) {
      if (!verdict.message.empty()) report_rank_error(rank, verdict.message);
      return verdict.exit_code;
    }
    const Job& job = *p.job;
    // Collectives: only once every rank has agreed to start.
    const exec::ThreadChoice threads = exec::choose_threads();
    const auto hosts = exec::gather_host_names();
    if (rank == 0) std::cout << "threads on rank 0's node: " << threads.describe() << "\n" << std::flush;
    ProgressLine line(job.label, job.scenario.stop.iterations.value_or(0), job.scenario.repetitions, false);
    exec::MpiRunOptions options;
    options.observer = rank == 0 ? &line : nullptr;
    options.worker_timeout = o.worker_timeout;
    if (rank == 0) p.writer->set_hosts(hosts);
    started = true;
    exec::run_mpi(job.scenario, *p.problem, p.writer.get(), options);
    if (rank == 0) {
      p.writer->commit();
      std::vector<LabelledSummary> rows;
      for (const auto& s : p.writer->summaries()) rows.push_back({job.label, job.scenario.algorithm.name(), s});
      std::cout << summary_table(rows) << std::flush;
      std::cerr << stall_lines(rows) << std::flush;
      std::cout << "run directory: " << job.scenario.output.dir.string() << "\n";
    }
    return EXIT_OK;
  } catch (const exec::SilentWorkers& e) {
    // Rank 0 only: the run is complete without them, but the job cannot end collectively.
    p.writer->commit();
    report_rank_error(rank, std::string(e.what()) + "; run directory " + p.job->scenario.output.dir.string() +
                     " written (summary.json: silent_workers); ending the job");
    session.abort(EXIT_FAILED);
  } catch (const Interrupted& e) {
    if (p.writer && !started) p.writer.reset();  // nothing ran: no run directory
    if (p.writer) {
      p.writer->interrupted();
      p.writer->commit();
      std::cerr << ("interrupted; run directory " + p.job->scenario.output.dir.string() + " kept, marked incomplete\n");
    } else if (started) {
      // mpirun ends the whole job as soon as one rank exits: give rank 0 a moment to close its run directory first.
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    leave(e.exit_code());
  } catch (const std::exception& e) {
    // A failure on one rank would leave the others waiting: abort the whole run, with this rank's message.
    report_rank_error(rank, e.what());
    session.abort(EXIT_FAILED);
  }
}
#else
int cmd_run(const Options&, int*, char***) {
  SGDSIM_THROW(NotCompiled, "this sgdsim was built without MPI (SGDSIM_WITH_MPI=OFF): run is unavailable");
}
#endif

}  // namespace sgdsim::cli
