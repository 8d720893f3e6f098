// MonitorBoard: monitoring gathers through a simulation's shared memory.
#include "monitor_board.hpp"

#include <algorithm>

#include "sgdsim/error.hpp"

namespace sgdsim::sim {

void MonitorBoard::contribute(int epoch, std::int64_t key, int rank, int size, std::span<const double> values) {
  Slot& slot = slots_[{epoch, key}];
  const std::size_t n = values.size();
  if (slot.contributed == 0) {
    slot.values.assign(n * static_cast<std::size_t>(size), 0.0);
    slot.from.assign(static_cast<std::size_t>(size), 0);
  }
  if (slot.values.size() != n * static_cast<std::size_t>(size)) {
    SGDSIM_THROW(SimulationError, "rank " + std::to_string(rank) + " contributed " + std::to_string(n) +
                                      " values to monitoring key " + std::to_string(key) +
                                      ", other ranks a different count");
  }
  std::copy(values.begin(), values.end(),
            slot.values.begin() + static_cast<std::ptrdiff_t>(n * static_cast<std::size_t>(rank)));
  slot.from[static_cast<std::size_t>(rank)] = 1;
  ++slot.contributed;
}

void MonitorBoard::leave(int epoch, int rank) { left_[epoch].push_back(rank); }

bool MonitorBoard::collect(int epoch, std::int64_t key, int size, std::vector<double>& all, bool wait,
                           const std::string& backend) {
  auto it = slots_.find({epoch, key});
  int absent = 0;  // ranks that left without contributing: their zeros count
  if (it != slots_.end())
    if (auto left = left_.find(epoch); left != left_.end())
      for (int rank : left->second) absent += it->second.from[static_cast<std::size_t>(rank)] == 0 ? 1 : 0;
  if (it == slots_.end() || it->second.contributed + absent < size) {
    if (wait) {
      SGDSIM_THROW(SimulationError, backend + ": monitoring key " + std::to_string(key) + " collected before every " +
                                        "rank contributed (a simulation cannot wait for it without taking simulated time)");
    }
    return false;
  }
  all = std::move(it->second.values);
  slots_.erase(it);
  return true;
}

}  // namespace sgdsim::sim
