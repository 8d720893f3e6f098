// What the parameter server decodes: EGC is exact, AGC with r = k is exact, AGC / ignore-stragglers by hand.
#include <doctest/doctest.h>

#include <set>

#include "sgdsim/core/data/assignment.hpp"
#include "sim_fixture.hpp"

using namespace sgdsim;
using namespace sgdsim::testing;

namespace {

// One GD step from x0 = 0 with step size 1 leaves x1 = −g: the model is the negated decoded gradient.
RunResults one_step(const std::string& cluster, const std::string& algorithm, int repetitions, Scenario& s) {
  s = parse_scenario(scenario_text(cluster, algorithm, R"({"iterations": 1})"),
                     {"repetitions=" + std::to_string(repetitions)});
  return sim::simulate(s, make_problem(s));
}

std::vector<double> full_gradient(const Problem& p) {
  std::vector<double> x(static_cast<std::size_t>(p.dimension()), 0.0), g(x.size());
  p.loss_grad(kernels::SampleSet::range(0, p.samples()), x, g);
  return g;
}

// Σ over the given shards of (|S|/N)·∇f_S(0): the gradient restricted to those partitions, weighted as in F.
std::vector<double> partial_gradient(const Problem& p, const Shards& shards, const std::vector<int>& parts) {
  std::vector<double> x(static_cast<std::size_t>(p.dimension()), 0.0), g(x.size()), sum(x.size(), 0.0);
  for (int part : parts) {
    const auto rows = shards.shard(part);
    p.loss_grad(kernels::SampleSet::list(rows), x, g);
    for (std::size_t i = 0; i < g.size(); ++i) sum[i] += g[i] * static_cast<double>(rows.size()) / p.samples();
  }
  return sum;
}

void check_model_is_minus(const std::vector<double>& model, const std::vector<double>& g, double scale = 1.0) {
  REQUIRE(model.size() == g.size());
  for (std::size_t i = 0; i < g.size(); ++i) CHECK(model[i] == doctest::Approx(-scale * g[i]).epsilon(1e-12));
}

const std::string RANDOM_STRAGGLERS = R"({"workers": 6, "network": {"topology": "ideal"},
    "compute": {"seconds_per_pass": 1.0, "straggling": {"rate": 0.5}}})";

// Workers 2 and 3 (the second FRC group when c = 2) are 100× slower: the first two arrivals are workers 0 and 1.
const std::string SLOW_SECOND_HALF = R"({"workers": 4, "network": {"topology": "ideal"},
    "compute": {"seconds_per_pass": 1.0, "slowdown": {"2": 100, "3": 100}}})";

}  // namespace

TEST_CASE("EGC decodes the exact full gradient whatever the straggler pattern") {
  Scenario s;
  const RunResults r = one_step(RANDOM_STRAGGLERS, R"({"name": "egc", "tasks_per_worker": 2, "step_size": 1.0})", 5, s);
  const auto g = full_gradient(make_problem(s));
  REQUIRE(r.models.size() == 5);
  // The five repetitions draw different straggler patterns: the set of workers used differs between them.
  std::set<std::vector<int>> patterns;
  for (int run = 0; run < 5; ++run) {
    std::vector<int> used;
    for (const auto& w : r.workers)
      if (w.run == run && w.used) used.push_back(w.worker);
    patterns.insert(used);
    CHECK(used.size() == 3);  // one result per group
    check_model_is_minus(r.models[static_cast<std::size_t>(run)], g);
  }
  CHECK(patterns.size() > 1);
}

TEST_CASE("AGC waiting for all k workers decodes the exact full gradient") {
  Scenario s;
  const RunResults r =
      one_step(RANDOM_STRAGGLERS, R"({"name": "agc", "tasks_per_worker": 3, "wait_for": 6, "step_size": 1.0})", 2, s);
  const auto g = full_gradient(make_problem(s));
  for (const auto& model : r.models) check_model_is_minus(model, g);
}

TEST_CASE("AGC with the second group late sums only the first group: g = (1/n) sum Y_i g[i]") {
  Scenario s;
  const RunResults r =
      one_step(SLOW_SECOND_HALF, R"({"name": "agc", "tasks_per_worker": 2, "wait_for": 2, "step_size": 1.0})", 1, s);
  const Problem p = make_problem(s);
  const Shards shards(p.samples(), 4, s.seed, 0);
  check_model_is_minus(r.models.at(0), partial_gradient(p, shards, {0, 1}));
  // Workers 0 and 1 arrived; one result of their group was used, the other dropped; 2 and 3 were cut off.
  REQUIRE(r.workers.size() == 4);
  int used = 0;
  for (const auto& w : r.workers) {
    if (w.worker < 2) {
      CHECK(w.computed);
      CHECK(!std::isnan(w.arrival));
      used += w.used;
    } else {
      CHECK(!w.computed);
      CHECK(w.dropped);
      CHECK(std::isnan(w.arrival));
    }
  }
  CHECK(used == 1);
  CHECK(r.iterations.at(0).iteration == 0);  // the starting point
  CHECK(r.iterations.at(1).waited_for == 2);
  // The iteration ended when the fast workers finished: load 1/2 each, s = 1, no straggling.
  CHECK(r.iterations.at(1).time == doctest::Approx(0.5).epsilon(1e-9));
}

TEST_CASE("ignore-stragglers rescales the first r partition gradients by k/r") {
  Scenario s;
  const RunResults r = one_step(SLOW_SECOND_HALF, R"({"name": "ignore_stragglers", "wait_for": 2, "step_size": 1.0})",
                                1, s);
  const Problem p = make_problem(s);
  const Shards shards(p.samples(), 4, s.seed, 0);
  check_model_is_minus(r.models.at(0), partial_gradient(p, shards, {0, 1}), 2.0);
}
