// Heavy-ball momentum gradient descent on the parameter-server shape: an algorithm defined outside sgdsim.
#pragma once

#include "sgdsim/core/algorithms/registry.hpp"

namespace example {

struct HeavyBallParams : sgdsim::AlgorithmParams {
  double momentum = 0.9;  // β in v ← βv + ∇F(x), x ← x − ηv
};

// The definition to register: name "heavy_ball", key "momentum" (default 0.9, in [0, 1)).
sgdsim::AlgorithmDef heavy_ball_algorithm();

}  // namespace example
