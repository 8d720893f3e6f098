// The real run's clock (wall seconds since an aligned start) and compute (real gradients + injected straggler time).
#pragma once

#include <chrono>
#include <cstdint>

#include "sgdsim/core/comm/compute.hpp"

namespace sgdsim::exec {

// Seconds of std::chrono::steady_clock since construction. run_mpi constructs it right after a barrier, so the
// clocks of all ranks start together (to within the barrier's skew, microseconds on one machine).
class WallClock final : public Clock {
 public:
  WallClock() : start_(std::chrono::steady_clock::now()) {}
  double now() const override {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// gradient() is real (ModelledCompute). spend() draws the task time from the same straggler stream as the simulation
// (so both see the same draws for the same seed) and sleeps only what is injected:
// - inject = none: the straggler parts the machine does not produce by itself: the additive delay D and, for a
//   worker with slowdown f, (f − 1) × the real compute time so far (clock now − started);
// - inject = model: until started + the modelled total ℓ·(s + X)·f + D, if that is not already past.
// The sleep is cut into slices of at most 100 µs between which `interrupt` is tested through `comm`: if it
// completes, spend returns false at once.
class RealCompute final : public ModelledCompute {
 public:
  RealCompute(const Scenario& scenario, const Problem& problem, int repetition, int worker, Comm& comm,
              const Clock& clock);
  bool spend(double load, std::int64_t iteration, double started, Request* interrupt = nullptr) override;

  // The seconds the last spend() slept or was asked to sleep (0 when nothing was injected), for tests.
  double last_injected() const { return last_injected_; }

 private:
  Comm& comm_;
  const Clock& clock_;
  double slowdown_ = 1.0;
  double last_injected_ = 0.0;
};

}  // namespace sgdsim::exec
