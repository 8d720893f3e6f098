// The SimGrid backend's entry point: runs a scenario's repetitions as a simulation on a modelled cluster.
#pragma once

#include <string>
#include <vector>

#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim::sim {

struct SimulationOptions {
  std::vector<std::string> simgrid_args;  // extra --cfg=... / --log=... arguments for the SimGrid engine
  TraceSink* observer = nullptr;          // sees rank 0's records as they happen (progress)
};

// Builds the platform (cluster.network), starts one actor per rank on its host, runs all repetitions one after
// another (each from time 0 of its own clock) and checks every actor finished (a deadlock is a SimulationError).
// Rows go to `sink` as the simulation produces them (worker rows in (iteration, worker) order), each repetition's
// summary and model when it ends. Only one simulation per process (SimGrid allows one Engine).
void simulate(const Scenario& scenario, const Problem& problem, RunSink& sink, const SimulationOptions& options = {});
// The same, kept in memory.
RunResults simulate(const Scenario& scenario, const Problem& problem, const SimulationOptions& options = {});

}  // namespace sgdsim::sim
