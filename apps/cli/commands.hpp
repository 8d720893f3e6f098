// The commands of the sgdsim command line (private to the cli library): options, jobs, one function per command.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
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
  std::string format = "text";  // bounds: text | json | markdown
  bool force = false;             // simulate, run: replace run directories that exist
  double worker_timeout = 60.0;   // run: seconds to wait for a worker's records at the end of a repetition
  std::string dir_a, dir_b;
  int parallel = 1;          // simulate -j: repetitions simulated at once (per rank under mpirun)
  bool quiet = false;        // -q: no progress on stderr
  bool verbose = false;      // -v: a line per finished repetition, and the table of every repetition
  std::string command_line;  // as typed, for the provenance
  std::vector<std::string> simgrid_cfg;  // --cfg=KEY:VALUE, handed to SimGrid as is (simulate, bounds)
  std::vector<std::string> simgrid_log;  // --log=SETTING
  std::string engine = "simgrid";        // simulate, bounds: simgrid | analytic
  // The SimGrid engine arguments of --cfg / --log, in the form SimGrid parses ("--cfg=network/model:CM02").
  std::vector<std::string> simgrid_args() const;
  // plot, report, calibrate
  std::string dir;                  // the run or study directory read
  bool logx = false;                // plot: loss against time on a log time axis
  std::string window;               // plot: the timeline's iterations, FIRST:LAST
  int run = 0;                      // plot: the timeline's repetition
  bool data_only = false;           // plot, calibrate: write the figures' data, do not draw
  std::string form = "straggling";  // calibrate: straggling | delay
  bool no_slowdown = false;         // calibrate: fit no per-worker slowdown
};

// One runnable scenario: a plain scenario, or one variant of a study (output in <dir>/<label>).
struct Job {
  std::string label;
  Scenario scenario;
  std::vector<std::pair<std::string, std::string>> point;  // its sweep point: path -> value (JSON text)
};

// What a scenario file asks for: its jobs, and for a study (variants or a sweep, without --variant) where the study's
// own files go and what its speed-ups compare with.
struct Plan {
  std::vector<Job> jobs;
  bool study = false;
  std::string name;               // the scenario's name
  std::filesystem::path dir;      // study.csv / study.json: the study's output.dir, or the run directory of one job
  std::size_t baseline = 0;       // index into jobs
  std::vector<std::string> swept_paths;
};

// The scenario file of the options, split into its variants (one job for a plain scenario), with --set applied; the
// files each names are checked to exist.
Plan resolve_plan(const Options& o);
std::vector<Job> resolve_jobs(const Options& o);

// A job's memory guard: its estimate against --max-memory, or the available memory shared by the `processes` of the
// run on this machine.
MemoryGuard memory_guard(const Options& o, const Job& job, Placement placement, int processes = 1);
// The processes of this run on this machine: ranks per node under mpirun (OpenMPI, MPICH), else 1.
int ranks_on_this_machine();

// The host this process runs on, and the time now as ISO 8601 UTC (for the provenance of run directories).
std::string host_name();
std::string now_utc();

#ifdef SGDSIM_HAVE_MPI
// Initialises MPI, runs `body` on this rank and returns its exit status. A ConfigError (which every rank meets alike,
// e.g. a wrong number of ranks) is reported by each rank, which exits with 2; any other failure would leave other
// ranks waiting, so it ends the whole run (MPI_Abort) after printing this rank's message.
int on_every_rank(int* argc, char*** argv, const std::function<int(int rank, int size)>& body);
// "error [rank r]: message" on stderr, in one write.
void report_rank_error(int rank, const std::string& message);
#endif

int cmd_simulate(const Options& o, int* argc, char*** argv);
// --cfg=help (simulate, bounds): SimGrid's configuration keys with their types and defaults, then exit 0.
int cmd_simgrid_help();
int cmd_run(const Options& o, int* argc, char*** argv);
int cmd_check(const Options& o);
int cmd_bounds(const Options& o);
int cmd_compare(const Options& o);
int cmd_algorithms();
int cmd_plot(const Options& o);
int cmd_report(const Options& o);
int cmd_calibrate(const Options& o);
std::string algorithms_listing();  // names, layouts, descriptions and keys of the registered algorithms

}  // namespace sgdsim::cli
