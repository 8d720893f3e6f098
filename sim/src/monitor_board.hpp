// MonitorBoard: the monitoring gathers of a simulation, kept in its shared memory (every rank runs in one process).
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace sgdsim::sim {

// Comm::monitor_contribute / monitor_collect for backends whose ranks share memory: a contribution is a plain copy,
// in zero simulated time, and collecting never waits (a simulation could only wait in simulated time).
class MonitorBoard {
 public:
  // Rank `rank` of `size` puts its values under (epoch, key); every rank contributes the same number of values.
  void contribute(int epoch, std::int64_t key, int rank, int size, std::span<const double> values);
  // True, with rank r's values at [r·n, (r+1)·n) of `all`, once all `size` ranks contributed (the key is then gone);
  // false while some have not, or an error naming `backend` if `wait` says every rank should have contributed.
  // A rank that left (Comm::leave) counts as having contributed zeros under every key of `epoch` it did not reach.
  bool collect(int epoch, std::int64_t key, int size, std::vector<double>& all, bool wait, const std::string& backend);
  // Rank `rank` has left in `epoch`: it contributes nothing more.
  void leave(int epoch, int rank);

 private:
  struct Slot {
    std::vector<double> values;
    std::vector<char> from;  // per rank: contributed
    int contributed = 0;
  };
  std::map<std::pair<int, std::int64_t>, Slot> slots_;  // (epoch, key) -> gather in progress
  std::map<int, std::vector<int>> left_;                // epoch -> the ranks that left in it
};

}  // namespace sgdsim::sim
