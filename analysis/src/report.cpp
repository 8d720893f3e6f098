// The bounds report as text, JSON and markdown, and the mean iteration time of recorded runs.
#include "sgdsim/analysis/report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "sgdsim/analysis/text_table.hpp"

namespace sgdsim::analysis {

namespace {

using Table = TextTable;

const char* status_word(Condition::Status s) {
  switch (s) {
    case Condition::Status::HOLDS: return "holds";
    case Condition::Status::FAILS: return "FAILS";
    case Condition::Status::UNCHECKED: return "unchecked";
  }
  return "?";
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
  }
  times.print(out, "  ");

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
  }
  return out.str();
}

}  // namespace sgdsim::analysis
