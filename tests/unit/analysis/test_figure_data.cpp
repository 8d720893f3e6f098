// Figure data by hand: loss curves across repetitions (step functions in time, means per iteration), iteration
// durations and per-worker timeline bars.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "sgdsim/analysis/figure_data.hpp"

using namespace sgdsim;
using namespace sgdsim::analysis;

namespace {

IterationRecord row(int run, std::int64_t iteration, double time, double loss, std::int64_t rounds = 0) {
  IterationRecord r;
  r.run = run;
  r.iteration = iteration;
  r.time = time;
  r.loss = loss;
  r.comm_rounds = rounds;
  r.bytes = static_cast<std::uint64_t>(100 * rounds);
  return r;
}

}  // namespace

TEST_CASE("loss against time: each repetition's last evaluated loss, at every evaluation time up to the earliest end") {
  // Run 0 evaluates at t = 0, 2, 4 (iteration 2 not evaluated); run 1 at 0, 3, 5; run 2 diverged and is left out.
  const std::vector<IterationRecord> rows = {row(0, 0, 0, 1.0),  row(0, 1, 2, 0.5), row(0, 2, 3, NOT_EVALUATED),
                                             row(0, 3, 4, 0.25), row(1, 0, 0, 1.0), row(1, 1, 3, 0.6),
                                             row(1, 2, 5, 0.3),  row(2, 0, 0, 9.0)};
  const auto curve = loss_over_time(rows, {0, 1});
  REQUIRE(curve.size() == 4);  // t = 0, 2, 3, 4 (5 is past run 0's last evaluation)
  const double x[] = {0, 2, 3, 4}, mean[] = {1.0, 0.75, 0.55, 0.425};
  for (int i = 0; i < 4; ++i) {
    CHECK(curve[i].x == x[i]);
    CHECK(curve[i].y.n == 2);
    CHECK(curve[i].y.mean == doctest::Approx(mean[i]));
  }
  CHECK(curve[0].y.ci == 0);
  // Two values a, b: sd = |a − b|/√2, half-width t(0.975, 1)·sd/√2 = 12.7062·|a − b|/2.
  CHECK(curve[1].y.ci == doctest::Approx(12.706204736 * 0.5 / 2).epsilon(1e-8));
  // Thinned to at most 3 points: every 2nd, the last kept.
  const auto thin = loss_over_time(rows, {0, 1}, 3);
  REQUIRE(thin.size() == 3);
  CHECK(thin[0].x == 0);
  CHECK(thin[1].x == 3);
  CHECK(thin[2].x == 4);
}

TEST_CASE("loss against rounds and bytes: per evaluated iteration, the mean axis value and the loss statistics") {
  const std::vector<IterationRecord> rows = {row(0, 0, 0, 1.0, 0), row(0, 4, 2, 0.5, 1), row(1, 0, 0, 1.0, 0),
                                             row(1, 4, 3, 0.7, 1), row(1, 8, 5, 0.2, 2)};
  const auto rounds = loss_over_iterations(rows, {0, 1}, IterationAxis::COMM_ROUNDS);
  REQUIRE(rounds.size() == 3);
  CHECK(rounds[1].x == 1);
  CHECK(rounds[1].y.mean == doctest::Approx(0.6));
  CHECK(rounds[2].y.n == 1);
  CHECK(std::isnan(rounds[2].y.ci));
  const auto bytes = loss_over_iterations(rows, {0, 1}, IterationAxis::BYTES);
  CHECK(bytes[2].x == 200);
}

TEST_CASE("iteration durations: differences of consecutive iterations within each repetition, sorted") {
  const std::vector<IterationRecord> rows = {row(0, 0, 0, 1),   row(0, 1, 0.5, 1), row(0, 2, 2.0, 1), row(1, 0, 0, 1),
                                             row(1, 1, 0.7, 1), row(2, 0, 0, 1),   row(2, 1, 9, 1)};
  const auto d = iteration_durations(rows, {0, 1});
  REQUIRE(d.size() == 3);
  CHECK(d[0] == doctest::Approx(0.5));
  CHECK(d[1] == doctest::Approx(0.7));
  CHECK(d[2] == doctest::Approx(1.5));
}

TEST_CASE("worker timeline: used, late and interrupted tasks with the waits between them") {
  auto task = [](std::int64_t it, int w, double start, double compute, bool computed, bool used) {
    WorkerRecord r;
    r.iteration = it;
    r.worker = w;
    r.start = start;
    r.compute = compute;
    r.computed = computed;
    r.used = used;
    r.dropped = !used;
    return r;
  };
  // Worker 0: used, then late. Worker 1: interrupted at 1.0 by the next model (its compute would have ended at 1.5).
  const std::vector<WorkerRecord> w = {task(1, 0, 0.0, 0.4, true, true),  task(1, 1, 0.0, 1.5, false, false),
                                       task(2, 0, 1.0, 0.8, true, false), task(2, 1, 1.0, 0.3, true, true),
                                       task(3, 0, 2.0, 0.1, true, true),  task(3, 1, 2.0, 0.1, true, true)};
  const auto bars = worker_timeline(w, 0, 1, 2);
  // Worker 0: used [0, 0.4], waiting [0.4, 1], late [1, 1.8], waiting [1.8, 2]. Worker 1: interrupted [0, 1],
  // used [1, 1.3], waiting [1.3, 2].
  REQUIRE(bars.size() == 7);
  CHECK(bars[0].state == TimelineState::USED);
  CHECK(bars[1].state == TimelineState::WAITING);
  CHECK(bars[1].begin == doctest::Approx(0.4));
  CHECK(bars[1].end == 1.0);
  CHECK(bars[2].state == TimelineState::LATE);
  CHECK(bars[2].end == doctest::Approx(1.8));
  CHECK(bars[3].end == 2.0);
  CHECK(bars[4].worker == 1);
  CHECK(bars[4].state == TimelineState::INTERRUPTED);
  CHECK(bars[4].end == 1.0);
  CHECK(bars[5].state == TimelineState::USED);
  CHECK(bars[6].state == TimelineState::WAITING);
  CHECK(std::string(timeline_state_name(TimelineState::INTERRUPTED)) == "interrupted");
}

TEST_CASE("worker timeline: rows without a start (a failed worker's after its failure) get no bar") {
  WorkerRecord cut;  // the step the failure cut short, then two rows written for the failed worker
  cut.iteration = 1;
  cut.start = 0.5;
  cut.compute = 0.25;
  std::vector<WorkerRecord> w{cut, gone_row(0, 2, 0), gone_row(0, 3, 0)};
  const auto bars = worker_timeline(w, 0, 1, 3);
  REQUIRE(bars.size() == 1);
  CHECK(bars[0].state == TimelineState::INTERRUPTED);
  CHECK(bars[0].begin == 0.5);
  CHECK(bars[0].end == 0.75);
}
