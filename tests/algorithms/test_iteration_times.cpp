// Simulated mean iteration times on an ideal network against the order-statistic closed forms.
#include <doctest/doctest.h>

#include "sgdsim/analysis/closed_forms.hpp"
#include "sim_fixture.hpp"

using namespace sgdsim;
using namespace sgdsim::testing;

namespace {

// Runs the scenario (runtime only) and checks the mean iteration time against `expected` within 5 standard errors of
// the mean, the standard error derived from the closed-form variance over the simulated iterations.
void check_mean_time(const std::string& algorithm, int workers, const analysis::Moments& expected, int iterations) {
  const std::string cluster = R"({"workers": )" + std::to_string(workers) + R"(,
      "network": {"topology": "ideal"},
      "compute": {"seconds_per_pass": 1.0, "straggling": {"rate": 2.0}, "numerics": false}})";
  const Scenario s = parse_scenario(
      scenario_text(cluster, algorithm, R"({"iterations": )" + std::to_string(iterations) + "}", 1200, 4));
  const Problem problem = make_problem(s);
  const RunResults results = sim::simulate(s, problem);
  const IterationStats st = iteration_stats(results);
  REQUIRE(st.count == static_cast<std::size_t>(iterations));
  const double standard_error = std::sqrt(expected.variance / iterations);
  INFO("simulated mean " << st.mean << ", closed form " << expected.mean << " ± " << standard_error);
  CHECK(std::abs(st.mean - expected.mean) <= 5 * standard_error);
  // The spread matches too (a loose check: the sample variance of a skewed law converges slowly).
  CHECK(st.variance == doctest::Approx(expected.variance).epsilon(0.25));
}

}  // namespace

TEST_CASE("sync SGD on an ideal network: mean iteration time is l(s + H_k/lambda)") {
  // l = B/N = 12/1200.
  check_mean_time(R"({"name": "sync_sgd", "batch_size": 12, "step_size": 0.1})", 8,
                  analysis::sync_sgd_time(8, 12.0 / 1200.0, 1.0, 2.0), 3000);
}

TEST_CASE("uncoded GD: mean iteration time is (1/k)(s + H_k/lambda)") {
  check_mean_time(R"({"name": "uncoded", "step_size": 0.1})", 12, analysis::uncoded_time(12, 1.0, 2.0), 3000);
}

TEST_CASE("EGC: mean iteration time is (c/k)(s + H_{k/c}/(c lambda))") {
  check_mean_time(R"({"name": "egc", "tasks_per_worker": 3, "step_size": 0.1})", 12,
                  analysis::egc_time(12, 3, 1.0, 2.0), 3000);
}

TEST_CASE("AGC: mean iteration time is (c/k)(s + (H_k - H_{k-r})/lambda)") {
  check_mean_time(R"({"name": "agc", "tasks_per_worker": 2, "wait_for": 5, "step_size": 0.1})", 12,
                  analysis::agc_time(12, 2, 5, 1.0, 2.0), 3000);
}

TEST_CASE("ignore-stragglers GD: mean iteration time is (1/k)(s + (H_k - H_{k-r})/lambda)") {
  check_mean_time(R"({"name": "ignore_stragglers", "wait_for": 8, "step_size": 0.1})", 12,
                  analysis::ignore_stragglers_time(12, 8, 1.0, 2.0), 3000);
}
