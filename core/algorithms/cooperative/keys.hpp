// The family's scenario keys (private to core/algorithms/cooperative): reading each key of the `algorithm` object with
// errors that name its JSON path, and writing it back into the resolved scenario.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sgdsim/core/algorithms/cooperative/params.hpp"
#include "sgdsim/core/scenario/config.hpp"

namespace sgdsim::cooperative {

// `batch_size` (B >= 1, 32) and `sampling` (`shard` or `data_set`), the keys every preset takes.
CooperativeParams read_sampled_batches(const config::Object& o);
// `tau`: an integer >= 1, or (with schedules allowed) {"schedule": "list" | "linear" | "loss", ...}; absent: 1.
TauSchedule read_tau(const config::Object& o, const Scenario& s, bool schedules);
// `topology` (absent: `fallback`) and `weights` (absent: uniform, metropolis for erdos_renyi), as a matrix over the
// scenario's workers.
MixingMatrix read_topology(const config::Object& o, const Scenario& s, Graph fallback, TopologySpec& spec);
// `mixing`: rows inline, or a CSV file path (relative to the scenario file).
MixingMatrix read_mixing(const config::Object& o, const Scenario& s, ExplicitMixing& source);
// `alpha`: EASGD's elasticity, required, 0 < α < 1/m.
double read_alpha(const config::Object& o, const Scenario& s);
// `anchor`: where auxiliary models live; only for a matrix with auxiliary models (`server`: exactly one of them).
AnchorPlacement read_anchor(const config::Object& o, const MixingMatrix& w, AnchorPlacement fallback);

// RI-SGD's keys: `redundancy` μ (0), `replication` (cyclic), `redundancy_std` σ (heterogeneous only, required there),
// `combine` (sum), `replication_cost` (false).
Redundancy read_redundancy(const config::Object& o, const Scenario& s);
void write_redundancy(const Redundancy& r, config::ordered_json& out);

// `wait_for` (local_sgd, ri_sgd): r in 1..m, default m. With r < m, or with cluster.failures, every round goes through
// an aggregator rank (p.aggregated); not with the loss schedule (its F is computed on every worker's shard).
void read_wait_for(const config::Object& o, const Scenario& s, CooperativeParams& p);
// The presets whose exchange waits for every worker, with no rule for a missing one: cluster.failures is an error.
void reject_failures(const Scenario& s, const std::string& algorithm);

void write_tau(const TauSchedule& tau, config::ordered_json& out);
void write_mixing(const CooperativeParams& p, config::ordered_json& out);  // topology + weights, alpha, or mixing

// What `sgdsim check` shows beside the resolved scenario: ζ, where W came from, a solved α.
std::vector<std::pair<std::string, std::string>> derived(const CooperativeParams& p);

}  // namespace sgdsim::cooperative
