// The commands of the sgdsim command line (private to the cli library): options, jobs, one function per command.
#pragma once

#include <string>
#include <vector>

#include "sgdsim/core/scenario/scenario.hpp"

namespace sgdsim::cli {

constexpr int EXIT_OK = 0;
constexpr int EXIT_FAILED = 1;
constexpr int EXIT_BAD_INPUT = 2;

struct Options {
  std::string scenario;
  std::vector<std::string> sets;
  std::string out;
  std::string variant;
  bool no_simulate = false;
  std::string format = "text";  // bounds: text | json | markdown
  std::string dir_a, dir_b;
};

// One runnable scenario: a plain scenario, or one variant of a study (output in <dir>/<label>).
struct Job {
  std::string label;
  Scenario scenario;
};

// The scenario file of the options, split into its variants (one job for a plain scenario), with --set applied.
std::vector<Job> resolve_jobs(const Options& o);

int cmd_simulate(const Options& o);
int cmd_run(const Options& o, int* argc, char*** argv);
int cmd_check(const Options& o);
int cmd_bounds(const Options& o);
int cmd_compare(const Options& o);
int cmd_algorithms();
std::string algorithms_listing();  // names, layouts, descriptions and keys of the registered algorithms

}  // namespace sgdsim::cli
