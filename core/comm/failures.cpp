// Each worker's failure from the scenario: listed times and iterations, and Exp(rate) draws from the FAILURE stream.
#include "sgdsim/core/comm/failures.hpp"

#include <algorithm>
#include <boost/random/exponential_distribution.hpp>

#include "sgdsim/core/data/rng.hpp"

namespace sgdsim {

WorkerFailure failure_of(const Scenario& scenario, int repetition, int worker) {
  WorkerFailure f;
  const FailuresSpec& spec = scenario.cluster.failures;
  for (const auto& listed : spec.listed) {
    if (listed.worker != worker) continue;
    if (listed.time) f.time = *listed.time;
    if (listed.iteration) f.iteration = *listed.iteration;
  }
  if (spec.rate) {
    Rng rng = make_rng(scenario.seed, repetition, worker, Purpose::FAILURE);
    f.time = std::min(f.time, boost::random::exponential_distribution<double>(*spec.rate)(rng));
  }
  return f;
}

}  // namespace sgdsim
