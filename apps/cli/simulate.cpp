// `sgdsim simulate`: one run in this process, or every repetition of a study (or of a scenario with repetitions > 1)
// in a process of its own (SimGrid allows one engine per process), -j at once and spread over the ranks under mpirun;
// then the study's statistics: study.csv, study.json and the table.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "commands.hpp"
#include "console.hpp"
#include "sgdsim/analysis/study_stats.hpp"
#include "sgdsim/core/algorithms/registry.hpp"
#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/trace/run_directory.hpp"
#include "sgdsim/error.hpp"
#include "sgdsim/interrupt.hpp"
#include "tasks.hpp"
#include "version.hpp"
#ifdef SGDSIM_HAVE_SIMGRID
#include "sgdsim/sim/simulate.hpp"
#endif
#ifdef SGDSIM_HAVE_MPI
#include "sgdsim/exec/run.hpp"
#include "sgdsim/exec/study.hpp"
#endif

namespace sgdsim::cli {

#ifdef SGDSIM_HAVE_SIMGRID
namespace {

namespace fs = std::filesystem;

// The simulation options of the command line: the engine and the SimGrid arguments (--cfg, --log).
sim::SimulationOptions simulation_options(const Options& o) {
  sim::SimulationOptions options;
  options.simgrid_args = o.simgrid_args();
  options.engine = o.engine == "analytic" ? sim::SimEngine::ANALYTIC : sim::SimEngine::SIMGRID;
  return options;
}

RunFileOptions run_file_options(const Job& job, Provenance provenance, int repetitions = 0) {
  return {job.scenario.output.workers_every, std::move(provenance), repetitions,
          job.scenario.algorithm.def->averaging_rounds, reports_average(job.scenario)};
}

bool is_interrupt_status(int status) { return status == 128 + SIGINT || status == 128 + SIGTERM; }

// Nothing runs if any run directory would be overwritten (without --force) or cannot be written.
void check_run_directories(const Options& o, const Plan& plan) {
  for (const auto& job : plan.jobs) check_run_directory(job.scenario.output.dir, o.force);
}

// One repetition of a study: which job, which repetition.
struct Task {
  std::size_t job;
  int repetition;
};

// A study's repetitions, run as tasks, each written to scratch/<task> and merged into the job's run directory once all
// of that job's repetitions are in.
class Study {
 public:
  Study(const Options& o, const Plan& plan, Provenance provenance)
      : o_(o), plan_(plan), provenance_(std::move(provenance)), runs_(plan.jobs.size()), status_(plan.jobs.size()) {
    for (std::size_t j = 0; j < plan.jobs.size(); ++j) {
      const Job& job = plan.jobs[j];
      first_task_.push_back(static_cast<int>(tasks_.size()));
      for (int r = 0; r < job.scenario.repetitions; ++r) tasks_.push_back({j, r});
      status_[j].resize(static_cast<std::size_t>(job.scenario.repetitions));
      runs_[j] = {job.label,
                  job.scenario.algorithm.name(),
                  job.scenario.output.dir.string(),
                  job.point,
                  job.scenario.repetitions,
                  {},
                  0,
                  job.scenario.stop.target_loss.has_value(),
                  job.scenario.stop.target_accuracy.has_value()};
    }
  }

  int tasks() const { return static_cast<int>(tasks_.size()); }
  std::string describe(int t) const {
    return plan_.jobs[tasks_[t].job].label + " repetition " + std::to_string(tasks_[t].repetition);
  }
  fs::path part(int t) const { return scratch_.path() / std::to_string(t); }

  // In a child process: simulates task t, streaming its run directory to part(t). Returns the exit status (128 + the
  // signal when interrupted, the part then kept with what was complete).
  int run(int t) const {
    const Job& job = plan_.jobs[tasks_[t].job];
    try {
      Provenance p = provenance_;
      p.started = now_utc();
      p.hosts = {host_name()};
      // Every simulated rank lives in this process, beside the other tasks running at once (-j, ranks on this host);
      // the task holds one repetition's records.
      Scenario one_repetition = job.scenario;
      one_repetition.repetitions = 1;
      const MemoryGuard guard(one_repetition, Placement::ALL_RANKS,
                              memory_budget(o_.max_memory, o_.parallel * ranks_on_this_machine()));
      RunWriter writer(part(t), job.scenario.resolved_json, o_.engine, true, run_file_options(job, p, 1));
      try {
        const Problem problem = make_problem(job.scenario, &guard);
        guard.check_loaded(problem.data(), problem.dimension());
        interrupt::check();
        sim::SimulationOptions options = simulation_options(o_);
        options.only_repetition = tasks_[t].repetition;
        sim::simulate(job.scenario, problem, writer, options);
      } catch (const Interrupted& e) {
        writer.interrupted();
        writer.commit();
        return e.exit_code();
      }
      writer.commit();
      return EXIT_OK;
    } catch (const Interrupted& e) {
      return e.exit_code();
    } catch (...) {
      return report_exception(describe(t) + ": ");
    }
  }

  // Task t ended with `status`, its files (if it succeeded or was interrupted) in part(t). Once a job has all its
  // repetitions, its run directory is written (when they all succeeded) and its summaries kept for the statistics.
  void finished(int t, int status) {
    const Task& task = tasks_[t];
    auto& statuses = status_[task.job];
    statuses[static_cast<std::size_t>(task.repetition)] = status;
    if (!is_interrupt_status(status)) worst_ = std::max(worst_, status);
    for (const auto& s : statuses)
      if (!s) return;
    conclude(task.job);
  }

  // After an interrupt: every job with a repetition run (completed or interrupted) gets a run directory of what was
  // complete, marked incomplete; jobs none of whose repetitions started get none.
  void conclude_interrupted() {
    for (std::size_t j = 0; j < plan_.jobs.size(); ++j) {
      const auto& statuses = status_[j];
      const bool any = std::any_of(statuses.begin(), statuses.end(), [](const auto& s) { return s.has_value(); });
      const bool all = std::all_of(statuses.begin(), statuses.end(), [](const auto& s) { return s.has_value(); });
      if (any && !all) conclude(j);
    }
  }

  int worst() const { return worst_; }

 private:
  // The job's run directory from the parts of its repetitions that completed or were interrupted, unless one failed.
  void conclude(std::size_t j) {
    const auto& statuses = status_[j];
    const Job& job = plan_.jobs[j];
    analysis::VariantRuns& runs = runs_[j];
    std::vector<fs::path> kept;
    for (int r = 0; r < job.scenario.repetitions; ++r) {
      const auto& status = statuses[static_cast<std::size_t>(r)];
      const fs::path dir = part(first_task_[j] + r);
      if (!status) continue;  // never started (interrupted study)
      if (*status != EXIT_OK && !(is_interrupt_status(*status) && fs::exists(dir / "summary.json"))) {
        ++runs.failed;
        continue;
      }
      kept.push_back(dir);
      for (const auto& s : read_summaries(dir, job.label)) runs.runs.push_back(s.summary);
    }
    if (runs.failed == 0 && !kept.empty()) {
      merge_run_directories(kept, job.scenario.output.dir, o_.force);
    } else if (runs.failed > 0) {
      std::cerr << "error: " << job.label << ": " << runs.failed << " of " << job.scenario.repetitions
                << " repetitions failed; its run directory is not written\n";
    }
    for (int r = 0; r < job.scenario.repetitions; ++r) {
      std::error_code ec;
      fs::remove_all(part(first_task_[j] + r), ec);
    }
  }

 public:

  // study.csv and study.json in the study's directory, and the table (with -v, every repetition's row first).
  void report(Provenance provenance) const {
    std::vector<LabelledSummary> rows;
    for (const auto& v : runs_)
      for (const auto& s : v.runs) rows.push_back({v.label, v.algorithm, s});
    const auto stats = analysis::study_stats(plan_.name, runs_, plan_.swept_paths, plan_.baseline);
    std::error_code ec;
    fs::create_directories(plan_.dir, ec);
    if (ec) SGDSIM_THROW(Error, "cannot create the study directory " + plan_.dir.string() + ": " + ec.message());
    provenance.finished = now_utc();
    write_file_atomically(plan_.dir / "study.csv", analysis::study_csv(stats));
    write_file_atomically(plan_.dir / "study.json", analysis::study_json(stats, provenance));
    if (o_.verbose) std::cout << summary_table(rows) << "\n";
    std::cout << study_table(stats) << std::flush;
    std::cerr << stall_lines(rows) << std::flush;
    if (plan_.study) {
      std::cout << "run directories: " << plan_.dir.string()
                << "/<label>; study.csv, study.json: " << plan_.dir.string() << "\n";
    } else {
      std::cout << "run directory (with study.csv, study.json): " << plan_.dir.string() << "\n";
    }
  }

 private:
  const Options& o_;
  const Plan& plan_;
  Provenance provenance_;
  ScratchDirectory scratch_;
  std::vector<Task> tasks_;
  std::vector<analysis::VariantRuns> runs_;
  std::vector<int> first_task_;                          // per job: the task of its repetition 0 (then 1, 2, ...)
  std::vector<std::vector<std::optional<int>>> status_;  // per job and repetition: the task's exit status, once done
  int worst_ = EXIT_OK;
};

Provenance provenance_of(const Options& o, const std::vector<std::string>& hosts, bool mpi) {
  Provenance p;
  p.version = version();
  p.command = o.command_line;
  p.hosts = hosts;
  p.started = now_utc();
  p.libraries = {{"simgrid", sim::simgrid_version()}};
#ifdef SGDSIM_HAVE_MPI
  if (mpi) p.libraries.emplace_back("mpi", exec::mpi_library_version());
#else
  (void)mpi;
#endif
  return p;
}

std::vector<int> all_tasks(int count, int rank = 0, int ranks = 1) {
  std::vector<int> mine;
  for (int t = rank; t < count; t += ranks) mine.push_back(t);
  return mine;
}

// One job, one repetition: simulated in this process, with a progress line per iteration, its run directory streamed
// (checked before anything is loaded or simulated; an interrupt leaves it in place, marked incomplete).
int simulate_here(const Options& o, const Job& job) {
  // Every simulated rank lives in this process: refused before anything large is allocated when it cannot fit.
  const MemoryGuard guard = memory_guard(o, job, Placement::ALL_RANKS);
  RunWriter writer(job.scenario.output.dir, job.scenario.resolved_json, o.engine, o.force,
                   run_file_options(job, provenance_of(o, {host_name()}, false)));
  try {
    const Problem problem = make_problem(job.scenario, &guard);
    guard.check_loaded(problem.data(), problem.dimension());
    interrupt::check();  // loading can take a while: do not start simulating after an interrupt
    ProgressLine line(job.label, job.scenario.stop.iterations.value_or(0), job.scenario.repetitions, o.quiet);
    sim::SimulationOptions options = simulation_options(o);
    options.observer = &line;
    sim::simulate(job.scenario, problem, writer, options);
  } catch (const Interrupted&) {
    writer.interrupted();
    writer.commit();
    throw;
  }
  writer.commit();
  std::vector<LabelledSummary> rows;
  for (const auto& s : writer.summaries()) rows.push_back({job.label, job.scenario.algorithm.name(), s});
  std::cout << summary_table(rows) << std::flush;
  std::cerr << stall_lines(rows) << std::flush;
  std::cout << "run directory: " << job.scenario.output.dir.string() << "\n";
  return EXIT_OK;
}

int simulate_study(const Options& o, const Plan& plan) {
  Study study(o, plan, provenance_of(o, {host_name()}, false));
  TaskProgress progress(study.tasks(), o.quiet, o.verbose);
  ChildTasks hooks;
  hooks.body = [&](int t) { return study.run(t); };
  hooks.started = [&](int) { progress.started(); };
  hooks.done = [&](int t, int status) {
    progress.finished(study.describe(t), status);
    study.finished(t, status);
  };
  hooks.idle = [&] { progress.tick(); };
  run_in_children(all_tasks(study.tasks()), o.parallel, hooks);
  if (const int signal = interrupt::received; signal != 0) {
    // No statistics from a study cut short; the run directories keep what was complete.
    study.conclude_interrupted();
    throw Interrupted(__FILE__, __LINE__, signal);
  }
  study.report(provenance_of(o, {host_name()}, false));
  return study.worst();
}

#ifdef SGDSIM_HAVE_MPI
// A finished task as a message to rank 0: task, exit status, then each file of its run directory (name, contents).
std::string pack_task(int task, int status, const fs::path& dir) {
  std::string out;
  auto put = [&out](std::uint64_t n) { out.append(reinterpret_cast<const char*>(&n), sizeof n); };
  auto put_text = [&](const std::string& text) {
    put(text.size());
    out += text;
  };
  put(static_cast<std::uint64_t>(task));
  put(static_cast<std::uint64_t>(status));
  for (const auto& name : RUN_FILES) {
    if (status != EXIT_OK || !fs::exists(dir / name)) continue;
    std::ifstream in(dir / name, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    put_text(name);
    put_text(text.str());
  }
  return out;
}

// Writes the files of a packed task into `part(task)` and returns {task, status}.
std::pair<int, int> unpack_task(const std::string& bytes, const Study& study) {
  std::size_t at = 0;
  auto get = [&]() {
    std::uint64_t n = 0;
    if (at + sizeof n > bytes.size()) SGDSIM_THROW(Error, "a task message from another rank is cut short");
    std::memcpy(&n, bytes.data() + at, sizeof n);
    at += sizeof n;
    return n;
  };
  auto get_text = [&]() {
    const auto n = static_cast<std::size_t>(get());
    if (at + n > bytes.size()) SGDSIM_THROW(Error, "a task message from another rank is cut short");
    std::string text = bytes.substr(at, n);
    at += n;
    return text;
  };
  const int task = static_cast<int>(get());
  const int status = static_cast<int>(get());
  if (at < bytes.size()) fs::create_directories(study.part(task));
  while (at < bytes.size()) {
    const std::string name = get_text();
    write_file_atomically(study.part(task) / name, get_text());
  }
  return {task, status};
}

// Under mpirun: rank r runs tasks r, r + N, ... (each in a child process, -j at once) and sends each result to rank 0,
// which writes every run directory and the study's files: nothing needs a shared filesystem.
int simulate_under_mpirun(const Options& o, int* argc, char*** argv) {
  return on_every_rank(argc, argv, [&](int rank, int size) {
    const Plan plan = resolve_plan(o);
    // Rank 0 writes the run directories: it checks them, and every rank learns the outcome before going on.
    int failure = EXIT_OK;
    if (rank == 0) {
      try {
        check_run_directories(o, plan);
      } catch (const ConfigError& e) {
        report_rank_error(0, e.what());
        failure = EXIT_BAD_INPUT;
      }
    }
    if (const auto verdict = exec::agree_to_start(failure, ""); verdict.exit_code != EXIT_OK) {
      if (!verdict.message.empty()) report_rank_error(rank, verdict.message);
      return verdict.exit_code;
    }
    const auto hosts = exec::gather_host_names();
    Study study(o, plan, provenance_of(o, {}, true));
    const auto mine = all_tasks(study.tasks(), rank, size);
    ChildTasks hooks;
    hooks.body = [&](int t) { return study.run(t); };
    if (rank != 0) {
      int worst = EXIT_OK;
      hooks.done = [&](int t, int status) {
        worst = std::max(worst, status);
        exec::send_to_root(pack_task(t, status, study.part(t)));
        std::error_code ec;
        fs::remove_all(study.part(t), ec);
      };
      run_in_children(mine, o.parallel, hooks);
      interrupt::check();
      return worst;
    }
    TaskProgress progress(study.tasks(), o.quiet, o.verbose);
    int received = 0;
    auto take = [&](const std::string& message) {
      const auto [t, status] = unpack_task(message, study);
      ++received;
      progress.finished(study.describe(t), status, false);
      study.finished(t, status);
    };
    hooks.started = [&](int) { progress.started(); };
    hooks.done = [&](int t, int status) {
      progress.finished(study.describe(t), status);
      study.finished(t, status);
    };
    hooks.idle = [&] {
      while (auto message = exec::poll_at_root()) take(*message);
      progress.tick();
    };
    run_in_children(mine, o.parallel, hooks);
    interrupt::check();  // the other ranks' results would never come: end here (the whole job ends with this rank)
    while (received < study.tasks() - static_cast<int>(mine.size())) take(exec::receive_at_root());
    study.report(provenance_of(o, hosts, true));
    return study.worst();
  });
}
#endif

}  // namespace

RunResults simulate_one(const Job& job, const Options& o) {
  const MemoryGuard guard = memory_guard(o, job, Placement::ALL_RANKS);
  const Problem problem = make_problem(job.scenario, &guard);
  guard.check_loaded(problem.data(), problem.dimension());
  ProgressLine line(job.label, job.scenario.stop.iterations.value_or(0), job.scenario.repetitions, false);
  sim::SimulationOptions options = simulation_options(o);
  options.observer = &line;
  return sim::simulate(job.scenario, problem, options);
}

int cmd_simulate(const Options& o, int* argc, char*** argv) {
#ifdef SGDSIM_HAVE_MPI
  if (exec::launched_by_mpirun()) return simulate_under_mpirun(o, argc, argv);
#else
  (void)argc;
  (void)argv;
#endif
  const Plan plan = resolve_plan(o);
  check_run_directories(o, plan);
  if (!plan.study && plan.jobs.front().scenario.repetitions == 1) return simulate_here(o, plan.jobs.front());
  return simulate_study(o, plan);
}

int cmd_simgrid_help() {
  sim::print_simgrid_options();
  return EXIT_OK;
}
#else
RunResults simulate_one(const Job&, const Options&) {
  SGDSIM_THROW(NotCompiled, "this sgdsim was built without SimGrid (SGDSIM_WITH_SIMGRID=OFF): simulate is unavailable");
}
int cmd_simulate(const Options& o, int*, char***) {
  simulate_one({}, o);
  return EXIT_FAILED;
}
int cmd_simgrid_help() {
  simulate_one({}, {});
  return EXIT_FAILED;
}
#endif

}  // namespace sgdsim::cli
