// sgdsim::cli::main: the command line (CLI11), the exit codes, and the dispatch to one function per command.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>

#include "commands.hpp"
#include "sgdsim/cli/cli.hpp"
#include "sgdsim/core/algorithms/registry.hpp"
#include "sgdsim/error.hpp"
#include "sgdsim/interrupt.hpp"
#include "version.hpp"

namespace sgdsim::cli {
namespace {

// The first SIGINT or SIGTERM is recorded (interrupt::received), and the run ends at its next checkpoint keeping what
// was complete; a second one ends the process at once.
extern "C" void on_interrupt(int signal) {
  int none = 0;
  if (!interrupt::received.compare_exchange_strong(none, signal)) _exit(128 + signal);
}

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

// The command line as a shell would read it back: arguments with anything but [A-Za-z0-9_./=:,+-] single-quoted.
std::string command_line(int argc, char** argv) {
  static constexpr const char* PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,+-";
  std::string line;
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool plain = !arg.empty() && arg.find_first_not_of(PLAIN) == std::string::npos;
    if (i > 0) line += ' ';
    if (plain) {
      line += arg;
      continue;
    }
    line += '\'';
    for (char ch : arg) line += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    line += '\'';
  }
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  o.command_line = command_line(argc, argv);
  CLI::App app{"sgdsim: distributed SGD under stragglers and communication cost, simulated (SimGrid) or run for "
               "real (MPI).\nExit codes: 0 ok, 2 bad input (scenario, data, options, an existing run directory), 1 "
               "failure, 130 / 143 interrupted by SIGINT / SIGTERM (the run directory is kept, marked incomplete)."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("sgdsim ") + version());
  app.footer("Algorithms: " + config::join(AlgorithmRegistry::instance().names()) +
             " (sgdsim algorithms lists their keys).");
  auto add_scenario = [&](CLI::App* cmd) {
    cmd->add_option("scenario", o.scenario, "scenario JSON file (see SCENARIO.md)")->required()->check(CLI::ExistingFile);
    cmd->add_option("--set", o.sets, "override a scenario value, e.g. --set cluster.workers=64 (repeatable)");
    cmd->add_option("--variant", o.variant, "run only the study variant with this label");
    cmd->add_option("--max-memory", o.max_memory,
                    "refuse a run when the estimated memory of one of its processes (a simulation, a rank) exceeds "
                    "SIZE, e.g. 4GiB or 500MB (default: the available memory, MemAvailable, shared by the processes)");
  };
  auto add_simgrid = [&](CLI::App* cmd) {
    cmd->add_option("--cfg", o.simgrid_cfg,
                    "SimGrid configuration, e.g. --cfg=network/model:LV08 (repeatable; after sgdsim's own defaults, so "
                    "it overrides them; --cfg=help lists them)")
        ->allow_extra_args(false);
    cmd->add_option("--log", o.simgrid_log, "SimGrid logging, e.g. --log=root.thres:info (repeatable)")
        ->allow_extra_args(false);
    cmd->add_option("--engine", o.engine,
                    "simgrid (default): SimGrid runs the simulation; analytic: sgdsim's own engine with the CM02 "
                    "network of generated star/cluster/ideal platforms in closed form, equal to SimGrid's to rounding "
                    "and much faster with many workers (no platform files, no --cfg)")
        ->check(CLI::IsMember({"simgrid", "analytic"}));
  };
  auto* simulate = app.add_subcommand("simulate", "simulate the scenario in SimGrid and write its run directory");
  add_scenario(simulate);
  add_simgrid(simulate);
  simulate->add_option("--out", o.out, "run directory (default: the scenario's output.dir)");
  simulate->add_flag("--force", o.force, "replace run directories that exist (otherwise an error)");
  simulate->add_option("-j,--jobs", o.parallel,
                       "simulate up to N repetitions at once, each in a process of its own (under mpirun: per rank); "
                       "the files written are the same for every N")
      ->check(CLI::Range(1, 4096))
      ->default_val(1);
  simulate->add_flag("-q,--quiet", o.quiet, "no progress on stderr");
  simulate->add_flag("-v,--verbose", o.verbose, "a line per finished repetition, and the table of every repetition");
  auto* run = app.add_subcommand("run", "run the scenario for real: mpirun -np N sgdsim run SCENARIO");
  add_scenario(run);
  run->add_option("--out", o.out, "run directory (default: the scenario's output.dir)");
  run->add_flag("--force", o.force, "replace the run directory if it exists (otherwise an error)");
  run->add_option("--worker-timeout", o.worker_timeout,
                  "seconds to wait at the end of a repetition for a worker that sends nothing; it is then given up on, "
                  "recorded in summary.json (silent_workers), and the job ends with exit code 1")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  auto* check = app.add_subcommand("check", "validate the scenario and print it resolved (defaults filled in)");
  add_scenario(check);
  auto* bounds = app.add_subcommand(
      "bounds", "every theorem of the seed papers that concerns the scenario's algorithm, checked against a run "
                "(exit 1 when a bound is VIOLATED)");
  bounds->add_option("scenario", o.scenario, "scenario JSON file (simulated first), or a run or study directory "
                                             "(read back, nothing simulated)")
      ->required()
      ->check(CLI::ExistingPath);
  bounds->add_option("--set", o.sets, "override a scenario value (scenario files only; repeatable)");
  bounds->add_option("--variant", o.variant, "only the study variant with this label");
  add_simgrid(bounds);
  bounds->add_flag("--no-simulate", o.no_simulate, "the bounds alone, nothing measured");
  bounds->add_option("--format", o.format, "text, json, or markdown (table rows, as in docs/theory.md)")
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  auto* algorithms = app.add_subcommand("algorithms", "list the algorithms with their scenario keys and defaults");
  auto* compare = app.add_subcommand("compare", "compare the iteration times of two run directories");
  compare->add_option("run_a", o.dir_a, "run directory A")->required()->check(CLI::ExistingDirectory);
  compare->add_option("run_b", o.dir_b, "run directory B")->required()->check(CLI::ExistingDirectory);

  auto* plot = app.add_subcommand("plot", "draw the figures of a run or study directory (PNG, SVG, data as CSV)");
  plot->add_option("dir", o.dir, "run directory, or study directory (with study.json)")
      ->required()
      ->check(CLI::ExistingDirectory);
  plot->add_option("--out", o.out, "figure directory (default: DIR/figures)");
  plot->add_flag("--logx", o.logx, "loss against time on a log time axis");
  plot->add_option("--window", o.window, "iterations FIRST:LAST of the per-worker timelines (default 1:10)");
  plot->add_option("--run", o.run, "repetition of the per-worker timelines (default 0)")
      ->check(CLI::NonNegativeNumber);
  plot->add_flag("--data-only", o.data_only, "write the figures' data (CSV) and figures.json, draw nothing");
  auto* report = app.add_subcommand("report", "write report.md: the study's table, figures and resolved scenario");
  report->add_option("dir", o.dir, "study directory (or run directory)")->required()->check(CLI::ExistingDirectory);
  report->add_option("--out", o.out, "the report file (default: DIR/report.md; figures go beside it, in figures/)");
  report->add_flag("--logx", o.logx, "loss against time on a log time axis");
  auto* calibrate = app.add_subcommand(
      "calibrate", "fit the compute model to the task times of a (real) parameter-server run; write a scenario of it");
  calibrate->add_option("dir", o.dir, "run directory (sgdsim run or simulate)")
      ->required()
      ->check(CLI::ExistingDirectory);
  calibrate->add_option("--out", o.out,
                        "output directory: scenario.json, calibration.json, QQ figure (default: DIR/calibration)");
  calibrate->add_option("--form", o.form,
                        "straggling: l*(s + Exp(lambda)) per task of load l; delay: l*s + Exp(mean m) (default "
                        "straggling)")
      ->check(CLI::IsMember({"straggling", "delay"}));
  calibrate->add_flag("--no-slowdown", o.no_slowdown, "fit no per-worker slowdown (all workers alike)");
  calibrate->add_option("--set", o.sets, "override a value of the written scenario, e.g. --set cluster.workers=40");
  calibrate->add_flag("--data-only", o.data_only, "write the figures' data, do not draw them");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? EXIT_OK : EXIT_BAD_INPUT;
  }
  install_interrupt_handlers();
  try {
    const bool cfg_help = std::find(o.simgrid_cfg.begin(), o.simgrid_cfg.end(), "help") != o.simgrid_cfg.end();
    if ((*simulate || *bounds) && cfg_help) return cmd_simgrid_help();
    if (*simulate) return cmd_simulate(o, &argc, &argv);
    if (*check) return cmd_check(o);
    if (*bounds) return cmd_bounds(o);
    if (*compare) return cmd_compare(o);
    if (*algorithms) return cmd_algorithms();
    if (*plot) return cmd_plot(o);
    if (*report) return cmd_report(o);
    if (*calibrate) return cmd_calibrate(o);
    if (*run) return cmd_run(o, &argc, &argv);
  } catch (const Interrupted& e) {
    std::cerr << "interrupted\n";
    return e.exit_code();
  } catch (const ConfigError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return EXIT_BAD_INPUT;
  } catch (const DataError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return EXIT_BAD_INPUT;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

}  // namespace sgdsim::cli
