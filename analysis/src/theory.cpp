// The table of theorem checkers and recommendations of the four seed papers, and the report they make together.
#include "sgdsim/analysis/theory.hpp"

#include "checkers.hpp"
#include "sgdsim/analysis/closed_forms.hpp"
#include "sgdsim/analysis/report.hpp"

namespace sgdsim::analysis {

namespace {

template <class T>
void append(std::vector<T>& to, std::vector<T> more) {
  to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

}  // namespace

const std::vector<TheoremChecker>& theorem_checkers() {
  static const std::vector<TheoremChecker> table = [] {
    std::vector<TheoremChecker> all;
    append(all, lupa_checkers());
    append(all, ri_sgd_checkers());
    append(all, cooperative_checkers());
    append(all, agc_checkers());
    return all;
  }();
  return table;
}

const std::vector<RecommendationMaker>& recommendation_makers() {
  static const std::vector<RecommendationMaker> table = [] {
    std::vector<RecommendationMaker> all;
    append(all, lupa_recommendations());
    append(all, ri_sgd_recommendations());
    append(all, cooperative_recommendations());
    append(all, agc_recommendations());
    return all;
  }();
  return table;
}

bool TheoryReport::violated() const {
  for (const auto& c : checks) {
    if (c.verdict.kind == VerdictKind::VIOLATED) return true;
  }
  return false;
}

TheoryReport theory_report(const Scenario& scenario, const Problem& problem, const RunResults* run,
                           const std::string& run_label) {
  TheoryReport report;
  report.scenario = scenario.name;
  report.algorithm = scenario.algorithm.name();
  report.run = run != nullptr ? run_label : "none";
  TheoryContext ctx(scenario, problem, run);
  report.repetitions = ctx.repetitions_measured();

  const IterationClosedForm own = scenario_iteration_time(scenario, problem.samples());
  report.times.formula = own.formula;
  if (own.time) report.times.closed_form = own.time->mean;
  const NetworkTime net = scenario_network_time(scenario, problem.dimension());
  report.times.network_formula = net.formula;
  if (net.time) report.times.network = *net.time;
  if (run != nullptr) {
    const ObservedIterationTime obs = observed_iteration_time(*run);
    report.times.measured = obs.mean;
    report.times.measured_se = obs.standard_error;
    report.times.measured_iterations = obs.iterations;
  }

  for (const auto& checker : theorem_checkers()) {
    if (!checker.concerns(scenario)) continue;
    TheoremCheck check = checker.check(ctx);
    check.verdict = decide(check);
    report.checks.push_back(std::move(check));
  }
  for (const auto& maker : recommendation_makers()) {
    if (maker.concerns(scenario)) report.recommendations.push_back(maker.make(ctx));
  }
  report.constants = ctx.used();
  if (ctx.has_region()) report.points = ctx.region_description();
  return report;
}

}  // namespace sgdsim::analysis
