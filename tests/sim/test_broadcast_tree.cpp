// network.broadcast = tree: the parameter server's model reaches the workers through a binomial tree, one transfer
// at a time per rank, and on a star every transfer has its two links to itself: each takes δ = 2·latency + S/bandwidth.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/sim/simulate.hpp"

using namespace sgdsim;

namespace {

constexpr double LAT = 50e-6;    // per link
constexpr double BW = 1.25e8;    // 1 Gbps
constexpr double S = 125 * 8.0;  // the model message: d + 1 = 125 values

// When each worker starts its first task (it has the model and has passed it on), uncoded GD on a 1 Gbps star.
std::vector<double> first_starts(int k, const std::string& broadcast, sim::SimEngine engine) {
  const Scenario s = parse_scenario(R"({"name": "tree", "seed": 2,
    "problem": {"objective": "logistic", "data": {"synthetic": {"samples": 700, "features": 124}}},
    "cluster": {"workers": )" + std::to_string(k) + R"(, "network": {"topology": "star", "bandwidth": "1Gbps",
      "latency": "50us", "broadcast": ")" + broadcast + R"("}, "compute": {"seconds_per_pass": 1.0}},
    "algorithm": {"name": "uncoded", "step_size": 1.0}, "stop": {"iterations": 2}})");
  sim::SimulationOptions options;
  options.engine = engine;
  const RunResults results = sim::simulate(s, make_problem(s), options);
  std::vector<double> start(static_cast<std::size_t>(k), -1);
  for (const auto& w : results.workers)
    if (w.iteration == 1) start[static_cast<std::size_t>(w.worker)] = w.start;
  return start;
}

void check_eight_ranks(sim::SimEngine engine) {
  // Ranks 0..7: 0 → 4 → 6 → 7 ..., every rank has the model and has forwarded it after 3 transfer times; unicast
  // would be one transfer of all 7 copies through the server's link.
  const double delta = 2 * LAT + S / BW;
  for (double start : first_starts(7, "tree", engine)) CHECK(start == doctest::Approx(3 * delta).epsilon(1e-9));
  CHECK(3 * delta > 2 * LAT + 7 * S / BW);  // latency-bound here: the tree is slower than unicast
}

}  // namespace

TEST_CASE("tree broadcast on a star, 7 workers, SimGrid: everyone starts after 3 transfer times") {
  check_eight_ranks(sim::SimEngine::SIMGRID);
}

TEST_CASE("tree broadcast on a star, analytic engine: 7 workers after 3 transfer times, 5 workers by subtree") {
  check_eight_ranks(sim::SimEngine::ANALYTIC);
  // Ranks 0..5: 0 → 4 (δ); 0 → 2 and 4 → 5 (2δ); 0 → 1 and 2 → 3 (3δ). Ranks 4 and 5 (workers 3, 4) are done at 2δ.
  const double delta = 2 * LAT + S / BW;
  const std::vector<double> start = first_starts(5, "tree", sim::SimEngine::ANALYTIC);
  const std::vector<double> expected = {3 * delta, 3 * delta, 3 * delta, 2 * delta, 2 * delta};
  for (std::size_t w = 0; w < 5; ++w) CHECK(start[w] == doctest::Approx(expected[w]).epsilon(1e-9));
  const std::vector<double> unicast = first_starts(5, "unicast", sim::SimEngine::ANALYTIC);
  for (double t : unicast) CHECK(t == doctest::Approx(2 * LAT + 5 * S / BW).epsilon(1e-9));
}
