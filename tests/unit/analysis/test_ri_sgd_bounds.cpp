// RI-SGD Theorems 4.1, 4.2, Corollary 4.1.1 and section 4.4: hand-computed values and the special cases the paper
// names.
#include <doctest/doctest.h>

#include <cmath>

#include "sgdsim/analysis/ri_sgd_bounds.hpp"

using namespace sgdsim::analysis;

namespace {

RiSgdInput input() {
  RiSgdInput in;
  in.p = 4;
  in.q = 2;  // gamma = 1/2
  in.tau = 3;
  in.eta = 0.1;
  in.L = 2.0;
  in.c1 = 0.5;
  in.c2sq = 4.0;
  in.beta = 0.01;
  in.g_tilde = 0.2;
  in.delta1 = 1.0;
  in.T = 100;
  return in;
}

}  // namespace

TEST_CASE("Theorem 4.1 eq. (6) and Theorem 4.2 eq. (7) by hand") {
  const RiSgdInput in = input();
  // 2/(0.1·100) + 0.1·2·4·0.5/4 + 0.5·1.25·0.01·4·2·4 + (0.5 - 1)·0.2 + 8·(0.75 - 2 + 2.75)·0.01
  CHECK(ri_sgd_theorem41(in) == doctest::Approx(0.2 + 0.1 + 0.2 - 0.1 + 0.12).epsilon(1e-14));
  // 0.2 + 0.1 + 1.25·0.5·4·0.04·2 + 2·16·0.5·0.01
  CHECK(ri_sgd_theorem42(in) == doctest::Approx(0.2 + 0.1 + 0.2 + 0.16).epsilon(1e-14));
}

TEST_CASE("Remark 2: tau = 1 and gamma = 1 leave the fully synchronous SGD error in eq. (7)") {
  RiSgdInput in = input();
  in.tau = 1;
  in.q = in.p;
  CHECK(ri_sgd_theorem42(in) == doctest::Approx(2 * in.delta1 / (in.eta * in.T) + in.eta * in.L * in.c2sq / in.p));
}

TEST_CASE("the learning-rate condition, Corollary 4.1.1's ceiling and the largest eta meeting it") {
  const RiSgdInput in = input();
  // 2 tau C1 (p+1)/p + tau (tau-1) = 3.75 + 6 = 9.75; eta L (C1 + gamma p^2)/p = 0.2·8.5/4.
  CHECK(ri_sgd_rate_lhs(in) == doctest::Approx(0.01 * 4 * 9.75 + 0.2 * 8.5 / 4).epsilon(1e-14));
  CHECK(ri_sgd_eta_ceiling(in) == doctest::Approx(1 / (2 * std::sqrt(9.75))));
  RiSgdInput at = in;
  at.eta = ri_sgd_eta_max(in, 1.0);
  CHECK(ri_sgd_rate_lhs(at) == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(at.eta < ri_sgd_eta_ceiling(in));  // the ceiling is necessary, not sufficient
  RiSgdInput sync = in;
  sync.tau = 1;
  sync.c1 = 0;
  CHECK(std::isinf(ri_sgd_eta_ceiling(sync)));
  CHECK(ri_sgd_eta_max(sync, 1.0) == doctest::Approx(4.0 / (2.0 * 8.0)));  // eta L gamma p = 1
}

TEST_CASE("section 4.4: the errors with s failed workers by hand") {
  const RiSgdInput in = input();
  // E(tau, s = 1) = 2/(0.1·103) + 0.1·2·4/3 + 0.01·4·4·2
  CHECK(ri_sgd_failure_error_plain(in, 1) == doctest::Approx(2 / 10.3 + 0.8 / 3 + 0.32).epsilon(1e-14));
  // E_RI(tau, 1, 1/2) with sum_{j<3} G~_j = 0.3: 0.2 + 0.1·2·4·0.5/3 + (-0.5/3)·4·0.3 + (2·4/9)·0.01·4·4·2 + 0.12
  CHECK(ri_sgd_failure_error(in, 1, 0.3) ==
        doctest::Approx(0.2 + 0.4 / 3 - 0.2 + 8.0 / 9 * 0.32 + 0.12).epsilon(1e-14));
}
