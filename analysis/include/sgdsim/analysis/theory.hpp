// `sgdsim bounds`: every theorem of the seed papers that concerns the scenario's algorithm, checked against a run —
// conditions, constants and how each was obtained, the bound, the measured quantity, the verdict — and the papers'
// derived recommendations. Theorems are chosen by a table of checkers, each declaring the algorithms it concerns.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sgdsim/analysis/verdict.hpp"
#include "sgdsim/core/models/problem.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim::analysis {

class TheoryContext;  // the scenario, its problem, the run, and the constants computed once (theory_context.hpp)

// One theorem: which paper, which algorithms it concerns (by their parameters, never by name), and its check.
struct TheoremChecker {
  std::string id;     // e.g. "lupa.theorem1"
  std::string paper;  // e.g. "LUPA-SGD (NeurIPS 2019)"
  std::function<bool(const Scenario&)> concerns;
  std::function<TheoremCheck(TheoryContext&)> check;
};
// One derived recommendation, chosen the same way.
struct RecommendationMaker {
  std::string id;
  std::function<bool(const Scenario&)> concerns;
  std::function<Recommendation(TheoryContext&)> make;
};
const std::vector<TheoremChecker>& theorem_checkers();
const std::vector<RecommendationMaker>& recommendation_makers();

// The closed-form mean iteration time beside the run's (section "Closed forms" of the report).
struct IterationTimes {
  std::string formula;             // the closed form used, or why there is none
  double closed_form = NO_VALUE;   // compute part
  double network = NO_VALUE;       // communication part (closed form), when known
  std::string network_formula;
  double measured = NO_VALUE;      // mean over the run's iterations
  double measured_se = NO_VALUE;
  std::int64_t measured_iterations = 0;
};

struct TheoryReport {
  std::string scenario;  // its name
  std::string algorithm;
  std::string run;       // where the measurements come from: "simulated now", a run directory, or "none"
  int repetitions = 0;   // repetitions measured
  IterationTimes times;
  std::vector<Constant> constants;  // every constant a theorem used, once, in order of first use
  std::vector<TheoremCheck> checks;
  std::vector<Recommendation> recommendations;
  std::string points;  // how the points the estimated suprema and infima are taken over were chosen ("" if none)
  bool violated() const;
};

// Runs every checker and recommendation that concerns the scenario. `run` may be null (the bounds alone).
TheoryReport theory_report(const Scenario& scenario, const Problem& problem, const RunResults* run,
                           const std::string& run_label);


}  // namespace sgdsim::analysis
