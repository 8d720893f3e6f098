// The commands that look at a scenario, the algorithms or runs without running anything: check, bounds, compare,
// algorithms.
#include <cstdio>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "console.hpp"
#include "sgdsim/analysis/report.hpp"
#include "sgdsim/core/algorithms/registry.hpp"
#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim::cli {

RunResults simulate_one(const Job& job, const Options& o);  // simulate.cpp

int cmd_check(const Options& o) {
  for (const auto& job : resolve_jobs(o)) {
    if (!job.label.empty() && job.label != job.scenario.name) std::cout << "# variant " << job.label << "\n";
    std::cout << job.scenario.resolved_json;
    if (job.scenario.resolved_json.empty() || job.scenario.resolved_json.back() != '\n') std::cout << "\n";
    // What the keys imply but do not spell out (ζ of a mixing matrix, a solved constant), as comment lines.
    for (const auto& [name, value] : derived_facts(job.scenario)) std::cout << "# " << name << ": " << value << "\n";
  }
  return EXIT_OK;
}

int cmd_bounds(const Options& o) {
  const auto jobs = resolve_jobs(o);
  if (!o.no_simulate && jobs.size() > 1)
    SGDSIM_THROW(ConfigError, "bounds with a simulation takes one variant: add --variant LABEL or --no-simulate");
  for (const auto& job : jobs) {
    // The constants (smoothness, PL, gradient bounds) are estimated for the linear objectives.
    if (job.scenario.problem.model) {
      SGDSIM_THROW(ConfigError, "scenario.problem.model: bounds estimates the theorems' constants of the linear "
                                "objectives (logistic, least_squares) only, not of model " +
                                    job.scenario.problem.model->def->name);
    }
    const Problem problem = make_problem(job.scenario);
    RunResults results;
    const RunResults* simulated = nullptr;
#ifdef SGDSIM_HAVE_SIMGRID
    if (!o.no_simulate) {
      results = simulate_one(job, o);
      simulated = &results;
    }
#endif
    if (!job.label.empty()) std::cout << "== " << job.label << "\n";
    std::cout << analysis::bounds_report(job.scenario, problem, simulated) << "\n";
  }
  return EXIT_OK;
}

std::string algorithms_listing() {
  std::ostringstream out;
  out << "Algorithms (scenario key algorithm.name). Every algorithm takes step_size: a number > 0, or\n"
         "{\"schedule\": \"inverse\", \"eta0\": e, \"a\": a} for e/(t + a). Its own keys, with their defaults:\n";
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
