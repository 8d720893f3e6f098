// The built-in algorithms' definitions (private to core): registry.cpp registers each of them, one line each.
#pragma once

#include <vector>

#include "sgdsim/core/algorithms/registry.hpp"

namespace sgdsim::builtin {

// sync_sgd, local_sgd, easgd, dpsgd, cooperative: the presets of Cooperative SGD (cooperative/presets.cpp).
std::vector<AlgorithmDef> model_averaging_family();
AlgorithmDef uncoded();            // gradient_coding.cpp
AlgorithmDef egc();                // gradient_coding.cpp
AlgorithmDef agc();                // gradient_coding.cpp
AlgorithmDef ignore_stragglers();  // gradient_coding.cpp

}  // namespace sgdsim::builtin
