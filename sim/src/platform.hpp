// The simulated platform: generated topologies (star, cluster, ideal) or a SimGrid XML file, and the rank -> host map.
#pragma once

#include <filesystem>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <string>
#include <vector>

#include "sgdsim/core/scenario/scenario.hpp"

namespace sgdsim::sim {

// The host speed (flop/s, "1Gf") at which a task takes exactly its modelled time. Generated hosts have it; a platform
// file's host of speed v computes a task's ℓ·(s + X)·slowdown in that time × REFERENCE_HOST_SPEED / v.
constexpr double REFERENCE_HOST_SPEED = 1e9;

// Engine arguments this network needs, to be placed before the user's own (a later --cfg overrides an earlier one).
// Generated platforms use network/model:CM02 with network/crosstraffic:0, so that a transfer of M bytes over a route
// of links l1..lk takes exactly Σ latency(li) + M / min bandwidth(li) (LV08, SimGrid's default, scales latency by
// 13.01 and bandwidth by 0.97 and adds reverse traffic). An XML platform keeps SimGrid's defaults (or its own
// <config>).
std::vector<std::string> platform_config_args(const NetworkSpec& network);

// Creates the platform in `engine` and returns the host of each of the `ranks` ranks.
// - star: every rank has one (shared, both directions) link of the given bandwidth and latency to the centre, so a
//   message crosses two links: 2·latency + M/bandwidth; a parameter server is one of the ranks, with its own link.
// - cluster: a crossbar; every rank has a private split-duplex link (up and down are independent) whose halves each
//   carry latency/2, so a message takes latency + M/bandwidth and a ring all-reduce of M bytes on N ranks takes
//   2(N−1)(latency + M/(N·bandwidth)). No shared backbone.
// - ideal: as star with zero latency and 1e15 B/s links: communication takes (almost) no time.
// - platform_file: loaded as is; its hosts in natural name order (digit runs compare as numbers, so node-2 comes
//   before node-10) give ranks 0, 1, ...; fewer hosts than ranks is a ConfigError naming the file and both counts.
// Generated hosts are named rank-0 ... rank-(ranks−1), with REFERENCE_HOST_SPEED (tasks take their modelled time).
std::vector<simgrid::s4u::Host*> build_platform(simgrid::s4u::Engine& engine, const NetworkSpec& network, int ranks);

// Loads a platform file in a child process (SimGrid aborts the process on some broken platforms) and checks it has
// `ranks` hosts and a route between the pairs of ranks that can exchange messages (every pair up to 256 ranks; above,
// rank 0 with all, ring neighbours and recursive-doubling partners). ConfigError naming scenario.cluster.network,
// the file and what is wrong (SimGrid's parse error, the host count, the first pair of ranks without a route).
// `engine` must not have a platform yet.
void check_platform_file(simgrid::s4u::Engine& engine, const std::filesystem::path& file, int ranks);

// SimGrid 3.32 checks its options' names and types, not their values: maxmin/precision:-1 crashes it,
// network/bandwidth-factor:0 aborts it, surf/precision:0 makes it loop forever. So when the user gives options
// (`user_args`, part of `args`: the engine's whole argument list, argv[0] first), a child process builds the engine
// with `args`, the scenario's network for 2 ranks, and simulates one transfer; a crash, an abort or no end within
// 10 s of wall-clock time is a ConfigError naming the options and SimGrid's last message. No engine may exist yet in
// this process.
void check_simgrid_options(const std::vector<std::string>& args, const std::vector<std::string>& user_args,
                           const NetworkSpec& network);

// "node-2" < "node-10": digit runs compared by value, the rest character by character.
bool natural_less(const std::string& a, const std::string& b);

}  // namespace sgdsim::sim
