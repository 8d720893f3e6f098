// The commands of the sgdsim command line (private to the cli library): options, jobs, one function per command.
#pragma once

#include <string>
#include <vector>

#include "sgdsim/core/scenario/preflight.hpp"
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
  std::string max_memory;  // --max-memory: empty means the available memory
  bool no_simulate = false;
  std::string dir_a, dir_b;
};

// One runnable scenario: a plain scenario, or one variant of a study (output in <dir>/<label>).
struct Job {
  std::string label;
  Scenario scenario;
};

// The scenario file of the options, split into its variants (one job for a plain scenario), with --set applied;
// the files each names are checked to exist.
std::vector<Job> resolve_jobs(const Options& o);

// A job's memory guard: its estimate against --max-memory, or the available memory shared by `processes` on this
// machine.
MemoryGuard memory_guard(const Options& o, const Job& job, Placement placement, int processes = 1);

int cmd_simulate(const Options& o);
int cmd_run(const Options& o, int* argc, char*** argv);
int cmd_check(const Options& o);
int cmd_bounds(const Options& o);
int cmd_compare(const Options& o);
int cmd_algorithms();

}  // namespace sgdsim::cli
