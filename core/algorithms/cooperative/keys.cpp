// Reading and writing the family's scenario keys: batch_size, sampling, tau (schedules), topology, weights, mixing, alpha, anchor.
#include "keys.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "sgdsim/error.hpp"

namespace sgdsim::cooperative {
namespace {

using config::json;

std::string text(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", v);
  return buffer;
}

TauSchedule read_schedule(const config::Object& t, const Scenario& s) {
  TauSchedule tau;
  static constexpr TauSchedule::Kind KINDS[] = {TauSchedule::Kind::LIST, TauSchedule::Kind::LINEAR,
                                                TauSchedule::Kind::LOSS};
  tau.kind = KINDS[config::read_choice(t.require("schedule", "list, linear or loss"), t.at("schedule"),
                                       {"list", "linear", "loss"})];
  switch (tau.kind) {
    case TauSchedule::Kind::LIST: {
      t.check_keys({"schedule", "taus"}, "for schedule list");
      const json& taus = t.require("taus", "a non-empty array of integers >= 1");
      if (!taus.is_array() || taus.empty()) config::fail_got(t.at("taus"), "must be a non-empty array of integers >= 1", taus);
      for (std::size_t i = 0; i < taus.size(); ++i)
        tau.taus.push_back(config::read_int32(taus[i], t.at("taus") + "[" + std::to_string(i) + "]", 1));
      tau.tau0 = tau.taus.front();
      break;
    }
    case TauSchedule::Kind::LINEAR: {
      t.check_keys({"schedule", "tau0", "alpha", "rounds"}, "for schedule linear");
      tau.tau0 = config::read_int32(t.require("tau0", "an integer >= 1"), t.at("tau0"), 1);
      if (t.has("alpha") == t.has("rounds"))
        config::fail(t.path(), "a linear schedule takes alpha (tau_i = ceil((1 + i alpha) tau0)) or rounds (alpha "
                               "solved so that that many rounds cover stop.iterations), exactly one of them");
      if (t.has("alpha")) {
        tau.alpha = t.number_or("alpha", 0, config::Bound::NON_NEGATIVE);
        break;
      }
      tau.rounds = t.int32_or("rounds", 1, 1);
      if (!s.stop.iterations)
        config::fail(t.at("rounds"), "needs stop.iterations: alpha is solved so that the rounds cover them");
      if (tau.rounds == 1 && tau.tau0 < *s.stop.iterations)
        config::fail(t.at("rounds"), "one round is tau0 = " + std::to_string(tau.tau0) + " steps and cannot cover " +
                                         "stop.iterations = " + std::to_string(*s.stop.iterations));
      tau.alpha = solve_linear_alpha(tau.tau0, tau.rounds, *s.stop.iterations);
      break;
    }
    case TauSchedule::Kind::LOSS:
      t.check_keys({"schedule", "tau0"}, "for schedule loss");
      tau.tau0 = config::read_int32(t.require("tau0", "an integer >= 1"), t.at("tau0"), 1);
      if (!s.cluster.compute.numerics)
        config::fail(t.path(), "the loss schedule needs the loss, but cluster.compute.numerics is false");
      break;
    case TauSchedule::Kind::CONSTANT:
      break;
  }
  return tau;
}

std::vector<double> row_of(const json& row, const std::string& path) {
  if (!row.is_array()) config::fail_got(path, "must be an array of numbers (one row of W)", row);
  std::vector<double> values;
  for (std::size_t j = 0; j < row.size(); ++j)
    values.push_back(config::read_number(row[j], path + "[" + std::to_string(j) + "]", config::Bound::ANY));
  return values;
}

// A CSV file of numbers, one row of W per line (blank lines and lines starting with '#' skipped).
std::vector<std::vector<double>> read_csv_matrix(const std::string& file) {
  std::ifstream in(file);
  if (!in) SGDSIM_THROW(ConfigError, file + ": cannot read the mixing matrix file");
  std::vector<std::vector<double>> rows;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos || line[line.find_first_not_of(" \t")] == '#') continue;
    std::vector<double> row;
    std::stringstream fields(line);
    std::string field;
    for (int column = 1; std::getline(fields, field, ','); ++column) {
      std::size_t used = 0;
      double v = 0;
      try {
        v = std::stod(field, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || field.find_first_not_of(" \t", used) != std::string::npos || !std::isfinite(v))
        SGDSIM_THROW(ConfigError, file + ":" + std::to_string(number) + ": field " + std::to_string(column) +
                                      " is not a number: \"" + field + "\"");
      row.push_back(v);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

CooperativeParams read_sampled_batches(const config::Object& o) {
  CooperativeParams p;
  p.batch_size = o.int32_or("batch_size", p.batch_size, 1);
  if (const json* x = o.get("sampling"))
    p.sample_data_set = config::read_choice(*x, o.at("sampling"), {"shard", "data_set"}) == 1;
  return p;
}

TauSchedule read_tau(const config::Object& o, const Scenario& s, bool schedules) {
  const json* v = o.get("tau");
  if (v == nullptr) return TauSchedule::constant(1);
  if (!v->is_object() || !schedules) {
    const std::string expect = schedules ? "must be an integer >= 1 or a schedule {\"schedule\": \"list\" | "
                                           "\"linear\" | \"loss\", ...}"
                                         : "must be an integer >= 1";
    return TauSchedule::constant(config::read_int32(*v, o.at("tau"), 1, config::INT_MAX_V, expect));
  }
  return read_schedule(config::Object(*v, o.at("tau")), s);
}

MixingMatrix read_topology(const config::Object& o, const Scenario& s, Graph fallback, TopologySpec& spec) {
  const int m = s.cluster.workers;
  static constexpr Graph GRAPHS[] = {Graph::COMPLETE, Graph::RING, Graph::TORUS, Graph::HYPERCUBE, Graph::ERDOS_RENYI};
  const config::Names names = {"complete", "ring", "torus", "hypercube", "erdos_renyi"};
  const std::string path = o.at("topology");
  spec = TopologySpec{};
  spec.graph = fallback;
  if (const json* v = o.get("topology")) {
    if (v->is_string()) {
      spec.graph = GRAPHS[config::read_choice(*v, path, names)];
      if (spec.graph == Graph::ERDOS_RENYI)
        config::fail(path, "erdos_renyi needs its edge probability: {\"graph\": \"erdos_renyi\", \"p\": ..., \"seed\": ...}");
    } else {
      const config::Object t(*v, path);
      spec.graph = GRAPHS[config::read_choice(t.require("graph", "one of " + config::join(names)), t.at("graph"), names)];
      if (spec.graph == Graph::TORUS) {
        t.check_keys({"graph", "rows"}, "for graph torus");
        spec.rows = t.int32_or("rows", 0, 1, m);
      } else if (spec.graph == Graph::ERDOS_RENYI) {
        t.check_keys({"graph", "p", "seed"}, "for graph erdos_renyi");
        spec.p = config::read_number(t.require("p", "a number in (0, 1]"), t.at("p"), config::Bound::UNIT_INTERVAL);
        spec.seed = s.seed;
        if (const json* seed = t.get("seed"))
          spec.seed = static_cast<std::uint64_t>(config::read_int(*seed, t.at("seed"), 0, config::INT64_MAX_V));
      } else {
        t.check_keys({"graph"}, "for graph " + std::string(graph_name(spec.graph)));
      }
    }
  }
  if (spec.graph == Graph::TORUS && spec.rows == 0) spec.rows = torus_rows(m);
  spec.weights = spec.graph == Graph::ERDOS_RENYI ? Weights::METROPOLIS : Weights::UNIFORM;
  if (const json* v = o.get("weights"))
    spec.weights = config::read_choice(*v, o.at("weights"), {"uniform", "metropolis"}) == 0 ? Weights::UNIFORM
                                                                                            : Weights::METROPOLIS;
  return topology_matrix(spec, m, path);
}

MixingMatrix read_mixing(const config::Object& o, const Scenario& s, ExplicitMixing& source) {
  const std::string path = o.at("mixing");
  const json& v = o.require("mixing", "a square matrix as an array of rows, or a CSV file path");
  std::string where = path;
  if (v.is_string()) {
    const auto file = std::filesystem::absolute(s.base_dir / config::read_string(v, path, "must be a file path"));
    source.csv_path = file.lexically_normal().string();
    source.rows = read_csv_matrix(source.csv_path);
    where = source.csv_path;
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) source.rows.push_back(row_of(v[i], path + "[" + std::to_string(i) + "]"));
  } else {
    config::fail_got(path, "must be a square matrix (an array of rows) or a CSV file path", v);
  }
  const std::size_t n = source.rows.size();
  for (std::size_t i = 0; i < n; ++i)
    if (source.rows[i].size() != n)
      config::fail(v.is_string() ? where : path + "[" + std::to_string(i) + "]",
                   (v.is_string() ? "row " + std::to_string(i) + " has " : "has ") + std::to_string(source.rows[i].size()) +
                       " entries, but the matrix has " + std::to_string(n) + " rows: W must be square");
  std::vector<double> w;
  for (const auto& row : source.rows) w.insert(w.end(), row.begin(), row.end());
  const int m = s.cluster.workers;
  const std::string description = "explicit " + std::to_string(n) + "x" + std::to_string(n) + " matrix" +
                                  (v.is_string() ? " from " + where : "") + ", " + std::to_string(m) + " workers + " +
                                  std::to_string(static_cast<int>(n) - m) + " auxiliary";
  return MixingMatrix::checked(std::move(w), m, where, description);
}

double read_alpha(const config::Object& o, const Scenario& s) {
  const int m = s.cluster.workers;
  const json& v = o.require("alpha", "the elasticity, a number in (0, 1/cluster.workers)");
  const std::string expect = "must be a number in (0, 1/cluster.workers) = (0, " + text(1.0 / m) + ")";
  const double alpha = config::read_number(v, o.at("alpha"), config::Bound::ANY);
  if (!(alpha > 0 && alpha * m < 1)) config::fail_got(o.at("alpha"), expect, v);
  return alpha;
}

AnchorPlacement read_anchor(const config::Object& o, const MixingMatrix& w, AnchorPlacement fallback) {
  const json* v = o.get("anchor");
  if (w.auxiliary() == 0) {
    if (v != nullptr)
      config::fail(o.at("anchor"), "applies to auxiliary models only, and this mixing matrix has none (it is as large "
                                   "as cluster.workers)");
    return fallback;
  }
  AnchorPlacement anchor = fallback;
  if (v != nullptr)
    anchor = config::read_choice(*v, o.at("anchor"), {"server", "replicated"}) == 0 ? AnchorPlacement::SERVER
                                                                                   : AnchorPlacement::REPLICATED;
  if (anchor == AnchorPlacement::SERVER && w.auxiliary() != 1)
    config::fail(o.at("anchor"), "a server holds one auxiliary model, this mixing matrix has " +
                                     std::to_string(w.auxiliary()) + ": use \"replicated\"");
  return anchor;
}

void write_tau(const TauSchedule& tau, config::ordered_json& out) {
  config::ordered_json t;
  switch (tau.kind) {
    case TauSchedule::Kind::CONSTANT:
      out["tau"] = tau.tau0;
      return;
    case TauSchedule::Kind::LIST:
      t["schedule"] = "list";
      t["taus"] = tau.taus;
      break;
    case TauSchedule::Kind::LINEAR:
      t["schedule"] = "linear";
      t["tau0"] = tau.tau0;
      if (tau.rounds > 0) {
        t["rounds"] = tau.rounds;
      } else {
        t["alpha"] = tau.alpha;
      }
      break;
    case TauSchedule::Kind::LOSS:
      t["schedule"] = "loss";
      t["tau0"] = tau.tau0;
      break;
  }
  out["tau"] = t;
}

void read_wait_for(const config::Object& o, const Scenario& s, CooperativeParams& p) {
  const int m = s.cluster.workers;
  p.wait_for = m;
  if (const json* v = o.get("wait_for"))
    p.wait_for = config::read_int32(*v, o.at("wait_for"), 1, m, "must be between 1 and cluster.workers (" +
                                                                    std::to_string(m) + ")");
  p.aggregated = p.wait_for < m || !s.cluster.failures.empty();
  if (p.aggregated && p.tau.needs_loss())
    config::fail(o.at(p.wait_for < m ? "wait_for" : "tau"),
                 "the loss schedule evaluates F on every worker's shard, which cannot leave workers behind: use a "
                 "constant, list or linear tau with wait_for < cluster.workers or cluster.failures");
}

void reject_failures(const Scenario& s, const std::string& algorithm) {
  if (s.cluster.failures.empty()) return;
  config::fail("scenario.cluster.failures", algorithm + " waits for every worker at every exchange and has no rule for "
                                            "a missing one (it would wait forever): failures apply to uncoded, egc, "
                                            "agc, ignore_stragglers, local_sgd and ri_sgd");
}

Redundancy read_redundancy(const config::Object& o, const Scenario& s) {
  const int p = s.cluster.workers;
  const double top = static_cast<double>(p - 1) / p;
  Redundancy r;
  if (const json* v = o.get("redundancy")) {
    r.mu = config::read_number(*v, o.at("redundancy"), config::Bound::ANY);
    // μ·p may sit a rounding error above p − 1 (e.g. 0.75·4): the data assignment snaps it to the integer.
    if (!(r.mu >= 0 && r.mu * p <= p - 1 + 1e-9))
      config::fail_got(o.at("redundancy"),
                       "must be a number in [0, (cluster.workers - 1)/cluster.workers] = [0, " + text(top) + "]", *v);
  }
  if (const json* v = o.get("replication"))
    r.replication = config::read_choice(*v, o.at("replication"), {"cyclic", "heterogeneous"}) == 0
                        ? Redundancy::Replication::CYCLIC
                        : Redundancy::Replication::HETEROGENEOUS;
  if (r.replication == Redundancy::Replication::HETEROGENEOUS) {
    r.std_dev = config::read_number(o.require("redundancy_std", "the standard deviation of each worker's redundancy, "
                                                                "a number >= 0"),
                                    o.at("redundancy_std"), config::Bound::NON_NEGATIVE);
  } else if (o.has("redundancy_std")) {
    config::fail(o.at("redundancy_std"), "applies to \"replication\": \"heterogeneous\" only");
  }
  if (const json* v = o.get("combine")) r.sum = config::read_choice(*v, o.at("combine"), {"sum", "mean"}) == 0;
  r.replication_cost = o.bool_or("replication_cost", false);
  return r;
}

void write_redundancy(const Redundancy& r, config::ordered_json& out) {
  out["redundancy"] = r.mu;
  out["replication"] = r.replication == Redundancy::Replication::CYCLIC ? "cyclic" : "heterogeneous";
  if (r.replication == Redundancy::Replication::HETEROGENEOUS) out["redundancy_std"] = r.std_dev;
  out["combine"] = r.sum ? "sum" : "mean";
  out["replication_cost"] = r.replication_cost;
}

void write_mixing(const CooperativeParams& p, config::ordered_json& out) {
  if (const auto* t = std::get_if<TopologySpec>(&p.source)) {
    if (t->graph == Graph::TORUS) {
      out["topology"] = config::ordered_json{{"graph", "torus"}, {"rows", t->rows}};
    } else if (t->graph == Graph::ERDOS_RENYI) {
      out["topology"] = config::ordered_json{{"graph", "erdos_renyi"}, {"p", t->p}, {"seed", t->seed}};
    } else {
      out["topology"] = graph_name(t->graph);
    }
    out["weights"] = weights_name(t->weights);
  } else if (const auto* e = std::get_if<ElasticMixing>(&p.source)) {
    out["alpha"] = e->alpha;
  } else if (const auto* x = std::get_if<ExplicitMixing>(&p.source)) {
    if (x->csv_path.empty()) {
      out["mixing"] = x->rows;
    } else {
      out["mixing"] = x->csv_path;
    }
  }
  if (p.mixing.auxiliary() > 0) out["anchor"] = anchor_name(p.anchor);
}

std::vector<std::pair<std::string, std::string>> derived(const CooperativeParams& p) {
  std::vector<std::pair<std::string, std::string>> facts{{"zeta", text(p.mixing.zeta())},
                                                         {"mixing", p.mixing.description()}};
  if (p.tau.kind == TauSchedule::Kind::LINEAR && p.tau.rounds > 0)
    facts.emplace_back("tau.alpha", text(p.tau.alpha) + " (solved from rounds = " + std::to_string(p.tau.rounds) + ")");
  return facts;
}

}  // namespace sgdsim::cooperative
