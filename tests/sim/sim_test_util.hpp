// Helpers shared by the simulation tests: generated networks and a way to read a rank's clock after the run.
#pragma once

#include "sgdsim/core/scenario/scenario.hpp"

namespace sgdsim::test {

inline NetworkSpec generated_network(Topology topology, double bandwidth, double latency) {
  NetworkSpec network;
  network.topology = topology;
  network.bandwidth = bandwidth;
  network.latency = latency;
  return network;
}

inline NetworkSpec platform_network(const char* file) {
  NetworkSpec network;
  network.platform_file = std::string(SGDSIM_SOURCE_DIR) + "/platforms/" + file;
  return network;
}

}  // namespace sgdsim::test
