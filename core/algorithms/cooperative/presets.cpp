// The named presets of Cooperative SGD A(τ, W, v), each a registry entry with its own keys: sync_sgd, local_sgd,
// easgd, dpsgd, cooperative, ri_sgd. A new preset is one more function here and one more line in
// model_averaging_family().
#include "../builtin.hpp"
#include "keys.hpp"
#include "round_loop.hpp"

namespace sgdsim {

const char* anchor_name(AnchorPlacement anchor) { return anchor == AnchorPlacement::SERVER ? "server" : "replicated"; }

namespace {

using cooperative::read_anchor;
using cooperative::read_sampled_batches;
using cooperative::read_tau;

const KeyDoc BATCH_SIZE{"batch_size", "32", "mini-batch size B per worker and iteration"};
const KeyDoc SAMPLING{"sampling", "shard",
                      "shard: mini-batches from the worker's own shard; data_set: from the whole data set (unbiased "
                      "for grad F, as LUPA-SGD's and Cooperative SGD's theorems assume)"};
const KeyDoc TAU{"tau", "1",
                 "local steps per averaging round: an integer, or {\"schedule\": \"list\", \"taus\": [...]} | "
                 "{\"schedule\": \"linear\", \"tau0\", \"alpha\" or \"rounds\"} | {\"schedule\": \"loss\", \"tau0\"}"};
const KeyDoc WAIT_FOR{"wait_for", "workers",
                      "r: models averaged per round, the first r to reach an aggregator rank (the others are dropped "
                      "and their workers adopt the average); r < workers adds that rank"};
const KeyDoc WEIGHTS{"weights", "uniform", "edge weights: uniform 1/(deg+1), or metropolis (the default for erdos_renyi)"};

const std::string TOPOLOGY_DOC =
    "the graph of W: complete, ring, torus, hypercube, or {\"graph\": \"torus\", \"rows\": r} | "
    "{\"graph\": \"erdos_renyi\", \"p\": p, \"seed\": s}";

// Writes the keys of whichever preset made `p`: what it holds beyond the all-reduce of sync SGD.
void resolve(const CooperativeParams& p, config::ordered_json& out) {
  out["batch_size"] = p.batch_size;
  // Written only when not the default, so that resolved scenarios from before the key are unchanged.
  if (p.sample_data_set) out["sampling"] = "data_set";
  if (p.average_gradients) return;
  cooperative::write_tau(p.tau, out);
  cooperative::write_mixing(p, out);
  if (p.redundancy) cooperative::write_redundancy(*p.redundancy, out);
  // local_sgd keeps its resolved form unless it leaves workers behind; ri_sgd always shows it.
  if (p.wait_for > 0 && (p.redundancy || p.aggregated)) out["wait_for"] = p.wait_for;
}

// `shape` is the layout of the preset's defaults, for the listing; a scenario's keys decide its own (shape_of).
AlgorithmDef preset(std::string name, std::string description, CommShape shape, std::vector<KeyDoc> keys,
                    std::function<CooperativeParams(const config::Object&, const Scenario&)> parse) {
  AlgorithmDef def = make_algorithm<CooperativeParams>(std::move(name), std::move(description), shape, std::move(keys),
                                                       std::move(parse), resolve, cooperative::run_cooperative);
  def.shape_of = [](const AlgorithmParams& a) { return dynamic_cast<const CooperativeParams&>(a).shape(); };
  def.derived = [](const AlgorithmParams& a) { return cooperative::derived(dynamic_cast<const CooperativeParams&>(a)); };
  def.averaging_rounds = true;
  def.reports_average = [](const AlgorithmParams& a) {
    return dynamic_cast<const CooperativeParams&>(a).reports_average();
  };
  return def;
}

// A(1, J, 0), mixing the gradients: bit for bit the synchronous SGD sgdsim always ran.
AlgorithmDef sync_sgd() {
  return preset("sync_sgd",
                "synchronous SGD: every iteration all-reduces the workers' mini-batch gradients, one step with their mean",
                CommShape::PEERS, {BATCH_SIZE, SAMPLING}, [](const config::Object& o, const Scenario& s) {
                  cooperative::reject_failures(s, "sync_sgd");
                  CooperativeParams p = read_sampled_batches(o);
                  p.average_gradients = true;
                  p.mixing = MixingMatrix::average(s.cluster.workers);
                  return p;
                });
}

// A(τ, J, 0).
AlgorithmDef local_sgd() {
  return preset("local_sgd",
                "local SGD (PR-SGD, LUPA-SGD, ADA-LUPA with a schedule): tau local steps, then an all-reduce of the models",
                CommShape::PEERS, {BATCH_SIZE, SAMPLING, TAU, WAIT_FOR}, [](const config::Object& o, const Scenario& s) {
                  CooperativeParams p = read_sampled_batches(o);
                  p.tau = read_tau(o, s, /*schedules=*/true);
                  p.mixing = MixingMatrix::average(s.cluster.workers);
                  cooperative::read_wait_for(o, s, p);
                  return p;
                });
}

// A(τ, W_α, 1).
AlgorithmDef easgd() {
  return preset("easgd",
                "elastic averaging SGD: every tau steps each worker moves alpha towards an anchor z, z towards the workers",
                CommShape::PEERS_AND_SERVER, {BATCH_SIZE, SAMPLING, TAU, {"alpha", "required", "elasticity alpha, 0 < alpha < 1/workers"},
                 {"anchor", "server", "where z lives: server (one more rank, as in the EASGD paper) or replicated "
                                      "(a copy on every worker, from an all-reduce)"}},
                [](const config::Object& o, const Scenario& s) {
                  cooperative::reject_failures(s, "easgd");
                  CooperativeParams p = read_sampled_batches(o);
                  p.tau = read_tau(o, s, /*schedules=*/true);
                  const double alpha = cooperative::read_alpha(o, s);
                  p.mixing = elastic_matrix(s.cluster.workers, alpha);
                  p.source = ElasticMixing{alpha};
                  p.anchor = read_anchor(o, p.mixing, AnchorPlacement::SERVER);
                  return p;
                });
}

// A(τ, W_graph, 0), τ = 1 by default.
AlgorithmDef dpsgd() {
  return preset("dpsgd", "decentralized parallel SGD: each worker averages its model with its neighbours' on a graph",
                CommShape::PEERS, {BATCH_SIZE, SAMPLING, {"tau", "1", "local steps per round (an integer)"},
                 {"topology", "ring", TOPOLOGY_DOC}, WEIGHTS},
                [](const config::Object& o, const Scenario& s) {
                  cooperative::reject_failures(s, "dpsgd");
                  CooperativeParams p = read_sampled_batches(o);
                  p.tau = read_tau(o, s, /*schedules=*/false);
                  TopologySpec spec;
                  p.mixing = cooperative::read_topology(o, s, Graph::RING, spec);
                  p.source = spec;
                  return p;
                });
}

// A(τ, W, v): any graph, or any symmetric doubly stochastic matrix with auxiliary models.
AlgorithmDef cooperative_sgd() {
  return preset("cooperative",
                "Cooperative SGD A(tau, W, v): tau local steps, then X <- X W for a topology or an explicit matrix",
                CommShape::PEERS, {BATCH_SIZE, SAMPLING, TAU, {"topology", "complete", TOPOLOGY_DOC + "; or give mixing"}, WEIGHTS,
                 {"mixing", "-", "W itself instead of a topology: an array of rows or a CSV file, (m+v) x (m+v), "
                                 "nodes m.. are auxiliary models"},
                 {"anchor", "replicated", "with auxiliary models: replicated (every worker keeps a copy) or server "
                                          "(v = 1: one more rank)"}},
                [](const config::Object& o, const Scenario& s) {
                  cooperative::reject_failures(s, "cooperative");
                  CooperativeParams p = read_sampled_batches(o);
                  p.tau = read_tau(o, s, /*schedules=*/true);
                  if (o.has("mixing")) {
                    if (o.has("topology") || o.has("weights"))
                      config::fail(o.at(o.has("topology") ? "topology" : "weights"),
                                   "give a topology (with its weights) or a mixing matrix, not both");
                    ExplicitMixing source;
                    p.mixing = cooperative::read_mixing(o, s, source);
                    p.source = std::move(source);
                  } else {
                    TopologySpec spec;
                    p.mixing = cooperative::read_topology(o, s, Graph::COMPLETE, spec);
                    p.source = spec;
                  }
                  p.anchor = read_anchor(o, p.mixing, AnchorPlacement::REPLICATED);
                  return p;
                });
}

// A(τ, J, 0) on redundant data: local SGD whose workers also sample from other workers' shards (RI-SGD).
AlgorithmDef ri_sgd() {
  return preset("ri_sgd",
                "redundancy-infused local SGD: each worker also samples from q-1 other shards (mu = (q-1)/p), tau "
                "local steps, then an all-reduce of the models",
                CommShape::PEERS,
                {BATCH_SIZE, TAU, {"redundancy", "0", "mu = (q-1)/p in [0, (p-1)/p]: the share of other workers' data "
                                                      "each worker also holds (0: local SGD)"},
                 {"replication", "cyclic",
                  "cyclic (worker j holds shards j, j+1, ..., a random subset of the last for a fractional mu*p) or "
                  "heterogeneous (mu_j ~ Normal(mu, redundancy_std))"},
                 {"redundancy_std", "-", "sigma of the heterogeneous mu_j (required there), clipped to [0, (p-1)/p]"},
                 {"combine", "sum", "sum (eq. 3: the chunk gradients summed, a step q times larger) or mean"},
                 {"replication_cost", "false", "charge the offline transfer of the redundant rows before iteration 1 "
                                               "(its time and bytes reported in summary.json)"},
                 WAIT_FOR},
                [](const config::Object& o, const Scenario& s) {
                  CooperativeParams p;
                  p.batch_size = o.int32_or("batch_size", p.batch_size, 1);  // no `sampling`: RI-SGD samples its chunks
                  p.tau = read_tau(o, s, /*schedules=*/true);
                  p.mixing = MixingMatrix::average(s.cluster.workers);
                  p.redundancy = cooperative::read_redundancy(o, s);
                  cooperative::read_wait_for(o, s, p);
                  return p;
                });
}

}  // namespace

namespace builtin {

std::vector<AlgorithmDef> model_averaging_family() {
  return {sync_sgd(), local_sgd(), easgd(), dpsgd(), cooperative_sgd(), ri_sgd()};
}

}  // namespace builtin
}  // namespace sgdsim
