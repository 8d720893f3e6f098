// Uses the installed sgdsim: parses a scenario and evaluates the loss of its problem at x = 0 (log 2 for logistic).
#include <cmath>
#include <cstdio>
#include <vector>

#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/scenario/scenario.hpp"

int main() {
  const auto s = sgdsim::parse_scenario(R"({"problem": {"objective": "logistic",
      "data": {"synthetic": {"samples": 100, "features": 3}}},
      "cluster": {"workers": 2}, "algorithm": {"name": "sync_sgd", "step_size": 0.1}, "stop": {"iterations": 1}})");
  const sgdsim::Problem p(sgdsim::load_dataset(s.problem, s.seed), s.problem.objective, s.problem.l2);
  const std::vector<double> x(3, 0.0);
  const double loss = p.full_loss(x);
  std::printf("loss at 0: %.12f\n", loss);
  return std::abs(loss - std::log(2.0)) < 1e-12 ? 0 : 1;
}
