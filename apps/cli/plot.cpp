// `sgdsim plot RUN_OR_STUDY_DIR`: the figures of a run or a study — loss against time, rounds and bytes (mean and 95%
// band over repetitions), the iteration-time CDF beside its closed form, per-worker timelines, speed-ups, sweeps —
// each with its data as CSV, drawn by the matplotlib script.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "figures.hpp"
#include "sgdsim/analysis/closed_forms.hpp"
#include "sgdsim/analysis/figure_data.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim::cli {

namespace fs = std::filesystem;

namespace {

std::string time_axis(const PlottedDirectory& in) {
  const bool real = std::any_of(in.runs.begin(), in.runs.end(), [](const PlottedRun& r) { return r.backend == "mpi"; });
  return real ? "wall-clock time [s]" : "simulated time [s]";
}

std::string title_of(const PlottedDirectory& in) {
  if (in.stats) return in.stats->name;
  return in.runs.front().label;
}

// label,x,mean,ci95,n: one row per point of each run's curve (ci95 empty below two repetitions).
template <typename Curve>
std::string curves_csv(const PlottedDirectory& in, const Curve& curve) {
  std::ostringstream out;
  out << "label,x,mean,ci95,n\n";
  for (const auto& run : in.runs) {
    for (const auto& p : curve(run)) {
      out << analysis::csv_field(run.label) << ',' << csv_number(p.x) << ',' << csv_number(p.y.mean) << ','
          << csv_number(p.y.ci) << ',' << p.y.n << '\n';
    }
  }
  return out.str();
}

void loss_figures(const PlottedDirectory& in, const PlotOptions& o, FigureSet& set) {
  const std::string title = title_of(in);
  const std::string band = "mean over the completed repetitions, band: 95% confidence interval (Student t)";
  const std::string log = " (log axis: the starting point, at 0, is not drawn)";
  Figure time{.name = "loss_time",
              .kind = "curves",
              .title = title + ": loss against time",
              .xlabel = time_axis(in),
              .ylabel = "loss F(x)",
              .logx = o.logx,
              .caption = "Loss against time" + std::string(o.logx ? log : "") + "; " + band +
                         ". A repetition's loss at time t is the loss it last evaluated."};
  set.add(time,
          curves_csv(in, [](const PlottedRun& r) { return analysis::loss_over_time(r.iterations, r.completed); }));
  Figure rounds{.name = "loss_rounds",
                .kind = "curves",
                .title = title + ": loss against communication rounds",
                .xlabel = "communication rounds",
                .ylabel = "loss F(x)",
                .logx = true,
                .caption = "Loss against cumulative communication rounds" + log + "; " + band + "."};
  set.add(rounds, curves_csv(in, [](const PlottedRun& r) {
            return analysis::loss_over_iterations(r.iterations, r.completed, analysis::IterationAxis::COMM_ROUNDS);
          }));
  Figure bytes{.name = "loss_bytes",
               .kind = "curves",
               .title = title + ": loss against bytes sent",
               .xlabel = "bytes sent by all ranks [B]",
               .ylabel = "loss F(x)",
               .logx = true,
               .caption = "Loss against cumulative payload bytes" + log + "; " + band + "."};
  set.add(bytes, curves_csv(in, [](const PlottedRun& r) {
            return analysis::loss_over_iterations(r.iterations, r.completed, analysis::IterationAxis::BYTES);
          }));
}

// The closed-form law of a run's iteration time (compute part, ideal network), if its scenario has one.
std::optional<analysis::OrderStatisticLaw> closed_form(const PlottedRun& run, std::string& formula) {
  if (!run.scenario) return std::nullopt;
  const auto* synthetic = std::get_if<SyntheticData>(&run.scenario->problem.data);
  const auto form = analysis::scenario_iteration_time(*run.scenario, synthetic != nullptr ? synthetic->samples : 0);
  formula = form.formula;
  return form.law;
}

void cdf_figure(const PlottedDirectory& in, FigureSet& set) {
  std::ostringstream out;
  out << "label,kind,t,cdf\n";
  std::string formulas;
  for (const auto& run : in.runs) {
    const auto durations = analysis::iteration_durations(run.iterations, run.completed);
    if (durations.empty()) continue;
    const std::string label = analysis::csv_field(run.label);
    const double n = static_cast<double>(durations.size());
    for (std::size_t i = 0; i < durations.size(); ++i)
      out << label << ",empirical," << csv_number(durations[i]) << ',' << csv_number((i + 1) / n) << '\n';
    std::string formula;
    const auto law = closed_form(run, formula);
    formulas += (formulas.empty() ? "" : "; ") + run.label + ": " + formula;
    if (!law) continue;
    const auto m = law->moments();
    const double lo = std::min(law->shift, durations.front());
    const double hi = std::max(durations.back(), m.mean + 4 * m.stddev());
    constexpr int POINTS = 200;
    for (int i = 0; i <= POINTS; ++i) {
      const double t = lo + (hi - lo) * i / POINTS;
      out << label << ",closed_form," << csv_number(t) << ',' << csv_number(law->cdf(t)) << '\n';
    }
  }
  Figure f{.name = "iteration_cdf",
           .kind = "cdf",
           .title = title_of(in) + ": time per iteration",
           .xlabel = "time of one iteration [s]",
           .ylabel = "P(iteration time <= t)",
           .caption =
               "Empirical CDF of the iteration times (all completed repetitions) beside the closed-form CDF of "
               "the modelled order statistic, which counts the compute part only (ideal network): " +
               formulas + "."};
  set.add(f, out.str());
}

// A label as a file name: characters other than letters, digits, '.', '_', '-' become '_' (tau=4,workers=16 ->
// tau_4_workers_16); a name taken already gets _2, _3, ...
std::string file_stem(const std::string& label, std::vector<std::string>& taken) {
  std::string stem = label;
  for (char& ch : stem)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-') ch = '_';
  std::string name = stem;
  for (int i = 2; std::find(taken.begin(), taken.end(), name) != taken.end(); ++i)
    name = stem + "_" + std::to_string(i);
  taken.push_back(name);
  return name;
}

void timeline_figures(const PlottedDirectory& in, const PlotOptions& o, FigureSet& set) {
  std::vector<std::string> taken;
  for (const auto& run : in.runs) {
    if (run.workers.empty()) {
      std::cerr << "note: " << run.label << ": workers.csv has no rows (output.workers false): no timeline\n";
      continue;
    }
    int repetition = o.run;
    if (std::none_of(run.workers.begin(), run.workers.end(),
                     [&](const WorkerRecord& w) { return w.run == repetition; }))
      repetition = run.workers.front().run;
    std::int64_t last_kept = 0;
    for (const auto& w : run.workers)
      if (w.run == repetition) last_kept = std::max(last_kept, w.iteration);
    const std::int64_t last = std::min(o.last, last_kept);
    const std::int64_t first = std::min(o.first, last);
    std::ostringstream out;
    out << "worker,iteration,state,begin,end\n";
    for (const auto& b : analysis::worker_timeline(run.workers, repetition, first, last)) {
      out << b.worker << ',' << b.iteration << ',' << analysis::timeline_state_name(b.state) << ','
          << csv_number(b.begin) << ',' << csv_number(b.end) << '\n';
    }
    for (const auto& w : run.workers) {
      if (w.run == repetition && w.iteration >= first && w.iteration <= last && !std::isnan(w.arrival))
        out << w.worker << ',' << w.iteration << ",arrival," << csv_number(w.arrival) << ',' << csv_number(w.arrival)
            << '\n';
    }
    for (const auto& r : run.iterations) {
      if (r.run == repetition && r.iteration >= first && r.iteration <= last)
        out << "-1," << r.iteration << ",iteration_end," << csv_number(r.time) << ',' << csv_number(r.time) << '\n';
    }
    const std::string window = "iterations " + std::to_string(first) + "-" + std::to_string(last) + " of repetition " +
                               std::to_string(repetition);
    Figure f{.name = "timeline-" + file_stem(run.label, taken),
             .kind = "timeline",
             .title = run.label + ": workers, " + window,
             .xlabel = time_axis(in),
             .ylabel = "worker",
             .caption = "Per-worker timeline of " + run.label + ", " + window +
                        ": each task's modelled compute time, coloured by what became of its result (used, dropped as "
                        "late, interrupted by the next model), then waiting; ticks: arrivals at the aggregator, "
                        "vertical lines: ends of iterations."};
    set.add(f, out.str());
  }
}

void speedup_figure(const analysis::StudyStats& stats, FigureSet& set) {
  std::ostringstream out;
  out << "label,speedup,ci95\n";
  for (const auto& v : stats.variants)
    out << analysis::csv_field(v.label) << ',' << csv_number(v.speedup.value) << ',' << csv_number(v.speedup.ci)
        << '\n';
  const std::string metric = analysis::speedup_metric_name(stats.metric);
  const std::string baseline = stats.variants[stats.baseline].label;
  Figure f{.name = "speedup",
           .kind = "bars",
           .title = stats.name + ": speed-up over " + baseline,
           .ylabel = "speed-up (" + metric + ")",
           .caption = "Speed-up over the baseline " + baseline + ": baseline mean / variant mean of " + metric +
                      ", with the 95% delta-method interval (study.json)."};
  set.add(f, out.str());
}

// A swept value as text: strings without their JSON quotes.
std::string value_text(const std::string& json_text) {
  const auto v = nlohmann::json::parse(json_text);
  return v.is_string() ? v.get<std::string>() : json_text;
}

void sweep_figures(const analysis::StudyStats& stats, FigureSet& set) {
  const bool to_target = stats.metric == analysis::SpeedupMetric::TIME_TO_TARGET;
  std::vector<std::string> taken;
  for (const auto& path : stats.swept_paths) {
    const std::string name = path.substr(path.rfind('.') + 1);
    std::ostringstream out;
    out << "group,value,label,final_loss_mean,final_loss_ci95,time_mean,time_ci95,comm_rounds_mean,comm_rounds_ci95\n";
    for (const auto& v : stats.variants) {
      // The group: the variant (the label's first part when it is not a sweep value) and the other swept values.
      std::string group, value;
      const auto comma = v.label.find(',');
      const std::string head = v.label.substr(0, comma);
      if (head.find('=') == std::string::npos && comma != std::string::npos) group = head;
      for (const auto& [swept, json] : v.point) {
        if (swept == path) {
          value = value_text(json);
        } else {
          if (!group.empty()) group += ',';
          group += swept.substr(swept.rfind('.') + 1);
          group += '=';
          group += value_text(json);
        }
      }
      const auto& time = to_target ? v.time_to_target : v.time;
      out << analysis::csv_field(group) << ',' << analysis::csv_field(value) << ',' << analysis::csv_field(v.label)
          << ',' << csv_number(v.final_loss.mean) << ',' << csv_number(v.final_loss.ci) << ',' << csv_number(time.mean)
          << ',' << csv_number(time.ci) << ',' << csv_number(v.comm_rounds.mean) << ',' << csv_number(v.comm_rounds.ci)
          << '\n';
    }
    const std::string time_label = to_target ? "time to target [s]" : "time at the end [s]";
    Figure f{.name = "sweep-" + file_stem(name, taken),
             .kind = "sweep",
             .title = stats.name + ": sweep of " + path,
             .xlabel = path,
             .extra = {{"swept", path}, {"time_label", time_label}},
             .caption = "The sweep of " + path + ": final loss and " + time_label.substr(0, time_label.find(" [")) +
                        " (mean and 95% interval over the completed repetitions) against the swept value, and the "
                        "final loss against the communication rounds, each point labelled with its value."};
    set.add(f, out.str());
  }
}

}  // namespace

FigureSet prepare_figures(const PlottedDirectory& in, const fs::path& out, const PlotOptions& o) {
  FigureSet set(out);
  loss_figures(in, o, set);
  cdf_figure(in, set);
  timeline_figures(in, o, set);
  if (in.study && in.stats && in.stats->variants.size() > 1) speedup_figure(*in.stats, set);
  if (in.stats && !in.stats->swept_paths.empty()) sweep_figures(*in.stats, set);
  set.write_index();
  return set;
}

int cmd_plot(const Options& o) {
  const fs::path dir = o.dir;
  const fs::path out = o.out.empty() ? dir / "figures" : fs::path(o.out);
  PlotOptions options;
  options.logx = o.logx;
  if (!o.window.empty()) {
    std::int64_t a = 0, b = 0;
    char colon = 0;
    std::istringstream in(o.window);
    if (!(in >> a >> colon >> b) || colon != ':' || !in.eof() || a < 1 || b < a)
      SGDSIM_THROW(ConfigError, "--window: expected FIRST:LAST with 1 <= FIRST <= LAST, got " + o.window);
    options.first = a;
    options.last = b;
  }
  options.run = o.run;
  const FigureSet set = prepare_figures(read_plotted_directory(dir), out, options);
  if (!o.data_only) draw_figures(set);
  std::cout << set.figures().size() << " figures" << (o.data_only ? " (data only)" : " (PNG and SVG)") << " in "
            << set.dir().string() << ":";
  for (const auto& f : set.figures()) std::cout << " " << f.name;
  std::cout << "\n";
  if (!o.data_only) std::cout << "drawn by " << plot_script().string() << "\n";
  return EXIT_OK;
}

}  // namespace sgdsim::cli
