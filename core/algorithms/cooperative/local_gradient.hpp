// A worker's local stochastic gradient (private to the family): which rows it samples each iteration and the modelled
// work that is. The seam where redundancy-infused SGD (sampling from several chunks and summing) plugs in.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "sgdsim/core/algorithms/algorithm.hpp"
#include "sgdsim/core/algorithms/cooperative/params.hpp"

namespace sgdsim::cooperative {

class LocalGradient {
 public:
  virtual ~LocalGradient() = default;
  // This iteration's stochastic gradient at x into grad (through the rank's Compute, which takes no time for it);
  // returns the load, the fraction of the data set the work covers, whose modelled time the caller then spends.
  virtual double compute(std::span<const double> x, std::span<double> grad) = 0;
  // The worker's part of a partition of the data set (the shards of all workers cover every row once): what it
  // evaluates when the workers compute the full loss together.
  virtual std::span<const std::int64_t> partition() const = 0;
};

// B rows uniformly with replacement (the worker's BATCH stream) from its shard, or from every row with sampling
// "data_set"; load B/N.
std::unique_ptr<LocalGradient> make_local_gradient(const RunContext& context, const CooperativeParams& params,
                                                   int worker);

}  // namespace sgdsim::cooperative
