// Test helpers: a scenario from JSON text, its problem, one simulation, and statistics of its trace.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/sim/simulate.hpp"

namespace sgdsim::testing {

// Mean and sample variance of the per-iteration times of one repetition.
struct IterationStats {
  double mean = 0;
  double variance = 0;
  std::size_t count = 0;
};

inline IterationStats iteration_stats(const RunResults& results, int run = 0) {
  std::vector<double> gaps;
  double previous = 0;
  for (const auto& r : results.iterations) {
    if (r.run != run || r.iteration == 0) continue;  // the row of iteration 0 is the starting point, not an iteration
    gaps.push_back(r.time - previous);
    previous = r.time;
  }
  IterationStats st;
  st.count = gaps.size();
  for (double g : gaps) st.mean += g;
  st.mean /= static_cast<double>(gaps.size());
  for (double g : gaps) st.variance += (g - st.mean) * (g - st.mean);
  st.variance /= static_cast<double>(gaps.size() - 1);
  return st;
}

// A scenario with a small synthetic logistic problem; `extra` is spliced into the top-level object.
inline std::string scenario_text(const std::string& cluster, const std::string& algorithm, const std::string& stop,
                                 int samples = 600, int features = 8) {
  return R"({"name": "test", "seed": 7,
    "problem": {"objective": "logistic", "l2": 0.01,
                "data": {"synthetic": {"samples": )" +
         std::to_string(samples) + R"(, "features": )" + std::to_string(features) + R"(}}},
    "cluster": )" + cluster + R"(, "algorithm": )" + algorithm + R"(, "stop": )" + stop + "}";
}

}  // namespace sgdsim::testing
