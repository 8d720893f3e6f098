// Cooperative SGD: the main result by hand (zeta of W is tested with the mixing matrices, tests/unit/cooperative).
#include <doctest/doctest.h>

#include <cmath>

#include "sgdsim/analysis/cooperative_bounds.hpp"

using namespace sgdsim::analysis;

TEST_CASE("main result by hand, and sync SGD (tau = 1, zeta = 0) has no network error") {
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
