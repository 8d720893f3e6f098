// The straggler model of SCENARIO.md: a task of load ℓ takes slowdown·ℓ·(s + X) + D, X ~ Exp(λ), D ~ Exp(mean m).
#pragma once

#include <cstdint>

#include "sgdsim/core/data/rng.hpp"
#include "sgdsim/core/scenario/scenario.hpp"

namespace sgdsim {

struct TaskTime {
  double base = 0;     // slowdown·ℓ·s: the part without randomness
  double straggle = 0; // slowdown·ℓ·X
  double delay = 0;    // additive delay D
  double total() const { return base + straggle + delay; }
};

// One per worker; draws from that worker's STRAGGLE and DELAY streams, one draw of each per task, in task order.
class StragglerModel {
 public:
  StragglerModel(const ComputeSpec& spec, std::uint64_t seed, int repetition, int worker);
  TaskTime draw(double load);

  // Closed forms for one task: mean and variance of the total time.
  double mean(double load) const;
  double variance(double load) const;

 private:
  double s_;
  double rate_;        // 0: no straggling
  double delay_mean_;  // 0: no delay
  double slowdown_;
  Rng straggle_rng_;
  Rng delay_rng_;
};

}  // namespace sgdsim
