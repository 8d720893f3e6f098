// The checkers of each paper (private to analysis/; theory.cpp puts them in one table) and what they share.
#pragma once

#include <vector>

#include "sgdsim/analysis/theory.hpp"
#include "theory_context.hpp"

namespace sgdsim::analysis {

std::vector<TheoremChecker> agc_checkers();
std::vector<TheoremChecker> lupa_checkers();
std::vector<TheoremChecker> ri_sgd_checkers();
std::vector<TheoremChecker> cooperative_checkers();
std::vector<RecommendationMaker> agc_recommendations();
std::vector<RecommendationMaker> lupa_recommendations();
std::vector<RecommendationMaker> ri_sgd_recommendations();
std::vector<RecommendationMaker> cooperative_recommendations();

// Whether the scenario's algorithm is in the model-averaging family A(tau, W, v) (Cooperative SGD's theorem concerns
// all of it).
bool is_model_averaging(const Scenario& scenario);
// Whether it is local SGD: the family with W = J and no auxiliary models (sync_sgd, local_sgd, cooperative over a
// complete graph), which the theorems of LUPA-SGD, ADA-LUPA and RI-SGD concern.
bool is_local_sgd(const Scenario& scenario);

// The unbiasedness assumption of LUPA-SGD (Assumption 1) and Cooperative SGD (A2): every mini-batch is drawn from
// the whole data set.
Condition whole_data_set_sampling(const AveragingView& view, const std::string& assumption);

// A fixed tau (not a schedule), with `statement` as the condition's words.
Condition constant_tau(const AveragingView& view, const std::string& statement);

// A constant step size eta (RI-SGD, Cooperative SGD): its value, or NaN with a failing condition.
double constant_step(const Scenario& scenario, std::vector<Condition>& conditions);

}  // namespace sgdsim::analysis
