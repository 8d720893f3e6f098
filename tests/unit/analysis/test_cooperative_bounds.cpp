// Cooperative SGD: zeta of mixing matrices with known spectra, and the main result by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "sgdsim/analysis/cooperative_bounds.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim::analysis;

namespace {

// Ring of m workers, uniform weights 1/(deg + 1) = 1/3 on itself and both neighbours.
std::vector<double> ring(int m) {
  std::vector<double> w(static_cast<std::size_t>(m) * m, 0.0);
  for (int i = 0; i < m; ++i) {
    for (int j : {i - 1, i, i + 1}) w[static_cast<std::size_t>(i * m + (j + m) % m)] = 1.0 / 3.0;
  }
  return w;
}

}  // namespace

TEST_CASE("zeta: 1/3 + (2/3) cos(2 pi/m) for a uniform ring, 0 for W = J, 1 for W = I") {
  for (int m : {5, 8, 16}) {
    CAPTURE(m);
    CHECK(mixing_zeta(ring(m), m) == doctest::Approx(1.0 / 3 + 2.0 / 3 * std::cos(2 * std::numbers::pi / m)));
  }
  // m = 4: eigenvalues 1, 1/3, 1/3, -1/3 (cos(pi) = -1): zeta = 1/3.
  CHECK(mixing_zeta(ring(4), 4) == doctest::Approx(1.0 / 3));
  const std::vector<double> j(16, 0.25);
  CHECK(mixing_zeta(j, 4) == doctest::Approx(0.0).epsilon(1e-12));
  std::vector<double> identity(9, 0.0);
  identity[0] = identity[4] = identity[8] = 1.0;
  CHECK(mixing_zeta(identity, 3) == doctest::Approx(1.0));
  std::vector<double> skew = j;
  skew[1] = 0.5;
  CHECK_THROWS_AS(mixing_zeta(skew, 4), sgdsim::ConfigError);
}

TEST_CASE("main result by hand; sync SGD (tau = 1, zeta = 0) has no network error") {
  CooperativeInput in;
  in.m = 4;
  in.v = 1;  // eta_eff = 4·0.1/5 = 0.08
  in.tau = 2;
  in.eta = 0.1;
  in.zeta = 0.5;
  in.L = 2.0;
  in.sigma2 = 3.0;
  in.delta1 = 1.0;
  in.K = 50;
  // 2/(0.08·50) + 0.08·2·3/4 + 0.01·4·3·((1.25/0.75)·2 - 1)
  CHECK(cooperative_network_error(in) == doctest::Approx(0.12 * (2.5 / 0.75 * 1 - 1)).epsilon(1e-14));
  CHECK(cooperative_bound(in) == doctest::Approx(0.5 + 0.12 + 0.12 * (10.0 / 3 - 1)).epsilon(1e-14));
  in.tau = 1;
  in.zeta = 0;
  CHECK(cooperative_network_error(in) == 0.0);
}
