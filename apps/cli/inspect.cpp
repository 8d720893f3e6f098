// The commands that look at a scenario, the algorithms or runs without running anything: check, bounds, compare,
// algorithms.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "console.hpp"
#include "sgdsim/analysis/report.hpp"
#include "sgdsim/analysis/run_data.hpp"
#include "sgdsim/analysis/theory.hpp"
#include "sgdsim/core/algorithms/registry.hpp"
#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim::cli {

RunResults simulate_one(const Job& job, const Options& o);  // simulate.cpp

namespace {

// The memory a job needs simulated (all ranks in one process) and per process of a real run; refused (exit 2) when
// the simulation would not fit. Data files are read as a run reads them (and so checked too: their contents, a
// model's test set, holdout and classes) to know their features; synthetic data of a linear objective is not generated.
void print_memory(const Options& o, const Job& job) {
  const MemoryGuard simulated = memory_guard(o, job, Placement::ALL_RANKS);
  const MemoryGuard real = memory_guard(o, job, Placement::ONE_RANK);
  DataShape shape = simulated.planned_shape();
  if (!std::holds_alternative<SyntheticData>(job.scenario.problem.data) || job.scenario.problem.model) {
    shape = MemoryGuard::shape_of(load_problem_data(job.scenario, &simulated).train);
  }
  std::cout << "# memory: simulate needs about " << simulated.estimate(shape).text() << "\n"
            << "# memory: run needs about " << real.estimate(shape).text() << " per process (rank 0)\n";
  if (simulated.budget().bytes > 0)
    std::cout << "# memory: " << bytes_text(simulated.budget().bytes) << " " << simulated.budget().source << "\n";
  std::cout << std::flush;
  simulated.check(shape, "simulate");
}

}  // namespace

int cmd_check(const Options& o) {
  for (const auto& job : resolve_jobs(o)) {
    if (!job.label.empty() && job.label != job.scenario.name) std::cout << "# variant " << job.label << "\n";
    std::cout << job.scenario.resolved_json;
    if (job.scenario.resolved_json.empty() || job.scenario.resolved_json.back() != '\n') std::cout << "\n";
    // What the keys imply but do not spell out (ζ of a mixing matrix, a solved constant), as comment lines.
    for (const auto& [name, value] : derived_facts(job.scenario)) std::cout << "# " << name << ": " << value << "\n";
    print_memory(o, job);
  }
  return EXIT_OK;
}

namespace {

void print_reports(const std::vector<analysis::TheoryReport>& reports, const std::string& format) {
  if (format == "json") {
    if (reports.size() == 1) {
      std::cout << analysis::report_json(reports.front());
    } else {
      std::cout << "[\n";
      for (std::size_t i = 0; i < reports.size(); ++i) {
        std::string text = analysis::report_json(reports[i]);
        text.pop_back();  // the newline, before the separator
        std::cout << text << (i + 1 < reports.size() ? ",\n" : "\n");
      }
      std::cout << "]\n";
    }
    return;
  }
  if (format == "markdown") {
    std::cout << analysis::report_markdown_header();
    for (const auto& r : reports) std::cout << analysis::report_markdown_rows(r);
    return;
  }
  for (std::size_t i = 0; i < reports.size(); ++i) std::cout << (i > 0 ? "\n" : "") << analysis::report_text(reports[i]);
}

// The constants (smoothness, PL, gradient bounds) are estimated for the linear objectives only.
void require_linear_objective(const Scenario& s) {
  if (s.problem.model) {
    SGDSIM_THROW(ConfigError, "scenario.problem.model: bounds estimates the theorems' constants of the linear "
                              "objectives (logistic, least_squares) only, not of model " +
                                  s.problem.model->def->name);
  }
}

// A run or study directory: every run in it read back (scenario.json, trace.csv, model.csv), nothing simulated.
std::vector<analysis::TheoryReport> reports_of_directory(const Options& o) {
  if (!o.sets.empty()) SGDSIM_THROW(ConfigError, "--set: a run directory is checked as it was run, not changed");
  if (o.no_simulate) SGDSIM_THROW(ConfigError, "--no-simulate: a run directory is never simulated again");
  std::vector<analysis::TheoryReport> reports;
  for (const auto& dir : analysis::find_run_directories(o.scenario)) {
    if (!o.variant.empty() && dir.filename() != o.variant && dir != std::filesystem::path(o.scenario)) continue;
    const analysis::RunDirectory run = analysis::read_run_directory(dir);
    require_linear_objective(run.scenario);
    const Problem problem = make_problem(run.scenario);
    reports.push_back(analysis::theory_report(run.scenario, problem, &run.results, dir.string()));
  }
  if (reports.empty()) SGDSIM_THROW(ConfigError, "--variant " + o.variant + ": no such run under " + o.scenario);
  return reports;
}

}  // namespace

int cmd_bounds(const Options& o) {
  std::vector<analysis::TheoryReport> reports;
  if (std::filesystem::is_directory(o.scenario)) {
    reports = reports_of_directory(o);
  } else {
    const auto jobs = resolve_jobs(o);
    if (!o.no_simulate && jobs.size() > 1)
      SGDSIM_THROW(ConfigError, "bounds with a simulation takes one variant: add --variant LABEL or --no-simulate");
    for (const auto& job : jobs) {
      require_linear_objective(job.scenario);
      const MemoryGuard guard = memory_guard(o, job, Placement::ALL_RANKS);
      const Problem problem = make_problem(job.scenario, &guard);
      guard.check_loaded(problem.data(), problem.dimension());
      RunResults results;
      const RunResults* simulated = nullptr;
#ifdef SGDSIM_HAVE_SIMGRID
      if (!o.no_simulate) {
        results = simulate_one(job, o);
        simulated = &results;
      }
#endif
      reports.push_back(analysis::theory_report(job.scenario, problem, simulated, "simulated now"));
    }
  }
  print_reports(reports, o.format);
  for (const auto& r : reports) {
    if (r.violated()) {
      std::cerr << "error: a bound is VIOLATED (below the measurement) in " << r.scenario << "\n";
      return EXIT_FAILED;
    }
  }
  return EXIT_OK;
}

std::string algorithms_listing() {
  std::ostringstream out;
  out << "Algorithms (scenario key algorithm.name). Every algorithm takes step_size: a number > 0, or\n"
         "{\"schedule\": \"inverse\", \"eta0\": e, \"a\": a} for e/(t + a) (a > 0, default 1). Its own keys, with their "
         "defaults:\n";
  for (const auto& def : AlgorithmRegistry::instance().all()) {
    out << "\n" << def.name << "  (" << shape_name(def.shape) << ")\n  " << def.description << "\n";
    for (const auto& key : def.keys) {
      char line[512];
      std::snprintf(line, sizeof line, "    %-18s %-10s %s\n", key.name.c_str(), key.default_value.c_str(),
                    key.description.c_str());
      out << line;
    }
  }
  return out.str();
}

int cmd_algorithms() {
  std::cout << algorithms_listing();
  return EXIT_OK;
}

int cmd_compare(const Options& o) {
  std::cout << compare_runs(o.dir_a, o.dir_b);
  return EXIT_OK;
}

}  // namespace sgdsim::cli
