// The bounds report as text, JSON and markdown, and the mean iteration time of recorded runs.
#include "sgdsim/analysis/report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

<<<<<<< HEAD
=======
#include "sgdsim/analysis/agc_bounds.hpp"
#include "sgdsim/analysis/closed_forms.hpp"
#include "sgdsim/analysis/estimate.hpp"
#include "sgdsim/analysis/text_table.hpp"
#include "sgdsim/core/algorithms/gradient_coding.hpp"
#include "sgdsim/core/algorithms/model_averaging.hpp"
#include "sgdsim/core/data/assignment.hpp"

>>>>>>> main
namespace sgdsim::analysis {

namespace {

<<<<<<< HEAD
// Rows of cells printed with every column padded to its widest cell; the last column is left unpadded.
class Table {
 public:
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  void print(std::ostream& out, const std::string& indent) const {
    std::vector<std::size_t> width;
    for (const auto& r : rows_) {
      if (width.size() < r.size()) width.resize(r.size(), 0);
      for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
    }
    for (const auto& r : rows_) {
      out << indent;
      for (std::size_t i = 0; i < r.size(); ++i) {
        out << r[i];
        if (i + 1 < r.size()) out << std::string(width[i] - r[i].size() + 2, ' ');
      }
      out << '\n';
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

const char* status_word(Condition::Status s) {
  switch (s) {
    case Condition::Status::HOLDS: return "holds";
    case Condition::Status::FAILS: return "FAILS";
    case Condition::Status::UNCHECKED: return "unchecked";
  }
  return "?";
=======
std::string number(double x, int precision = 6) {
  if (std::isnan(x)) return "-";
  std::ostringstream out;
  out.precision(precision);
  out << x;
  return out.str();
}

std::string bound_text(const Bound& b) {
  if (b.applies) return number(b.value);
  return "n/a (violated: " + b.condition + ")" + (std::isnan(b.value) ? "" : " [formula: " + number(b.value) + "]");
>>>>>>> main
}

const char* kind_name(VerdictKind k) {
  switch (k) {
    case VerdictKind::HOLDS: return "holds";
    case VerdictKind::VIOLATED: return "violated";
    case VerdictKind::VACUOUS: return "vacuous";
    case VerdictKind::NOT_APPLICABLE: return "not_applicable";
    case VerdictKind::INCONCLUSIVE: return "inconclusive";
    case VerdictKind::UNMEASURED: return "unmeasured";
  }
  return "?";
}

std::string measured_text(const Measurement& m) {
  std::string text = number(m.mean);
  if (!std::isnan(m.ci)) text += " +- " + number(m.ci, 3) + " (95% CI)";
  text += "  over " + std::to_string(m.values.size()) + " repetition" + (m.values.size() == 1 ? "" : "s");
  if (m.censored_count() > 0) text += ", " + std::to_string(m.censored_count()) + " censored";
  return text;
}

std::string verdict_line(const Verdict& v) {
  std::string text = verdict_word(v);
  if (!v.why.empty()) text += " (" + v.why + ")";
  return text;
}

int unchecked_count(const TheoremCheck& c) {
  int n = 0;
  for (const auto& cond : c.conditions) n += cond.status == Condition::Status::UNCHECKED ? 1 : 0;
  return n;
}

bool conditional(const TheoremCheck& c) {
  for (const auto& k : c.constants) {
    if (k.conditional) return true;
  }
  return false;
}

nlohmann::ordered_json json_number(double x) {
  return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json json_constant(const Constant& c) {
  nlohmann::ordered_json j;
  j["symbol"] = c.symbol;
  j["meaning"] = c.meaning;
  j["value"] = json_number(c.value);
  j["origin"] = origin_name(c.origin);
  j["how"] = c.how;
  if (c.sample_size > 0) j["sample_size"] = c.sample_size;
  if (!std::isnan(c.standard_error)) j["standard_error"] = json_number(c.standard_error);
  j["conditional"] = c.conditional;
  return j;
}

}  // namespace

ObservedIterationTime observed_iteration_time(const RunResults& results) {
  std::map<int, std::vector<const IterationRecord*>> runs;
  for (const auto& r : results.iterations) runs[r.run].push_back(&r);
  std::vector<double> per_iteration;  // time increment / iteration increment of each record, weighted below
  std::vector<double> weights;
  double total_time = 0;
  std::int64_t total_iterations = 0;
  for (auto& [run, records] : runs) {
    std::sort(records.begin(), records.end(),
              [](const IterationRecord* x, const IterationRecord* y) { return x->iteration < y->iteration; });
    double last_time = 0;
    std::int64_t last_iteration = 0;
    for (const IterationRecord* r : records) {
      const std::int64_t di = r->iteration - last_iteration;
      if (di <= 0) continue;
      const double dt = r->time - last_time;
      per_iteration.push_back(dt / static_cast<double>(di));
      weights.push_back(static_cast<double>(di));
      total_time += dt;
      total_iterations += di;
      last_time = r->time;
      last_iteration = r->iteration;
    }
  }
  ObservedIterationTime out;
  out.iterations = total_iterations;
  if (total_iterations == 0) return out;
  out.mean = total_time / static_cast<double>(total_iterations);
  if (per_iteration.size() > 1) {
    double ss = 0;
    for (std::size_t i = 0; i < per_iteration.size(); ++i) {
      ss += weights[i] * (per_iteration[i] - out.mean) * (per_iteration[i] - out.mean);
    }
    const double variance = ss / static_cast<double>(total_iterations - 1);
    out.standard_error = std::sqrt(variance / static_cast<double>(total_iterations));
  }
  return out;
}

std::string report_text(const TheoryReport& r) {
  std::ostringstream out;
<<<<<<< HEAD
  out << "sgdsim bounds: scenario '" << r.scenario << "', algorithm " << r.algorithm << "; measured on: " << r.run;
  if (r.repetitions > 0) out << " (" << r.repetitions << " repetition" << (r.repetitions == 1 ? "" : "s") << ")";
  out << "\n\nIteration time\n";
  Table times;
  const IterationTimes& t = r.times;
  times.row({"closed form (compute)", std::isnan(t.closed_form) ? "-" : number(t.closed_form) + " s", t.formula});
  times.row({"network", std::isnan(t.network) ? "-" : number(t.network) + " s", t.network_formula});
  if (t.measured_iterations > 0) {
    const double reference = t.closed_form + (std::isnan(t.network) ? 0.0 : t.network);
    times.row({"measured", number(t.measured) + " s +- " + number(t.measured_se, 3),
               std::to_string(t.measured_iterations) + " iterations" +
                   (std::isnan(reference) ? "" : "; measured / (compute + network) = " + number(t.measured / reference, 4))});
=======
  const int k = scenario.cluster.workers;
  const auto& alg = scenario.algorithm;
  const auto& compute = scenario.cluster.compute;
  const std::int64_t n_samples = problem.samples();
  const std::int64_t d = problem.dimension();

  out << "Bounds report: scenario '" << scenario.name << "'\n";
  out << "  problem: " << (problem.objective() == kernels::Loss::LOGISTIC ? "logistic" : "least_squares")
      << ", N = " << n_samples << ", d = " << d << ", l2 = " << number(problem.l2()) << "\n";
  out << "  cluster: k = " << k << " workers, s = " << number(compute.seconds_per_pass) << " s/pass";
  if (compute.straggling_rate) out << ", straggling rate lambda = " << number(*compute.straggling_rate);
  if (compute.delay_mean) out << ", additive delay mean m = " << number(*compute.delay_mean);
  if (!compute.slowdown.empty()) out << ", " << compute.slowdown.size() << " slowed-down worker(s)";
  const auto* coding = alg.params_if<CodingParams>();
  const int c = coding ? coding->tasks_per_worker : 1;
  const int r = coding ? coding->wait_for : k;
  out << "\n  algorithm: " << alg.name() << " (c = " << c << ", r = " << r << ")\n\n";

  // Iteration times.
  out << "Mean iteration time, closed forms (compute part, ideal network)\n";
  TextTable times;
  times.row({"algorithm", "mean [s]", "std [s]", "formula"});
  const IterationClosedForm own = scenario_iteration_time(scenario, n_samples);
  auto add_time = [&](const std::string& label, const IterationClosedForm& f) {
    times.row({label, f.time ? number(f.time->mean) : "-", f.time ? number(f.time->stddev()) : "-", f.formula});
  };
  add_time(alg.name() + " (scenario)", own);
  add_time("uncoded", coding_iteration_time(compute, k, CodingParams::uncoded(k)));
  add_time("egc c=" + std::to_string(c), coding_iteration_time(compute, k, CodingParams::egc(k, c)));
  add_time("agc c=" + std::to_string(c) + " r=" + std::to_string(r),
           coding_iteration_time(compute, k, CodingParams::agc(k, c, r)));
  add_time("ignore_stragglers r=" + std::to_string(r),
           coding_iteration_time(compute, k, CodingParams::ignore_stragglers(k, r)));
  times.print(out);

  const NetworkTerm net = network_term(scenario, d);
  out << "  network per iteration: " << (net.time ? number(*net.time) + " s" : std::string("-")) << "  (" << net.formula
      << ")\n";
  std::optional<double> total;
  if (own.time && net.time) total = own.time->mean + *net.time;
  out << "  scenario total (compute + network): " << (total ? number(*total) + " s" : std::string("-")) << "\n";

  if (simulated != nullptr) {
    const ObservedIterationTime obs = observed_iteration_time(*simulated);
    TextTable sim;
    sim.row({"simulated mean [s]", "std. error [s]", "iterations", "closed form [s]", "ratio sim/closed"});
    const double reference = total ? *total : (own.time ? own.time->mean : std::nan(""));
    sim.row({number(obs.mean), number(obs.standard_error), std::to_string(obs.iterations), number(reference),
             obs.iterations > 0 && reference > 0 ? number(obs.mean / reference, 4) : "-"});
    out << "\nSimulated vs closed form" << (total ? " (compute + network)" : " (compute only)") << "\n";
    sim.print(out);
>>>>>>> main
  }
  times.print(out, "  ");

<<<<<<< HEAD
  out << "\nConstants (* = a supremum or infimum over sampled points only: the bounds using it are conditional on "
         "it)\n";
  Table constants;
  constants.row({"symbol", "value", "origin", "how"});
  for (const auto& c : r.constants) {
    std::string how = c.how;
    if (c.sample_size > 0) how += " [n = " + std::to_string(c.sample_size);
    if (c.sample_size > 0 && !std::isnan(c.standard_error)) how += ", s.e. " + number(c.standard_error, 3);
    if (c.sample_size > 0) how += "]";
    constants.row({c.symbol, number(c.value), std::string(origin_name(c.origin)) + (c.conditional ? "*" : ""),
                   how + "  (" + c.meaning + ")"});
=======
  // Constants.
  out << "\nConstants\n";
  const Optimum opt = solve_optimum(problem);
  const Estimate beta = estimate_smoothness(problem);
  const Estimate mu = estimate_pl_constant(problem, opt.x);
  const std::vector<double> x0(static_cast<std::size_t>(d), 0.0);
  const double f0 = objective(problem, x0, {});
  const double delta0 = std::max(0.0, f0 - opt.loss);
  const Estimate per_sample = estimate_gradient_bound(problem, {x0, opt.x});
  // The theorems' f_i are the n = k task functions: with the algorithms' shards (repetition 0) that is the tighter,
  // relevant σ²; the per-sample maximum bounds it for any partition.
  Estimate sigma2 = per_sample;
  if (n_samples >= k) {
    const Shards shards(n_samples, k, scenario.seed, 0);
    std::vector<std::span<const std::int64_t>> parts;
    for (int i = 0; i < shards.count(); ++i) parts.push_back(shards.shard(i));
    sigma2 = estimate_partition_gradient_bound(problem, parts, {x0, opt.x});
    sigma2.how += " (the k shards of repetition 0)";
  }
  TextTable constants;
  constants.row({"beta", number(beta.value), beta.how});
  constants.row({"mu", number(mu.value), mu.how});
  constants.row({"F*", number(opt.loss, 10), opt.how + (opt.converged ? "" : " (NOT converged)")});
  constants.row({"Delta_0", number(delta0), "F(x_0) - F*, x_0 = 0"});
  constants.row({"sigma^2", number(sigma2.value), sigma2.how + ", at x_0 and x*; used below"});
  if (sigma2.how != per_sample.how) {
    constants.row({"sigma^2 (per sample)", number(per_sample.value), per_sample.how + ", at x_0 and x*"});
>>>>>>> main
  }
  constants.print(out, "  ");
  if (!r.points.empty()) out << "  Points: " << r.points << "\n";

  if (r.checks.empty()) out << "\nNo theorem of the seed papers concerns algorithm " << r.algorithm << ".\n";
  int index = 0;
  for (const auto& c : r.checks) {
    out << "\n[" << ++index << "] " << c.title << "\n";
    Table body;
    body.row({"source", c.source});
    body.row({"statement", c.statement});
    bool first = true;
    for (const auto& cond : c.conditions) {
      body.row({first ? "conditions" : "", std::string(status_word(cond.status)) + "  " + cond.statement + "  [" +
                                               cond.numbers + "]"});
      first = false;
    }
    std::string symbols;
    for (const auto& k : c.constants) symbols += (symbols.empty() ? "" : ", ") + k.symbol + " = " + number(k.value);
    body.row({"constants", symbols});
    body.row({"bound", c.bound_label.empty() ? number(c.bound) : number(c.bound) + "  (" + c.bound_label + ")"});
    for (const auto& line : c.lines) body.row({"", line.label + ": " + number(line.value) + "  (" + line.formula + ")"});
    if (c.measured) {
      body.row({"measured", measured_text(*c.measured) + "  (" + c.measured->quantity + "; " + c.measured->how + ")"});
    }
    std::string verdict = verdict_line(c.verdict);
    const int open = unchecked_count(c);
    if (open > 0 && c.verdict.kind != VerdictKind::NOT_APPLICABLE)
      verdict += "; conditional on " + std::to_string(open) + " unchecked condition" + (open == 1 ? "" : "s");
    if (conditional(c) && (c.verdict.kind == VerdictKind::HOLDS || c.verdict.kind == VerdictKind::VACUOUS))
      verdict += "; conditional on the * constants";
    body.row({"verdict", verdict});
    for (const auto& note : c.notes) body.row({"note", note});
    body.print(out, "    ");
  }
<<<<<<< HEAD
=======
  TextTable th1;
  th1.row({"c, r", std::to_string(t1.c) + ", " + std::to_string(t1.r)});
  th1.row({"bound on Delta_T", bound_text(b1)});
  th1.row({"noise floor", number(agc_theorem1_floor(t1))});
  th1.print(out);
>>>>>>> main

  if (!r.recommendations.empty()) out << "\nRecommendations\n";
  for (const auto& rec : r.recommendations) {
    out << "  " << rec.title << "  [" << rec.source << "]\n";
    Table rows;
    for (const auto& row : rec.rows) rows.row({row.label, number(row.value), row.note});
    rows.print(out, "    ");
    for (const auto& note : rec.notes) out << "    note: " << note << "\n";
  }
  return out.str();
}

std::string report_json(const TheoryReport& r) {
  nlohmann::ordered_json j;
  j["scenario"] = r.scenario;
  j["algorithm"] = r.algorithm;
  j["run"] = r.run;
  j["repetitions"] = r.repetitions;
  j["iteration_time"] = {{"closed_form", json_number(r.times.closed_form)},
                         {"formula", r.times.formula},
                         {"network", json_number(r.times.network)},
                         {"network_formula", r.times.network_formula},
                         {"measured", json_number(r.times.measured)},
                         {"measured_standard_error", json_number(r.times.measured_se)},
                         {"measured_iterations", r.times.measured_iterations}};
  j["constants"] = nlohmann::ordered_json::array();
  for (const auto& c : r.constants) j["constants"].push_back(json_constant(c));
  j["points"] = r.points;
  j["theorems"] = nlohmann::ordered_json::array();
  for (const auto& c : r.checks) {
    nlohmann::ordered_json t;
    t["id"] = c.id;
    t["title"] = c.title;
    t["source"] = c.source;
    t["statement"] = c.statement;
    t["conditions"] = nlohmann::ordered_json::array();
    for (const auto& cond : c.conditions) {
      t["conditions"].push_back(
          {{"statement", cond.statement}, {"numbers", cond.numbers}, {"status", status_word(cond.status)}});
    }
    t["constants"] = nlohmann::ordered_json::array();
    for (const auto& k : c.constants) t["constants"].push_back(json_constant(k));
    t["bound"] = json_number(c.bound);
    t["bound_label"] = c.bound_label;
    t["lines"] = nlohmann::ordered_json::array();
    for (const auto& line : c.lines) {
      t["lines"].push_back({{"label", line.label}, {"value", json_number(line.value)}, {"formula", line.formula}});
    }
    t["trivial"] = json_number(c.trivial);
    t["trivial_what"] = c.trivial_what;
    if (c.measured) {
      const Measurement& m = *c.measured;
      nlohmann::ordered_json values = nlohmann::ordered_json::array();
      for (double v : m.values) values.push_back(json_number(v));
      t["measured"] = {{"quantity", m.quantity}, {"how", m.how},        {"values", values},
                       {"censored", m.censored}, {"mean", json_number(m.mean)}, {"ci95", json_number(m.ci)}};
    } else {
      t["measured"] = nullptr;
    }
    t["verdict"] = {{"kind", kind_name(c.verdict.kind)},
                    {"text", verdict_word(c.verdict)},
                    {"slack", json_number(c.verdict.slack)},
                    {"why", c.verdict.why},
                    {"unchecked_conditions", unchecked_count(c)},
                    {"conditional_constants", conditional(c)}};
    t["notes"] = c.notes;
    j["theorems"].push_back(t);
  }
  j["recommendations"] = nlohmann::ordered_json::array();
  for (const auto& rec : r.recommendations) {
    nlohmann::ordered_json x;
    x["id"] = rec.id;
    x["title"] = rec.title;
    x["source"] = rec.source;
    x["rows"] = nlohmann::ordered_json::array();
    for (const auto& row : rec.rows) {
      x["rows"].push_back({{"label", row.label}, {"value", json_number(row.value)}, {"note", row.note}});
    }
<<<<<<< HEAD
    x["notes"] = rec.notes;
    j["recommendations"].push_back(x);
  }
  return j.dump(2) + "\n";
}

std::string report_markdown_header() {
  return "| scenario | theorem | bound | measured | verdict |\n|---|---|---:|---:|---|\n";
}

std::string report_markdown_rows(const TheoryReport& r) {
  std::ostringstream out;
  for (const auto& c : r.checks) {
    std::string measured = "-";
    if (c.measured) {
      measured = number(c.measured->mean, 4);
      if (!std::isnan(c.measured->ci)) measured += " ± " + number(c.measured->ci, 2);
    }
    std::string verdict = verdict_word(c.verdict);
    if (c.verdict.kind == VerdictKind::NOT_APPLICABLE || c.verdict.kind == VerdictKind::VACUOUS)
      verdict += ": " + c.verdict.why;
    std::string escaped;  // a '|' would end the cell
    for (char ch : verdict) escaped += ch == '|' ? std::string("\\|") : std::string(1, ch);
    verdict = escaped;
    out << "| " << r.scenario << " | " << c.title << " | " << number(c.bound, 4) << " | " << measured << " | "
        << verdict << " |\n";
=======
    if (t2.epsilon >= delta0) eps_how += "; epsilon >= Delta_0, so x_0 already qualifies";
    auto seconds = [](const Bound& b) { return b.applies ? number(b.value) + " s" : bound_text(b); };
    TextTable th2;
    th2.row({"epsilon", number(t2.epsilon) + "  (" + eps_how + ")"});
    th2.row({"c = 1/(lambda s)", number(b2.c)});
    th2.row({"E[T_unc] <=", seconds(b2.uncoded)});
    th2.row({"E[T_EGC] <=", seconds(b2.egc)});
    th2.row({"E[T_AGC] <=", seconds(b2.agc) + "  (r = " + std::to_string(r) + ")"});
    th2.print(out);
>>>>>>> main
  }
  return out.str();
}

}  // namespace sgdsim::analysis
