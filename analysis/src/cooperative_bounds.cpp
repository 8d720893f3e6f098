// Cooperative SGD's main result.
#include "sgdsim/analysis/cooperative_bounds.hpp"

namespace sgdsim::analysis {

double cooperative_network_error(const CooperativeInput& in) {
  const double z2 = in.zeta * in.zeta;
  return in.eta * in.eta * in.L * in.L * in.sigma2 * ((1 + z2) / (1 - z2) * in.tau - 1);
}

double cooperative_bound(const CooperativeInput& in) {
  const double eff = in.eta_eff();
  return 2 * in.delta1 / (eff * static_cast<double>(in.K)) + eff * in.L * in.sigma2 / in.m +
         cooperative_network_error(in);
}

}  // namespace sgdsim::analysis
