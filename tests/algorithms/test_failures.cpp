// Workers that fail (cluster.failures): AGC and local SGD with wait_for continue with the survivors, EGC survives c − 1
// failures in a group; uncoded, EGC with a whole group failed, and wait_for above the workers alive end "stalled" with
// the reason, never hanging (ctest's timeout would catch a hang).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "sim_fixture.hpp"

using namespace sgdsim;
using namespace sgdsim::testing;

namespace {

RunResults run(const std::string& algorithm, const std::string& failures, int iterations = 30,
               const std::string& broadcast = "unicast") {
  const std::string cluster =
      R"({"workers": 6, "network": {"topology": "star", "bandwidth": "1Gbps", "latency": "50us", "broadcast": ")" +
      broadcast + R"("},
      "compute": {"seconds_per_pass": 1.0, "straggling": {"rate": 2.0}}, "failures": )" +
      failures + "}";
  const Scenario s = parse_scenario(
      scenario_text(cluster, algorithm, R"({"iterations": )" + std::to_string(iterations) + "}", 600, 4));
  return sim::simulate(s, make_problem(s));
}

// The last iteration in which worker w started a task or step (a failed worker's later rows have no compute).
std::int64_t last_started(const RunResults& r, int w) {
  std::int64_t last = 0;
  for (const auto& x : r.workers)
    if (x.worker == w && x.compute > 0) last = std::max(last, x.iteration);
  return last;
}

}  // namespace

TEST_CASE("AGC continues with the survivors of a failure at a known iteration") {
  // Worker 2 fails at the start of iteration 10: it computes 1..9, never sends again; r = 4 of 6 are still there.
  const RunResults r = run(R"({"name": "agc", "tasks_per_worker": 2, "wait_for": 4, "step_size": 1})",
                           R"([{"worker": 2, "at": {"iteration": 10}}])");
  REQUIRE(r.summaries[0].status == RunStatus::COMPLETED);
  CHECK(r.summaries[0].iterations == 30);
  CHECK(last_started(r, 2) == 9);
  for (const auto& x : r.workers)
    if (x.worker == 2 && x.iteration >= 10) CHECK((!x.computed && !x.used && x.dropped && x.compute == 0));
  for (const auto& row : r.iterations) {
    if (row.iteration == 0) continue;
    CHECK(row.waited_for == 4);
    // The PS learns of the failure from its notice, during iteration 10 at the latest.
    if (row.iteration >= 10) CHECK(row.live == 5);
    if (row.iteration < 9) CHECK(row.live == 6);
  }
}

TEST_CASE("in a tree broadcast a failed relay is routed around: its subtree keeps computing") {
  // 7 ranks: rank 4 (worker 3) gets the model from the PS and forwards it to ranks 6 and 5 (workers 5 and 4). Once it
  // has failed (its actor ended), the PS sends to ranks 6 and 5 itself.
  const RunResults r = run(R"({"name": "agc", "tasks_per_worker": 2, "wait_for": 4, "step_size": 1})",
                           R"([{"worker": 3, "at": {"iteration": 10}}])", 30, "tree");
  REQUIRE(r.summaries[0].status == RunStatus::COMPLETED);
  CHECK(r.summaries[0].iterations == 30);
  CHECK(last_started(r, 3) == 9);
  CHECK(last_started(r, 4) == 30);
  CHECK(last_started(r, 5) == 30);
  // Its rows from the failure on are written for it: nothing started.
  for (const auto& x : r.workers)
    if (x.worker == 3 && x.iteration >= 10) CHECK((std::isnan(x.start) && x.compute == 0 && !x.computed));
}

TEST_CASE("a failed worker's actor ends: the PS's models to it no longer cross the PS's link") {
  // ignore_stragglers waits for 3 of 4; no straggling, so every iteration is the same closed form on the star: the
  // models go out as k flows sharing the PS's link, then the results come in as k flows: 4 latencies + k (S_model +
  // S_result)/B + the task ℓ·s. Worker 1 fails at the start of iteration 5; from iteration 6 on k = 3 flows each way
  // (a message to a worker still taking them would keep the models at 4 flows).
  const std::string cluster =
      R"({"workers": 4, "network": {"topology": "star", "bandwidth": "1Gbps", "latency": "50us"},
      "compute": {"seconds_per_pass": 0.01}, "failures": [{"worker": 1, "at": {"iteration": 5}}]})";
  const Scenario s = parse_scenario(scenario_text(cluster, R"({"name": "ignore_stragglers", "wait_for": 3,
      "step_size": 0.1})", R"({"iterations": 12})", 400, 20000));
  const double d = static_cast<double>(make_problem(s).dimension());
  const double bandwidth = 1e9 / 8, latency = 50e-6, task = 0.01 / 4;
  auto iteration_time = [&](int flows) { return 4 * latency + flows * ((d + 1) * 8 + d * 8) / bandwidth + task; };
  for (const sim::SimEngine engine : {sim::SimEngine::SIMGRID, sim::SimEngine::ANALYTIC}) {
    CAPTURE(static_cast<int>(engine));
    sim::SimulationOptions options;
    options.engine = engine;
    const RunResults r = sim::simulate(s, make_problem(s), options);
    REQUIRE(r.summaries[0].status == RunStatus::COMPLETED);
    std::vector<double> time;
    for (const auto& row : r.iterations) time.push_back(row.time);
    REQUIRE(time.size() == 13);
    for (int t = 2; t <= 4; ++t) CHECK(time[t] - time[t - 1] == doctest::Approx(iteration_time(4)).epsilon(1e-7));
    for (int t = 7; t <= 12; ++t) CHECK(time[t] - time[t - 1] == doctest::Approx(iteration_time(3)).epsilon(1e-7));
    for (const auto& x : r.workers)
      if (x.worker == 1) CHECK((x.iteration >= 5) == std::isnan(x.start));
  }
}

TEST_CASE("a worker that failed in one repetition takes part in the next from its start") {
  const std::string cluster =
      R"({"workers": 6, "network": {"topology": "star", "bandwidth": "1Gbps", "latency": "50us"},
      "compute": {"seconds_per_pass": 1.0, "straggling": {"rate": 2.0}},
      "failures": [{"worker": 2, "at": {"iteration": 10}}]})";
  std::string text = scenario_text(cluster, R"({"name": "agc", "tasks_per_worker": 2, "wait_for": 4, "step_size": 1})",
                                   R"({"iterations": 20})", 600, 4);
  text.insert(1, R"("repetitions": 2, )");
  const Scenario s = parse_scenario(text);
  const RunResults r = sim::simulate(s, make_problem(s));
  REQUIRE(r.summaries.size() == 2);
  for (int run = 0; run < 2; ++run) {
    CHECK(r.summaries[run].status == RunStatus::COMPLETED);
    CHECK(r.summaries[run].iterations == 20);
    std::int64_t last = 0, rows = 0;
    for (const auto& x : r.workers) {
      if (x.run != run || x.worker != 2) continue;
      ++rows;
      if (x.compute > 0) last = std::max(last, x.iteration);
    }
    CHECK(last == 9);
    CHECK(rows == 20);
  }
}

TEST_CASE("uncoded stalls at its first failure, with the reason") {
  const RunResults r = run(R"({"name": "uncoded", "step_size": 1})", R"([{"worker": 3, "at": 0.5}])");
  const RunSummary& s = r.summaries[0];
  CHECK(s.status == RunStatus::STALLED);
  CHECK(s.stop_reason == "stalled");
  CHECK(s.reason == "worker 3 failed at 0.5 s; uncoded waits for all 6 workers");
  CHECK(s.iterations < 30);
  CHECK(s.time <= 0.5 + 1.0);  // no iteration after the failure completes; the last one started before it
  CHECK(std::string(status_name(s.status)) == "stalled");
}

TEST_CASE("EGC survives c - 1 failures in a group and stalls when the whole group has failed") {
  const std::string egc = R"({"name": "egc", "tasks_per_worker": 2, "step_size": 1})";
  // Groups {0, 1}, {2, 3}, {4, 5}: one failure in each of two groups is survived.
  const RunResults one = run(egc, R"([{"worker": 2, "at": 0.2}, {"worker": 5, "at": {"iteration": 3}}])");
  CHECK(one.summaries[0].status == RunStatus::COMPLETED);
  CHECK(one.summaries[0].iterations == 30);
  const RunResults both = run(egc, R"([{"worker": 2, "at": 0.2}, {"worker": 3, "at": {"iteration": 12}}])");
  const RunSummary& s = both.summaries[0];
  CHECK(s.status == RunStatus::STALLED);
  CHECK(s.iterations == 11);
  CHECK(s.reason.starts_with("worker 3 failed at "));
  CHECK(
      s.reason.ends_with("; egc waits for one worker of every group of 2, and group 1 (workers 2..3) has none alive"));
}

TEST_CASE("local SGD and RI-SGD with wait_for continue while r workers live, and stall below") {
  const std::string local = R"({"name": "local_sgd", "batch_size": 8, "tau": 2, "wait_for": 4, "step_size": 0.3})";
  const RunResults two = run(local, R"([{"worker": 0, "at": 0.1}, {"worker": 4, "at": {"iteration": 7}}])");
  CHECK(two.summaries[0].status == RunStatus::COMPLETED);
  CHECK(two.summaries[0].iterations == 30);
  CHECK(std::isfinite(two.summaries[0].final_loss));
  CHECK(two.iterations.back().live == 4);
  CHECK(last_started(two, 4) <= 6);
  const std::string ri = R"({"name": "ri_sgd", "batch_size": 8, "tau": 2, "redundancy": 0.5, "wait_for": 4,
      "step_size": 0.1})";
  const RunResults three = run(ri, R"([{"worker": 1, "at": {"iteration": 3}}, {"worker": 2, "at": {"iteration": 3}},
      {"worker": 5, "at": {"iteration": 9}}])");
  const RunSummary& s = three.summaries[0];
  CHECK(s.status == RunStatus::STALLED);
  CHECK(s.reason.starts_with("worker 5 failed at "));
  CHECK(s.reason.ends_with("; the round waits for 4 of 6 workers' models, 3 are alive"));
  // The rounds ending at 2, 4, 6, 8 complete; the local step 9 is reported, the round ending at 10 cannot complete.
  CHECK(s.iterations == 9);
}

TEST_CASE("a failure at time 0, before the aggregator listens, still reaches it: the run stalls, never hangs") {
  // local_sgd with failures averages through the aggregator, waiting for all 6: worker 5 fails before its first step,
  // at the instant the aggregator posts its receives. Its notice must outlive its rank for the stall to be seen.
  const std::string local = R"({"name": "local_sgd", "batch_size": 8, "tau": 2, "step_size": 0.3})";
  for (const sim::SimEngine engine : {sim::SimEngine::SIMGRID, sim::SimEngine::ANALYTIC}) {
    CAPTURE(static_cast<int>(engine));
    const std::string cluster =
        R"({"workers": 6, "network": {"topology": "star", "bandwidth": "1Gbps", "latency": "50us"},
        "compute": {"seconds_per_pass": 1.0}, "failures": [{"worker": 5, "at": {"iteration": 1}}]})";
    const Scenario s = parse_scenario(scenario_text(cluster, local, R"({"iterations": 10})", 600, 4));
    sim::SimulationOptions options;
    options.engine = engine;
    const RunResults r = sim::simulate(s, make_problem(s), options);
    const RunSummary& summary = r.summaries[0];
    CHECK(summary.status == RunStatus::STALLED);
    CHECK(summary.reason == "worker 5 failed at 0 s; the round waits for 6 of 6 workers' models, 5 are alive");
    CHECK(summary.iterations == 1);
  }
}
