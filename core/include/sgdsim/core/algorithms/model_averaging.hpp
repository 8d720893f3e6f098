// The model-averaging family's parameters (sync SGD, local SGD): every worker keeps a model and mixing is an
// all-reduce. Public so that analysis/ can read them; the algorithms themselves are registered in registry.cpp.
#pragma once

#include "sgdsim/core/algorithms/registry.hpp"

namespace sgdsim {

struct AveragingParams : AlgorithmParams {
  int batch_size = 32;         // B, per worker and iteration
  int tau = 1;                 // local steps between averaging rounds
  bool average_models = false; // false: all-reduce gradients and step with their mean (sync SGD); true: local steps
  bool sample_data_set = false; // key sampling: "shard" (false) draws mini-batches from the worker's shard, "data_set"
                                // from the whole data set (unbiased for ∇F, as LUPA-SGD's and Cooperative SGD's
                                // theorems assume)
};

}  // namespace sgdsim
