// The sgdsim command line: the composition root that picks a backend and wires scenario, problem and runner.
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <cstdio>
#include <iostream>

#include "report.hpp"
#include "sgdsim/analysis/report.hpp"
#include "sgdsim/core/dataset.hpp"
#include "sgdsim/core/problem.hpp"
#include "sgdsim/core/scenario.hpp"
#include "sgdsim/core/variants.hpp"
#include "sgdsim/error.hpp"
#ifdef SGDSIM_HAVE_SIMGRID
#include "sgdsim/sim/simulate.hpp"
#endif
#ifdef SGDSIM_HAVE_MPI
#include "sgdsim/exec/run.hpp"
#endif

namespace sgdsim::app {
namespace {

constexpr int EXIT_BAD_INPUT = 2;
constexpr int EXIT_FAILURE_ = 1;

struct Options {
  std::string scenario;
  std::vector<std::string> sets;
  std::string out;
  std::string variant;
  bool no_simulate = false;
  std::string dir_a, dir_b;
};

// One runnable scenario: a plain scenario, or one variant of a study (output in <dir>/<label>).
struct Job {
  std::string label;
  Scenario scenario;
};

std::vector<Job> resolve_jobs(const Options& o) {
  const std::filesystem::path file = o.scenario;
  const Study study = read_study(file);
  const auto base_dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  if (study.variants.empty()) {
    if (!o.variant.empty()) SGDSIM_THROW(ConfigError, "--variant " + o.variant + ": the scenario has no variants");
    Job job{"", load_scenario(file, o.sets)};
    if (!o.out.empty()) job.scenario.output.dir = o.out;
    job.label = job.scenario.name;
    return {job};
  }
  // A variant is the base scenario plus the variant's overrides plus the command line's (which win). It is named
  // <base name>-<label> and writes to <base output.dir>/<label>, or exactly to --out when one variant is chosen.
  const auto doc = nlohmann::json::parse(study.base_json);
  const std::string base_name = doc.contains("name") && doc["name"].is_string() ? doc["name"].get<std::string>()
                                                                                : file.stem().string();
  std::vector<Job> jobs;
  for (const auto& v : study.variants) {
    if (!o.variant.empty() && v.label != o.variant) continue;
    std::vector<std::string> sets = v.overrides;
    sets.insert(sets.end(), o.sets.begin(), o.sets.end());
    sets.push_back("name=" + nlohmann::json(base_name).dump());
    const Scenario named_as_base = parse_scenario(study.base_json, sets, base_dir);
    std::filesystem::path dir = named_as_base.output.dir / v.label;
    if (!o.out.empty()) dir = o.variant.empty() ? std::filesystem::path(o.out) / v.label : std::filesystem::path(o.out);
    sets.back() = "name=" + nlohmann::json(base_name + "-" + v.label).dump();
    sets.push_back("output.dir=" + nlohmann::json(dir.string()).dump());
    Scenario s = parse_scenario(study.base_json, sets, base_dir);
    s.source = file;
    jobs.push_back({v.label, std::move(s)});
  }
  if (jobs.empty()) SGDSIM_THROW(ConfigError, "--variant " + o.variant + ": no variant has this label");
  return jobs;
}

void print_results(const std::vector<LabelledSummary>& rows) { std::cout << summary_table(rows) << std::flush; }

#ifdef SGDSIM_HAVE_SIMGRID
RunResults simulate_job(const Job& job, bool progress) {
  const Problem problem = make_problem(job.scenario);
  ProgressLine line(job.label);
  sim::SimulationOptions options;
  if (progress) options.observer = &line;
  return sim::simulate(job.scenario, problem, options);
}

void write_job(const Job& job, const RunResults& results, const char* backend) {
  write_run_directory(job.scenario.output.dir, job.scenario.resolved_json, results, backend);
}

// SimGrid allows one engine per process: each variant of a study is simulated in a child process.
int simulate_in_child(const Job& job) {
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = fork();
  if (pid < 0) SGDSIM_THROW(Error, "fork failed");
  if (pid == 0) {
    int code = 0;
    try {
      write_job(job, simulate_job(job, true), "simgrid");
    } catch (const ConfigError& e) {
      std::cerr << "error: " << job.label << ": " << e.what() << "\n";
      code = EXIT_BAD_INPUT;
    } catch (const DataError& e) {
      std::cerr << "error: " << job.label << ": " << e.what() << "\n";
      code = EXIT_BAD_INPUT;
    } catch (const std::exception& e) {
      std::cerr << "error: " << job.label << ": " << e.what() << "\n";
      code = EXIT_FAILURE_;
    }
    std::cerr.flush();
    _exit(code);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  std::cerr << "error: " << job.label << ": the simulation process died (signal " << WTERMSIG(status) << ")\n";
  return EXIT_FAILURE_;
}

int cmd_simulate(const Options& o) {
  const auto jobs = resolve_jobs(o);
  if (jobs.size() == 1) {
    const Job& job = jobs.front();
    const RunResults results = simulate_job(job, true);
    write_job(job, results, "simgrid");
    std::vector<LabelledSummary> rows;
    for (const auto& s : results.summaries) rows.push_back({job.label, algorithm_name(job.scenario.algorithm.kind), s});
    print_results(rows);
    std::cout << "run directory: " << job.scenario.output.dir.string() << "\n";
    return 0;
  }
  int worst = 0;
  std::vector<LabelledSummary> rows;
  for (const auto& job : jobs) {
    const int code = simulate_in_child(job);
    worst = std::max(worst, code);
    if (code == 0) {
      auto r = read_summaries(job.scenario.output.dir, job.label);
      rows.insert(rows.end(), r.begin(), r.end());
    }
  }
  print_results(rows);
  std::cout << "run directories: " << jobs.front().scenario.output.dir.parent_path().string() << "/<label>\n";
  return worst;
}
#else
int cmd_simulate(const Options&) {
  SGDSIM_THROW(NotCompiled, "this sgdsim was built without SimGrid (SGDSIM_WITH_SIMGRID=OFF): simulate is unavailable");
}
#endif

int cmd_check(const Options& o) {
  for (const auto& job : resolve_jobs(o)) {
    if (!job.label.empty() && job.label != job.scenario.name) std::cout << "# variant " << job.label << "\n";
    std::cout << job.scenario.resolved_json;
    if (job.scenario.resolved_json.empty() || job.scenario.resolved_json.back() != '\n') std::cout << "\n";
  }
  return 0;
}

int cmd_bounds(const Options& o) {
  for (const auto& job : resolve_jobs(o)) {
    const Problem problem = make_problem(job.scenario);
    const RunResults* simulated = nullptr;
    RunResults results;
#ifdef SGDSIM_HAVE_SIMGRID
    if (!o.no_simulate) {
      if (resolve_jobs(o).size() > 1)
        SGDSIM_THROW(ConfigError, "bounds with a simulation takes one variant: add --variant LABEL or --no-simulate");
      results = simulate_job(job, true);
      simulated = &results;
    }
#endif
    if (!job.label.empty()) std::cout << "== " << job.label << "\n";
    std::cout << analysis::bounds_report(job.scenario, problem, simulated) << "\n";
  }
  return 0;
}

int cmd_compare(const Options& o) {
  std::cout << compare_runs(o.dir_a, o.dir_b);
  return 0;
}

#ifdef SGDSIM_HAVE_MPI
int cmd_run(const Options& o, int* argc, char*** argv) {
  exec::MpiSession session(argc, argv);
  const int rank = session.rank();
  try {
    const auto jobs = resolve_jobs(o);
    if (jobs.size() != 1)
      SGDSIM_THROW(ConfigError, "run takes one scenario: this study has " + std::to_string(jobs.size()) +
                                    " variants, pick one with --variant LABEL");
    const Job& job = jobs.front();
    const Problem problem = make_problem(job.scenario);
    ProgressLine line(job.label);
    const RunResults results = exec::run_mpi(job.scenario, problem, rank == 0 ? &line : nullptr);
    if (rank == 0) {
      write_run_directory(job.scenario.output.dir, job.scenario.resolved_json, results, "mpi");
      std::vector<LabelledSummary> rows;
      for (const auto& s : results.summaries)
        rows.push_back({job.label, algorithm_name(job.scenario.algorithm.kind), s});
      print_results(rows);
      std::cout << "run directory: " << job.scenario.output.dir.string() << "\n";
    }
    return 0;
  } catch (const ConfigError& e) {
    // Every rank sees the same configuration error (e.g. a wrong number of ranks): each says so and exits cleanly.
    std::cerr << "error [rank " << rank << "]: " << e.what() << "\n";
    return EXIT_BAD_INPUT;
  } catch (const std::exception& e) {
    // A failure on one rank would leave the others waiting: abort the whole run, with this rank's message.
    std::cerr << "error [rank " << rank << "]: " << e.what() << "\n" << std::flush;
    session.abort(EXIT_FAILURE_);
  }
}
#endif

}  // namespace
}  // namespace sgdsim::app

int main(int argc, char** argv) {
  using namespace sgdsim::app;
  Options o;
  CLI::App app{"sgdsim: distributed SGD under stragglers and communication cost, simulated (SimGrid) or run for "
               "real (MPI).\nExit codes: 0 ok, 2 bad input (scenario, data, options), 1 failure."};
  app.require_subcommand(1);
  auto add_scenario = [&](CLI::App* cmd) {
    cmd->add_option("scenario", o.scenario, "scenario JSON file (see SCENARIO.md)")->required()->check(CLI::ExistingFile);
    cmd->add_option("--set", o.sets, "override a scenario value, e.g. --set cluster.workers=64 (repeatable)");
    cmd->add_option("--variant", o.variant, "run only the study variant with this label");
  };
  auto* simulate = app.add_subcommand("simulate", "simulate the scenario in SimGrid and write its run directory");
  add_scenario(simulate);
  simulate->add_option("--out", o.out, "run directory (default: the scenario's output.dir)");
  auto* run = app.add_subcommand("run", "run the scenario for real: mpirun -np N sgdsim run SCENARIO");
  add_scenario(run);
  run->add_option("--out", o.out, "run directory (default: the scenario's output.dir)");
  auto* check = app.add_subcommand("check", "validate the scenario and print it resolved (defaults filled in)");
  add_scenario(check);
  auto* bounds = app.add_subcommand("bounds", "closed forms and theorem bounds for the scenario, beside a simulation");
  add_scenario(bounds);
  bounds->add_flag("--no-simulate", o.no_simulate, "print the theory only");
  auto* compare = app.add_subcommand("compare", "compare the iteration times of two run directories");
  compare->add_option("run_a", o.dir_a, "run directory A")->required()->check(CLI::ExistingDirectory);
  compare->add_option("run_b", o.dir_b, "run directory B")->required()->check(CLI::ExistingDirectory);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : EXIT_BAD_INPUT;
  }
  try {
    if (*simulate) return cmd_simulate(o);
    if (*check) return cmd_check(o);
    if (*bounds) return cmd_bounds(o);
    if (*compare) return cmd_compare(o);
    if (*run) {
#ifdef SGDSIM_HAVE_MPI
      return cmd_run(o, &argc, &argv);
#else
      SGDSIM_THROW(sgdsim::NotCompiled, "this sgdsim was built without MPI (SGDSIM_WITH_MPI=OFF): run is unavailable");
#endif
    }
  } catch (const sgdsim::ConfigError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return EXIT_BAD_INPUT;
  } catch (const sgdsim::DataError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return EXIT_BAD_INPUT;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return EXIT_FAILURE_;
  }
  return 0;
}
