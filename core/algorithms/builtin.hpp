// The built-in algorithms' definitions (private to core): registry.cpp registers each of them, one line each.
#pragma once

#include "sgdsim/core/algorithms/registry.hpp"

namespace sgdsim::builtin {

AlgorithmDef sync_sgd();           // model_averaging.cpp
AlgorithmDef local_sgd();          // model_averaging.cpp
AlgorithmDef uncoded();            // gradient_coding.cpp
AlgorithmDef egc();                // gradient_coding.cpp
AlgorithmDef agc();                // gradient_coding.cpp
AlgorithmDef ignore_stragglers();  // gradient_coding.cpp

}  // namespace sgdsim::builtin
