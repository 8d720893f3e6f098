// `sgdsim calibrate REAL_RUN_DIR`: the compute model fitted to the task times of a run (a parameter-server algorithm,
// whose workers.csv holds each task's arrival), its goodness of fit (KS, QQ figure) and a scenario with the fitted
// cluster.compute, ready to be simulated at another scale.
#include "sgdsim/analysis/calibrate.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "console.hpp"
#include "figures.hpp"
#include "sgdsim/analysis/closed_forms.hpp"
#include "sgdsim/analysis/run_tables.hpp"
#include "sgdsim/analysis/text_table.hpp"
#include "sgdsim/core/algorithms/gradient_coding.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim::cli {

namespace fs = std::filesystem;

namespace {

using json = nlohmann::ordered_json;

std::string text(const char* format, double v) {
  if (std::isnan(v)) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, v);
  return buffer;
}

// The run's resolved scenario with the fitted compute model (inject none: the result is for simulating), renamed.
std::string calibrated_scenario(const std::string& resolved, const analysis::Calibration& c) {
  json doc = json::parse(resolved);
  json& compute = doc["cluster"]["compute"];
  json fitted = {{"seconds_per_pass", c.seconds_per_pass}};
  if (c.form == analysis::ComputeForm::STRAGGLING) {
    fitted["straggling"] = {{"rate", c.rate}};
  } else {
    fitted["delay"] = {{"mean", c.delay_mean}};
  }
  if (!c.slowdown.empty()) {
    json slowdown = json::object();
    for (const auto& [worker, factor] : c.slowdown) slowdown[std::to_string(worker)] = factor;
    fitted["slowdown"] = slowdown;
  }
  fitted["inject"] = "none";
  for (const char* kept : {"device", "numerics"})
    if (compute.contains(kept)) fitted[kept] = compute[kept];
  compute = fitted;
  const std::string name = doc.value("name", "run") + "-calibrated";
  doc["name"] = name;
  doc["output"]["dir"] = "results/" + name;
  return doc.dump(2) + "\n";
}

json calibration_json(const analysis::Calibration& c, const fs::path& run_dir, std::size_t tasks) {
  auto fit = [](const analysis::ShiftedExponentialFit& f) {
    return json{{"shift", f.shift}, {"shift_se", f.shift_se}, {"rate", f.rate},        {"rate_se", f.rate_se},
                {"mean", f.mean()}, {"tasks", f.count},       {"observed", f.observed}};
  };
  auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  json workers = json::array();
  for (const auto& w : c.workers) {
    json entry = {{"worker", w.worker}, {"tasks", w.tasks}, {"observed", w.observed}};
    if (w.fitted) entry["fit"] = fit(w.fit);
    entry["slowdown"] = number(w.slowdown);
    entry["slowdown_se"] = number(w.slowdown_se);
    entry["lower_bound"] = w.lower_bound;
    entry["written"] = w.significant;
    workers.push_back(entry);
  }
  json out = {{"run_dir", run_dir.string()},
              {"form", analysis::compute_form_name(c.form)},
              {"load", c.load},
              {"tasks", tasks},
              {"seconds_per_pass", c.seconds_per_pass},
              {"seconds_per_pass_se", c.seconds_per_pass_se}};
  if (c.form == analysis::ComputeForm::STRAGGLING) {
    out["rate"] = c.rate;
    out["rate_se"] = c.rate_se;
  } else {
    out["delay_mean"] = c.delay_mean;
    out["delay_mean_se"] = c.delay_mean_se;
  }
  json slowdown = json::object();
  for (const auto& [worker, factor] : c.slowdown) slowdown[std::to_string(worker)] = factor;
  out["slowdown"] = slowdown;
  out["pooled"] = fit(c.pooled);
  out["ks"] = {{"statistic", c.ks_statistic}, {"pvalue", c.ks_pvalue}, {"n", c.pooled.observed}};
  out["workers"] = workers;
  return out;
}

void calibration_figures(const analysis::Calibration& c, FigureSet& set) {
  std::ostringstream qq;
  qq << "fitted,observed\n";
  for (const auto& [fitted, observed] : c.qq) qq << csv_number(fitted) << ',' << csv_number(observed) << '\n';
  set.add({.name = "qq",
           .kind = "qq",
           .title = "QQ: task times against the fitted shifted exponential",
           .xlabel = "fitted quantile [s]",
           .ylabel = "observed task time [s]",
           .caption = "Observed task times (slowdowns divided out; Kaplan-Meier plotting positions, censored tasks "
                      "included) against the quantiles of the fitted shifted exponential."},
          qq.str());
  std::ostringstream cdf;
  cdf << "label,kind,t,cdf\n";
  for (const auto& s : c.empirical) cdf << "tasks,empirical," << csv_number(s.t) << ',' << csv_number(s.after) << '\n';
  const double hi =
      c.empirical.empty() ? c.pooled.quantile(0.999) : std::max(c.empirical.back().t, c.pooled.quantile(0.999));
  for (int i = 0; i <= 200; ++i) {
    const double t = c.pooled.shift + (hi - c.pooled.shift) * i / 200;
    cdf << "tasks,closed_form," << csv_number(t) << ',' << csv_number(c.pooled.cdf(t)) << '\n';
  }
  set.add({.name = "task_cdf",
           .kind = "cdf",
           .title = "Task times: Kaplan-Meier CDF and the fitted CDF",
           .xlabel = "task time [s]",
           .ylabel = "P(task time <= t)",
           .caption = "Kaplan-Meier CDF of the task times beside the fitted shifted exponential."},
          cdf.str());
  set.write_index();
}

std::string report(const analysis::Calibration& c, const std::string& algorithm, int k) {
  std::ostringstream out;
  out << "tasks of load l = " << text("%.6g", c.load) << " (" << algorithm << ", k = " << k << "): " << c.pooled.count
      << ", of which " << c.pooled.observed << " observed, " << c.pooled.count - c.pooled.observed
      << " censored (not awaited)\n\n";
  analysis::TextTable table({analysis::TextTable::Align::RIGHT, analysis::TextTable::Align::RIGHT,
                             analysis::TextTable::Align::RIGHT, analysis::TextTable::Align::RIGHT,
                             analysis::TextTable::Align::RIGHT, analysis::TextTable::Align::RIGHT,
                             analysis::TextTable::Align::LEFT});
  table.row({"worker", "tasks", "observed", "mean [s]", "shift [s]", "slowdown", ""});
  for (const auto& w : c.workers) {
    std::string slowdown = "-", note = w.significant ? "kept" : "";
    if (w.fitted) slowdown = text("%.3f", w.slowdown) + " ± " + text("%.3f", w.slowdown_se);
    if (w.lower_bound) {
      slowdown = ">= " + text("%.3f", w.slowdown);
      note = std::string("too few observed tasks: a lower bound") + (w.significant ? ", kept" : "");
    }
    table.row({std::to_string(w.worker), std::to_string(w.tasks), std::to_string(w.observed),
               w.fitted ? text("%.5g", w.fit.mean()) : "-", w.fitted ? text("%.5g", w.fit.shift) : "-", slowdown,
               note});
  }
  table.print(out, "");
  out << "\nfitted (" << analysis::compute_form_name(c.form) << "): s = " << text("%.6g", c.seconds_per_pass) << " ± "
      << text("%.2g", c.seconds_per_pass_se) << " s per pass";
  if (c.form == analysis::ComputeForm::STRAGGLING) {
    out << ", lambda = " << text("%.6g", c.rate) << " ± " << text("%.2g", c.rate_se) << " per s per unit load";
  } else {
    out << ", delay mean m = " << text("%.6g", c.delay_mean) << " ± " << text("%.2g", c.delay_mean_se) << " s";
  }
  out << " (± one standard error)\n";
  out << "goodness of fit: Kolmogorov-Smirnov D = " << text("%.4f", c.ks_statistic)
      << ", p = " << text("%.3g", c.ks_pvalue) << " (n = " << c.pooled.observed
      << "; conservative: the parameters are fitted to the same data)\n";
  return out.str();
}

}  // namespace

int cmd_calibrate(const Options& o) {
  const fs::path dir = o.dir;
  const fs::path out = o.out.empty() ? dir / "calibration" : fs::path(o.out);
  if (o.form != "straggling" && o.form != "delay")
    SGDSIM_THROW(ConfigError, "--form: expected straggling or delay, got " + o.form);
  const auto form = o.form == "delay" ? analysis::ComputeForm::DELAY : analysis::ComputeForm::STRAGGLING;
  if (!fs::is_regular_file(dir / "summary.json"))
    SGDSIM_THROW(ConfigError, dir.string() + ": not a complete run directory (no summary.json)");
  const std::string resolved = read_text_file(dir / "scenario.json");
  const Scenario scenario = parse_scenario(resolved);
  const auto* coding = scenario.algorithm.params_if<CodingParams>();
  if (coding == nullptr) {
    SGDSIM_THROW(ConfigError, (dir / "scenario.json").string() +
                                  ": calibrate needs a run of a parameter-server "
                                  "algorithm (uncoded, egc, agc, ignore_stragglers), whose workers.csv has each task's "
                                  "arrival; in a " +
                                  scenario.algorithm.name() +
                                  " run a task's end is hidden in the "
                                  "all-reduce that follows it");
  }
  const auto workers = analysis::read_workers_csv(dir / "workers.csv");
  if (workers.empty()) {
    SGDSIM_THROW(ConfigError, (dir / "workers.csv").string() +
                                  ": no rows (the run had output.workers false); "
                                  "calibrate needs the task times");
  }
  const auto tasks = analysis::task_durations(workers, analysis::read_trace_csv(dir / "trace.csv"));
  const int k = scenario.cluster.workers;
  // Every task of the run computes on c of the k equal partitions (partition sizes differ by at most one row).
  const double load = static_cast<double>(coding->tasks_per_worker) / k;
  const analysis::Calibration c = analysis::calibrate_compute(tasks, load, form, !o.no_slowdown);

  // What the run measured, read (and so checked: a malformed summary.json is exit 2) before anything is written.
  double measured = 0;
  int runs = 0;
  for (const auto& s : read_summaries(dir, scenario.name)) {
    measured += s.summary.mean_iteration_time;
    ++runs;
  }

  FigureSet set(out);
  // The calibrated scenario goes through the parser (with --set), so that what is written is valid and resolved.
  const Scenario fitted = parse_scenario(calibrated_scenario(resolved, c), o.sets);
  write_file_atomically(out / "scenario.json", fitted.resolved_json);
  write_file_atomically(out / "calibration.json", calibration_json(c, dir, tasks.size()).dump(2) + "\n");
  calibration_figures(c, set);
  if (!o.data_only) draw_figures(set);

  std::cout << report(c, scenario.algorithm.name(), k);
  // The model's own prediction beside what the run measured: what the aggregator adds per iteration (loss evaluation,
  // scheduling) is not in the compute model.
  const auto predicted = analysis::coding_iteration_time(fitted.cluster.compute, k, *coding);
  std::cout << "mean iteration time: the run " << text("%.6g", runs > 0 ? measured / runs : NOT_EVALUATED)
            << " s; the fitted model's closed form (compute part, ideal network) "
            << (predicted.time ? text("%.6g", predicted.time->mean) + " s" : "none (" + predicted.formula + ")")
            << "\n\n";
  std::cout << "calibrated scenario: " << (out / "scenario.json").string() << "\n";
  std::cout << "fit and goodness of fit: " << (out / "calibration.json").string()
            << "; QQ figure: " << (out / (o.data_only ? "qq.csv" : "qq.png")).string() << "\n";
  std::string scale = "--set cluster.workers=" + std::to_string(10 * k);
  if (coding->rule == WaitRule::FIRST_R) scale += " --set algorithm.wait_for=" + std::to_string(10 * coding->wait_for);
  std::cout << "at 10x the workers: sgdsim simulate " << (out / "scenario.json").string() << " " << scale << "\n";
  return EXIT_OK;
}

}  // namespace sgdsim::cli
