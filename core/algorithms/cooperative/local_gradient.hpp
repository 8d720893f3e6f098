// A worker's local stochastic gradient (private to the family): which rows it samples each iteration and the modelled
// work that is: its own shard, or RI-SGD's several chunks.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

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
  // Rows it holds beyond its own shard (RI-SGD's redundant data; 0 otherwise).
  virtual std::int64_t redundant_rows() const = 0;
};

// μ_j of every worker j: μ itself (cyclic), or the heterogeneous draws.
std::vector<double> worker_redundancy(const RunContext& context, const Redundancy& redundancy);

// B rows uniformly with replacement (the worker's BATCH stream) from its shard, or from every row with sampling
// "data_set", load B/N; with params.redundancy, B rows from each shard it holds (its own first), round(frac·B) from a
// partial one, combined by sum or mean.
std::unique_ptr<LocalGradient> make_local_gradient(const RunContext& context, const CooperativeParams& params,
                                                   int worker);

}  // namespace sgdsim::cooperative
