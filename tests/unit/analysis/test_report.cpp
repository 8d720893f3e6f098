// The bounds report: observed iteration times from traces, and the closed form printed for the scenario.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "sgdsim/analysis/report.hpp"
#include "sgdsim/core/algorithms/gradient_coding.hpp"

using namespace sgdsim;
using namespace sgdsim::analysis;

namespace {

IterationRecord record(int run, std::int64_t iteration, double time) {
  IterationRecord r;
  r.run = run;
  r.iteration = iteration;
  r.time = time;
  return r;
}

}  // namespace

TEST_CASE("observed iteration time is total time over total iterations, runs counted from time 0") {
  RunResults results;
  results.iterations = {record(0, 2, 3.0), record(0, 1, 1.0), record(1, 1, 2.0)};
  ObservedIterationTime obs = observed_iteration_time(results);
  CHECK(obs.iterations == 3);
  CHECK(obs.mean == doctest::Approx(5.0 / 3.0));  // increments 1, 2 (run 0) and 2 (run 1)
  // deviations −2/3, 1/3, 1/3: sample variance (6/9)/2 = 1/3, standard error √(1/3 / 3) = 1/3.
  CHECK(obs.standard_error == doctest::Approx(1.0 / 3.0));
  results.iterations = {record(0, 4, 8.0)};  // sparse records: 4 iterations in 8 s
  obs = observed_iteration_time(results);
  CHECK(obs.iterations == 4);
  CHECK(obs.mean == doctest::Approx(2.0));
}

TEST_CASE("bounds report prints the AGC closed form, the constants and the simulated ratio") {
  Scenario s;
  s.name = "tiny-agc";
  s.cluster.workers = 4;
  s.cluster.network.topology = Topology::IDEAL;
  s.cluster.compute.seconds_per_pass = 1.0;
  s.cluster.compute.straggling_rate = 1.0;
  StepSize step;
  step.eta = 1.0;
  s.algorithm = algorithm_spec("agc", CodingParams::agc(4, 2, 2), step);
  s.stop.iterations = 10;
  Dataset d;
  d.rows = 4;
  d.cols = 2;
  d.dense = {1, 1, 1, -1, 2, 2, 0, 0};
  d.labels = {1, 2, 3, 0};
  const Problem p(std::move(d), kernels::Loss::LEAST_SQUARES, 0.0, kernels::Device::REFERENCE);
  RunResults sim;
  sim.iterations = {record(0, 1, 19.0 / 24.0 * 1.1), record(0, 2, 19.0 / 24.0 * 2.2)};
  const std::string text = bounds_report(s, p, &sim);
  CAPTURE(text);
  CHECK(text.find("0.791667") != std::string::npos);  // (2/4)(1 + H_4 − H_2) = 19/24
  CHECK(text.find("beta") != std::string::npos);
  CHECK(text.find("2.5 ") != std::string::npos);                 // β = λ_max(A'A)/N = 10/4
  CHECK(text.find("0.025") != std::string::npos);                // F*
  CHECK(text.find("  1.1\n") != std::string::npos);              // simulated / closed form
  CHECK(text.find("violated: step size") != std::string::npos);  // η = 1 ≠ 1/β = 0.4
}
