// More simulated ranks than Linux's vm.max_map_count allows with SimGrid's guarded actor stacks (two mappings per
// actor): the run drops the guard pages instead of aborting (exit 134 before).
#include <doctest/doctest.h>

#include <fstream>

#include "sgdsim/sim/actors.hpp"
#include "sim_test_util.hpp"

using namespace sgdsim;

TEST_CASE("more actors than guarded stacks fit in vm.max_map_count all run to completion") {
  std::ifstream limit_file("/proc/sys/vm/max_map_count");
  long limit = 0;
  if (!(limit_file >> limit) || limit > 120000) {
    MESSAGE("vm.max_map_count is unknown or large here: nothing to check cheaply");
    return;
  }
  const int ranks = static_cast<int>(limit / 2 + 1000);  // guarded: 2 mappings each, more than the limit
  int finished = 0;
  sim::run_actors(test::generated_network(Topology::IDEAL, 1e9, 0), ranks, [&](sim::RankContext&) { ++finished; });
  CHECK(finished == ranks);
}
