// Running rank actors on a simulated platform: the building block of simulate(), also used directly by the tests.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sgdsim/core/comm/comm.hpp"
#include "sgdsim/core/comm/compute.hpp"
#include "sgdsim/core/scenario/scenario.hpp"

namespace sgdsim::sim {

class SimWorld;

// What a rank actor gets from run_actors. Everything it makes lives in simulated time on the rank's host.
class RankContext {
 public:
  RankContext(SimWorld& world, int rank) : world_(&world), rank_(rank) {}
  int rank() const { return rank_; }
  int ranks() const;
  // The name of the host this rank runs on.
  std::string host_name() const;

  // A communicator for one epoch (a repetition): messages of different epochs never match. Sends and receives are
  // SimGrid communications whose modelled size is the true payload size.
  std::unique_ptr<Comm> make_comm(int epoch) const;
  // A clock that reads 0 now and then follows simulated time.
  std::unique_ptr<Clock> make_clock() const;
  // Simulated compute for `worker`: spend() waits the modelled task time; `comm` (from make_comm) provides the
  // requests that may interrupt it.
  std::unique_ptr<ModelledCompute> make_compute(const Scenario& scenario, const Problem& problem, int repetition,
                                                int worker, Comm& comm) const;
  // Zero-time barrier of all rank actors. It is not modelled on the network: it separates independent repetitions.
  void sync() const;

 private:
  SimWorld* world_;
  int rank_;
};

using RankBody = std::function<void(RankContext&)>;

struct ActorsResult {
  double end_time = 0;  // simulated time at which the last rank actor finished
};

// Builds the platform from `network` (see platform.hpp), starts one actor per rank (rank r on host r) running `body`,
// and runs the simulation. Rethrows the first exception an actor threw; throws SimulationError when some actor did
// not finish (deadlock). One per process: SimGrid allows a single engine.
// SimGrid logging is silenced (root.thres:critical) unless `simgrid_args` say otherwise; for generated platforms the
// network model defaults to CM02 without cross-traffic (see platform.hpp), which simgrid_args may override.
ActorsResult run_actors(const NetworkSpec& network, int ranks, const RankBody& body,
                        const std::vector<std::string>& simgrid_args = {});

}  // namespace sgdsim::sim
