// The backend-independent half of Compute: numerics through the problem's kernels, task times from the straggler model.
#pragma once

#include "sgdsim/core/comm/comm.hpp"
#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/comm/straggler.hpp"

namespace sgdsim {

// Backends derive from this and implement spend(): the simulation waits draw_task(load).total() seconds of simulated
// time; a real run sleeps the injected part. Both draw the same task times for the same (seed, repetition, worker).
class ModelledCompute : public Compute {
 public:
  ModelledCompute(const Scenario& scenario, const Problem& problem, int repetition, int worker);

  double gradient(kernels::SampleSet rows, std::span<const double> x, std::span<double> grad) override;
  double last_modelled() const override { return last_.total(); }

 protected:
  TaskTime draw_task(double load);
  const TaskTime& last_task() const { return last_; }
  const ComputeSpec& spec() const { return spec_; }

 private:
  const ComputeSpec& spec_;
  const Problem& problem_;
  StragglerModel model_;
  TaskTime last_;
};

}  // namespace sgdsim
