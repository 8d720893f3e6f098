// The SimGrid backend's entry point: runs a scenario's repetitions as a simulation on a modelled cluster.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim::sim {

// simgrid: SimGrid runs the simulation (any platform, any SimGrid network model). analytic: sgdsim's own
// discrete-event engine with the CM02 network of generated star / cluster / ideal platforms in closed form (see
// docs/design.md): the same algorithms and traces, equal to SimGrid's to rounding, many times faster at scale.
enum class SimEngine { SIMGRID, ANALYTIC };

struct SimulationOptions {
  SimEngine engine = SimEngine::SIMGRID;
  std::vector<std::string> simgrid_args;  // extra --cfg=... / --log=... arguments for the SimGrid engine
  TraceSink* observer = nullptr;          // sees rank 0's records as they happen (progress)
  // Run only this repetition (its results are numbered by it). A repetition's results depend only on the scenario and
  // its number, but bit for bit only when it starts the engine: clock readings are differences of absolute simulated
  // times, rounded differently later in a run. Studies therefore run each repetition in an engine of its own.
  std::optional<int> only_repetition;
};

// Builds the platform (cluster.network), starts one actor per rank on its host, runs all repetitions (or only the one
// of options.only_repetition) one after another, each from time 0 of its own clock, and checks every actor finished
// (a deadlock is a SimulationError). Rows go to `sink` as the simulation produces them (worker rows in (iteration,
// worker) order), each repetition's summary and model when it ends. Only one simulation per process (SimGrid allows
// one Engine).
void simulate(const Scenario& scenario, const Problem& problem, RunSink& sink, const SimulationOptions& options = {});
// The same, kept in memory.
RunResults simulate(const Scenario& scenario, const Problem& problem, const SimulationOptions& options = {});
// The analytic engine alone (simulate() calls it for SimEngine::ANALYTIC), streaming to `sink` like simulate().
// Platform files and SimGrid options are ConfigErrors. Runs any number of times per process.
void simulate_analytic(const Scenario& scenario, const Problem& problem, RunSink& sink,
                       const SimulationOptions& options = {});

// Prints SimGrid's configuration keys (what --cfg accepts) with their types and current values, as SimGrid's own
// --help does; for `--cfg=help`. No engine may exist yet in this process.
void print_simgrid_options();

// The SimGrid library's version, "3.32.0".
std::string simgrid_version();

}  // namespace sgdsim::sim
