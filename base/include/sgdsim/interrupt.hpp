// Interrupts (SIGINT, SIGTERM): the command line's handler records the signal; long loops poll it and throw Interrupted.
#pragma once

#include <atomic>

#include "sgdsim/error.hpp"

namespace sgdsim {

// A run stopped by a signal. It unwinds like any error, so that whoever holds a run directory can close it marked
// incomplete; the process then exits with 128 + the signal (130 for SIGINT, 143 for SIGTERM), as shells expect.
class Interrupted : public Error {
 public:
  Interrupted(const char* file, int line, int signal) : Error(file, line, "interrupted"), signal_(signal) {}
  int signal() const noexcept { return signal_; }
  int exit_code() const noexcept { return 128 + signal_; }

 private:
  int signal_;
};

namespace interrupt {

// The first signal received, 0 if none. Written by a signal handler, hence a lock-free atomic.
inline std::atomic<int> received{0};
static_assert(std::atomic<int>::is_always_lock_free);

// The checkpoints (every iteration row on the aggregating rank, every wait of a real run) call this.
inline void check() {
  if (const int signal = received.load(std::memory_order_relaxed); signal != 0) throw Interrupted(__FILE__, __LINE__, signal);
}

}  // namespace interrupt
}  // namespace sgdsim
