// Cooperative SGD's main result and zeta of a mixing matrix from its eigenvalues.
#include "sgdsim/analysis/cooperative_bounds.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "sgdsim/error.hpp"

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

double mixing_zeta(std::span<const double> w, int n) {
  if (n < 1 || std::ssize(w) != static_cast<std::ptrdiff_t>(n) * n)
    SGDSIM_THROW(ConfigError, "mixing matrix: " + std::to_string(w.size()) + " entries for n = " + std::to_string(n));
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> m(w.data(), n, n);
  if (!m.isApprox(m.transpose(), 1e-12))
    SGDSIM_THROW(ConfigError, "mixing matrix: zeta needs a symmetric matrix");
  if (n == 1) return 0.0;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(m, Eigen::EigenvaluesOnly);
  const Eigen::VectorXd& eig = solver.eigenvalues();  // increasing: lambda_n .. lambda_1
  return std::max(std::abs(eig[n - 2]), std::abs(eig[0]));
}

}  // namespace sgdsim::analysis
