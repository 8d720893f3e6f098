// D-PSGD and EASGD on tiny least-squares problems against iterates worked out by hand.
#include <doctest/doctest.h>

#include <cmath>

#include "cooperative_fixture.hpp"
#include "sgdsim/core/data/assignment.hpp"
#include "sgdsim/sim/simulate.hpp"

using namespace sgdsim;
using namespace sgdsim::testing;

TEST_CASE("D-PSGD, A(1, W, 0), on a path of 3 workers: iterates, losses and consensus distances by hand") {
  // Seed 4 gives worker i row i (checked), rows (a, b) = (1, 1), (2, −1), (0.5, 2); f_i(x) = ½(a x − b)², so a step
  // is x − η a (a x − b), η = 0.1. W on the path 0 − 1 − 2 (exact binary weights):
  //   [[0.75, 0.25, 0], [0.25, 0.5, 0.25], [0, 0.25, 0.75]].
  const std::vector<std::pair<double, double>> rows{{1, 1}, {2, -1}, {0.5, 2}};
  for (int i = 0; i < 3; ++i) REQUIRE(Shards(3, 3, 4, 0).shard(i)[0] == i);
  const Scenario s = parse_scenario(scalar_scenario(3, R"({"name": "cooperative", "batch_size": 1, "step_size": 0.1,
      "mixing": [[0.75, 0.25, 0], [0.25, 0.5, 0.25], [0, 0.25, 0.75]]})", 3, 4));
  const Problem problem = scalar_problem(rows);
  const RunResults r = simulate_in_child(s, problem);
  REQUIRE(r.iterations.size() == 4);  // the starting point and 3 iterations

  // Iteration 1, from x = 0: y = η a b = (0.1, −0.2, 0.1) (mean 0, so the distance is Σ y²/3 = 0.02);
  // x0 = 0.75·0.1 + 0.25·(−0.2) = 0.025, x1 = −0.05, x2 = 0.025.
  // Iteration 2: y = (0.1225, −0.23, 0.124375); x0 = 0.75·0.1225 + 0.25·(−0.23) = 0.034375.
  CHECK(r.iterations[1].consensus == doctest::Approx(0.02).epsilon(1e-14));
  // F(x0) = (1/3)·½·((0.025 − 1)² + (0.05 + 1)² + (0.0125 − 2)²) = 1.000546875.
  CHECK(r.iterations[1].loss == doctest::Approx(1.000546875).epsilon(1e-14));
  const double y2_mean = (0.1225 - 0.23 + 0.124375) / 3;
  CHECK(r.iterations[2].consensus ==
        doctest::Approx(((0.1225 - y2_mean) * (0.1225 - y2_mean) + (-0.23 - y2_mean) * (-0.23 - y2_mean) +
                         (0.124375 - y2_mean) * (0.124375 - y2_mean)) / 3)
            .epsilon(1e-12));
  // W != J: the trace also holds ||grad F(u)|| at the workers' average u (mixing keeps it: u = mean of y). F's
  // gradient is (1/3) sum a(a u - b) = 1.75 u (sum a b = 0), so u_1 = 0 is the optimum; u_2 = mean of y2.
  CHECK(r.iterations[0].average_grad_norm == r.iterations[0].grad_norm);
  CHECK(r.iterations[1].average_grad_norm == doctest::Approx(0.0).epsilon(1e-15));
  CHECK(r.iterations[2].average_grad_norm == doctest::Approx(1.75 * y2_mean).epsilon(1e-12));
  // Iteration 3 by the recurrence, in the order the mixing sums (node order).
  double x[3] = {0.034375, 0.25 * 0.1225 + 0.5 * -0.23 + 0.25 * 0.124375, 0.25 * -0.23 + 0.75 * 0.124375};
  double y[3];
  for (int i = 0; i < 3; ++i) y[i] = x[i] - 0.1 * rows[i].first * (rows[i].first * x[i] - rows[i].second);
  const double x0 = 0.75 * y[0] + 0.25 * y[1];
  CHECK(r.models[0][0] == doctest::Approx(x0).epsilon(1e-14));
  CHECK(problem.full_loss(std::vector<double>{0.034375}) == doctest::Approx(r.iterations[2].loss).epsilon(1e-14));
  // Per round the path sends 4 models of one double (0↔1, 1↔2).
  for (std::size_t t = 1; t <= 3; ++t) {
    CHECK(r.iterations[t].bytes == 32 * t);
    CHECK(r.iterations[t].tau == 1);
  }
  CHECK(r.summaries[0].zeta == doctest::Approx(0.75));  // eigenvalues 1, 0.75, 0.25
}

TEST_CASE("EASGD on 2 workers of a quadratic: the iterate derived by hand, with the anchor on a server or replicated") {
  // Seed 4 gives worker i row i: (1, 1) and (2, −1). η = 0.1, τ = 2, α = 0.25:
  // round 1: worker 0: 0 → 0.1 → 0.19, worker 1: 0 → −0.2 → −0.32; then x0 = 0.75·0.19 + 0.25·0 = 0.1425,
  //   x1 = −0.24, z = 0.25·(0.19 − 0.32) = −0.0325.
  // round 2: worker 0: 0.1425 → 0.22825 → 0.305425, worker 1: −0.24 → −0.344 → −0.4064;
  //   x0 = 0.75·0.305425 + 0.25·(−0.0325) = 0.22094375.
  for (int i = 0; i < 2; ++i) REQUIRE(Shards(2, 2, 4, 0).shard(i)[0] == i);
  const Problem problem = scalar_problem({{1, 1}, {2, -1}});
  for (const char* anchor : {"server", "replicated"}) {
    CAPTURE(anchor);
    const Scenario s = parse_scenario(scalar_scenario(2, std::string(R"({"name": "easgd", "batch_size": 1,
        "step_size": 0.1, "tau": 2, "alpha": 0.25, "anchor": ")") + anchor + R"("})", 4, 4));
    const RunResults r = simulate_in_child(s, problem);
    REQUIRE(r.iterations.size() == 5);  // the starting point and 4 iterations
    CHECK(r.models[0][0] == doctest::Approx(0.22094375).epsilon(1e-14));
    // The models entering round 2 were 0.305425 and −0.4064: distance 0.3559125².
    CHECK(r.iterations[4].consensus == doctest::Approx(0.3559125 * 0.3559125).epsilon(1e-13));
    CHECK(r.iterations[2].tau == 2);
    CHECK(r.iterations[4].comm_rounds == 2);
    // ||grad F(u)|| at u = (x0 + x1 + z)/3, the models entering each round (mixing keeps their average):
    // grad F(u) = (1/2)((u - 1) + 2(2u + 1)) = (5u + 1)/2. The start: every model, z too, at 0.
    const auto at_average = [](double x0, double x1, double z) { return std::abs(5 * (x0 + x1 + z) / 3 + 1) / 2; };
    CHECK(r.iterations[0].average_grad_norm == doctest::Approx(0.5).epsilon(1e-15));
    CHECK(r.iterations[2].average_grad_norm == doctest::Approx(at_average(0.19, -0.32, 0)).epsilon(1e-14));
    CHECK(r.iterations[4].average_grad_norm == doctest::Approx(at_average(0.305425, -0.4064, -0.0325)).epsilon(1e-14));
    CHECK(std::isnan(r.iterations[3].average_grad_norm));  // no round ended there
  }
}
