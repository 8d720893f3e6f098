// Console output: summary tables, the progress line, and the comparison of two run directories.
#include "console.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "figures.hpp"
#include "sgdsim/analysis/text_table.hpp"
#include "sgdsim/core/scenario/json_text.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim::cli {
namespace {

std::string fixed(double v, const char* format) {
  if (std::isnan(v)) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, v);
  return buffer;
}

std::string bytes_text(std::uint64_t bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, u == 0 ? "%.0f %s" : "%.2f %s", v, units[u]);
  return buffer;
}

double wall_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// A summary.json: an object whose "runs" is an array of objects (what write_run_directory writes). Anything else is
// a DataError naming the file (and the entry), never a library exception.
nlohmann::json read_summary(const std::filesystem::path& file) {
  nlohmann::json j;
  try {
    j = parse_json_text(read_text_file(file), file.string());
  } catch (const ConfigError& e) {
    SGDSIM_THROW(DataError, e.what());
  }
  const auto bad = [&](const std::string& what) { SGDSIM_THROW(DataError, file.string() + ": " + what); };
  if (!j.is_object()) bad("not a run summary (expected a JSON object)");
  if (!j.contains("runs") || !j["runs"].is_array()) bad("not a run summary (no \"runs\" array)");
  for (std::size_t i = 0; i < j["runs"].size(); ++i) {
    const auto& run = j["runs"][i];
    const std::string at = "runs[" + std::to_string(i) + "]";
    if (!run.is_object()) bad(at + ": expected an object");
    for (const char* key : {"run", "iterations", "comm_rounds", "bytes"}) {
      if (!run.contains(key) || !run[key].is_number_integer()) bad(at + "." + key + ": expected an integer");
    }
    if (!run.contains("status") || !run["status"].is_string()) bad(at + ".status: expected a string");
    if (!run["run"].is_number_unsigned() || run["run"].get<std::uint64_t>() > 1000000) bad(at + ".run: out of range");
    if (!run["bytes"].is_number_unsigned()) bad(at + ".bytes: expected an integer >= 0");
  }
  return j;
}

double number_or_nan(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : NOT_EVALUATED;
}

std::string text_or(const nlohmann::json& j, const char* key, const char* fallback) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : fallback;
}

// Per-iteration times of run 0 from trace.csv: differences of the time column.
std::vector<double> iteration_times(const std::filesystem::path& dir) {
  std::ifstream in(dir / "trace.csv");
  if (!in) SGDSIM_THROW(ConfigError, (dir / "trace.csv").string() + ": cannot read");
  std::string line;
  std::getline(in, line);
  std::vector<double> times;
  double previous = 0;
  int line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    std::stringstream fields(line);
    std::string run, iteration, time;
    std::getline(fields, run, ',');
    std::getline(fields, iteration, ',');
    std::getline(fields, time, ',');
    if (run != "0") break;
    if (iteration == "0") continue;  // the starting point, at time 0
    try {
      const double t = std::stod(time);
      times.push_back(t - previous);
      previous = t;
    } catch (const std::exception&) {
      SGDSIM_THROW(DataError, (dir / "trace.csv").string() + ":" + std::to_string(line_number) + ": bad time field");
    }
  }
  return times;
}

}  // namespace

std::string stall_lines(const std::vector<LabelledSummary>& rows) {
  std::string out;
  for (const auto& r : rows)
    if (r.summary.status == RunStatus::STALLED)
      out += "sgdsim: " + r.label + " run " + std::to_string(r.summary.run) + " stalled: " + r.summary.reason + "\n";
  return out;
}

std::string summary_table(const std::vector<LabelledSummary>& rows) {
  // Classifiers add their test accuracy: final, best, and the time it reached stop.target_accuracy.
  const bool accuracy = std::any_of(rows.begin(), rows.end(), [](const auto& r) { return r.summary.classifier; });
  std::ostringstream out;
  char line[512];
  std::snprintf(line, sizeof line, "%-18s %-18s %3s %-11s %10s %12s %11s %12s %12s %8s %11s %7s", "run", "algorithm",
                "rep", "status", "iterations", "time [s]", "s/iter", "final loss", "to target", "rounds", "bytes", "zeta");
  out << line;
  if (accuracy) {
    std::snprintf(line, sizeof line, " %9s %9s %10s", "test acc", "best acc", "to acc [s]");
    out << line;
  }
  out << "\n";
  for (const auto& r : rows) {
    const auto& s = r.summary;
    std::snprintf(line, sizeof line, "%-18s %-18s %3d %-11s %10lld %12s %11s %12s %12s %8lld %11s %7s", r.label.c_str(),
                  r.algorithm.c_str(), s.run, status_name(s.status), static_cast<long long>(s.iterations),
                  fixed(s.time, "%.4g").c_str(), fixed(s.mean_iteration_time, "%.4g").c_str(),
                  fixed(s.final_loss, "%.6g").c_str(), fixed(s.time_to_target, "%.4g").c_str(),
                  static_cast<long long>(s.comm_rounds), bytes_text(s.bytes).c_str(), fixed(s.zeta, "%.4g").c_str());
    out << line;
    if (accuracy) {
      std::snprintf(line, sizeof line, " %9s %9s %10s", fixed(s.final_test_accuracy, "%.4f").c_str(),
                    fixed(s.best_test_accuracy, "%.4f").c_str(), fixed(s.time_to_target_accuracy, "%.4g").c_str());
      out << line;
    }
    out << "\n";
  }
  return out.str();
}

std::string with_interval(double mean, double half_width, const char* alone) {
  if (std::isnan(mean)) return "-";
  if (!(half_width > 0) || !std::isfinite(half_width)) return fixed(mean, alone);
  const int decimals = 1 - static_cast<int>(std::floor(std::log10(half_width)));
  char buffer[96];
  if (decimals > 8 || std::fabs(mean) >= 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.4g ± %.2g", mean, half_width);
  } else {
    const int d = std::max(decimals, 0);
    std::snprintf(buffer, sizeof buffer, "%.*f ± %.*f", d, mean, d, half_width);
  }
  return buffer;
}

namespace {

// Bytes in the unit of the mean: "12.60 ± 0.03 MB".
std::string bytes_with_interval(const analysis::SampleStats& s) {
  if (std::isnan(s.mean)) return "-";
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double scale = 1;
  int u = 0;
  while (s.mean / scale >= 1000 && u < 4) {
    scale *= 1000;
    ++u;
  }
  std::string text = with_interval(s.mean / scale, s.ci / scale);
  if (!(s.ci > 0) && u > 0) text = fixed(s.mean / scale, "%.2f");
  return text + " " + units[u];
}

std::string status_text(const analysis::VariantStats& v) {
  std::string text;
  for (const auto& [name, n] : v.status)
    if (n > 0) text += (text.empty() ? "" : ", ") + std::to_string(n) + " " + name;
  return text.empty() ? "-" : text;
}

}  // namespace

std::string study_table(const analysis::StudyStats& study) {
  using analysis::TextTable;
  const auto R = TextTable::Align::RIGHT, L = TextTable::Align::LEFT;
  TextTable table({L, L, L, R, R, R, R, R, R, R, R, R, R, R});
  const bool target = study.metric == analysis::SpeedupMetric::TIME_TO_TARGET;
  // The speed-up column only where there is something to compare.
  const bool compare = study.variants.size() > 1;
  // Classifiers: test accuracy at the end, its best, and the time to the target accuracy, before the speed-up.
  auto add = [&](std::vector<std::string> cells, std::vector<std::string> accuracy) {
    std::string speedup = std::move(cells.back());
    cells.pop_back();
    if (study.classifier) cells.insert(cells.end(), accuracy.begin(), accuracy.end());
    if (compare) cells.push_back(std::move(speedup));
    table.row(std::move(cells));
  };
  add({"variant", "algorithm", "runs", "time [s]", "s/iter", "final loss", "to target [s]", "rounds", "bytes", "zeta",
       "speed-up"},
      {"test acc", "best acc", "to acc [s]"});
  for (std::size_t i = 0; i < study.variants.size(); ++i) {
    const auto& v = study.variants[i];
    std::string to_target = "-";
    if (v.reached >= 0) {
      to_target = with_interval(v.time_to_target.mean, v.time_to_target.ci) + " (" + std::to_string(v.reached) + "/" +
                  std::to_string(v.repetitions) + ")";
    }
    std::string speedup = "-";
    if (i == study.baseline) {
      speedup = "baseline";
    } else if (!std::isnan(v.speedup.value)) {
      speedup = with_interval(v.speedup.value, v.speedup.ci, "%.2f") + "x";
    }
    std::string to_accuracy = "-";
    if (v.reached_accuracy >= 0) {
      to_accuracy = with_interval(v.time_to_target_accuracy.mean, v.time_to_target_accuracy.ci) + " (" +
                    std::to_string(v.reached_accuracy) + "/" + std::to_string(v.repetitions) + ")";
    }
    add({v.label, v.algorithm, status_text(v), with_interval(v.time.mean, v.time.ci),
         with_interval(v.mean_iteration_time.mean, v.mean_iteration_time.ci),
         with_interval(v.final_loss.mean, v.final_loss.ci, "%.6g"), to_target,
         with_interval(v.comm_rounds.mean, v.comm_rounds.ci), bytes_with_interval(v.bytes),
         fixed(v.zeta, "%.4g"), speedup},
        {with_interval(v.final_test_accuracy.mean, v.final_test_accuracy.ci, "%.4f"),
         with_interval(v.best_test_accuracy.mean, v.best_test_accuracy.ci, "%.4f"), to_accuracy});
  }
  std::ostringstream out;
  table.print(out, "");
  bool intervals = false;
  for (const auto& v : study.variants) intervals = intervals || v.time.n > 1;
  if (intervals) out << "mean ± half-width of the 95% confidence interval (Student t) over the completed repetitions\n";
  if (compare) {
    out << "speed-up: mean " << (target ? "time to target" : "time per iteration") << " of the baseline ("
        << study.variants[study.baseline].label << ") / that of the variant"
        << (intervals ? ", delta-method interval" : "") << "\n";
  }
  return out.str();
}

std::vector<LabelledSummary> read_summaries(const std::filesystem::path& run_dir, const std::string& label) {
  const auto j = read_summary(run_dir / "summary.json");
  std::vector<LabelledSummary> rows;
  for (const auto& run : j.at("runs")) {
    RunSummary s;
    s.run = run.at("run").get<int>();
    const auto status = run.at("status").get<std::string>();
    s.status = RunStatus::FAILED;
    for (RunStatus known :
         {RunStatus::COMPLETED, RunStatus::DIVERGED, RunStatus::FAILED, RunStatus::INTERRUPTED, RunStatus::STALLED})
      if (status == status_name(known)) s.status = known;
    s.stop_reason = text_or(run, "stop_reason", "");
    s.reason = text_or(run, "reason", "");
    s.iterations = run.at("iterations").get<std::int64_t>();
    s.time = number_or_nan(run, "time");
    s.final_loss = number_or_nan(run, "final_loss");
    s.time_to_target = number_or_nan(run, "time_to_target");
    s.comm_rounds = run.at("comm_rounds").get<std::int64_t>();
    s.bytes = run.at("bytes").get<std::uint64_t>();
    s.mean_iteration_time = number_or_nan(run, "mean_iteration_time");
    s.zeta = number_or_nan(run, "zeta");
    s.classifier = run.contains("final_test_accuracy");
    s.final_test_accuracy = number_or_nan(run, "final_test_accuracy");
    s.best_test_accuracy = number_or_nan(run, "best_test_accuracy");
    s.time_to_target_accuracy = number_or_nan(run, "time_to_target_accuracy");
    rows.push_back({label, text_or(j, "algorithm", ""), s});
  }
  return rows;
}

Progress::Progress(bool quiet) : quiet_(quiet), terminal_(isatty(STDERR_FILENO) != 0), started_(wall_seconds()) {}

Progress::~Progress() {
  if (drawn_) std::cerr << "\r\033[K" << std::flush;
}

void Progress::show(const std::string& text, bool force) {
  if (quiet_) return;
  const double now = wall_seconds();
  if (terminal_) {
    if (!force && now - last_ < 0.2) return;
    last_ = now;
    drawn_ = true;
    std::cerr << "\r\033[K" << text << std::flush;
    return;
  }
  if (now - std::max(last_, started_) < 5.0) return;
  last_ = now;
  std::cerr << "progress: " << text << "\n" << std::flush;
}

void Progress::note(const std::string& text) {
  if (quiet_) return;
  if (drawn_) std::cerr << "\r\033[K";
  std::cerr << text << "\n" << std::flush;
  last_ = -1;  // redraw the line below it at the next show()
  if (!terminal_) last_ = wall_seconds();
}

namespace {

std::string duration_text(double seconds) {
  char buffer[32];
  if (seconds < 120) {
    std::snprintf(buffer, sizeof buffer, "%.0f s", seconds);
  } else if (seconds < 7200) {
    std::snprintf(buffer, sizeof buffer, "%.0f min", seconds / 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1f h", seconds / 3600);
  }
  return buffer;
}

}  // namespace

ProgressLine::ProgressLine(std::string label, std::int64_t iterations, int repetitions, bool quiet)
    : label_(std::move(label)),
      iterations_(iterations),
      repetitions_(std::max(repetitions, 1)),
      started_(wall_seconds()),
      progress_(quiet) {}

void ProgressLine::iteration(const IterationRecord& r) {
  if (progress_.quiet()) return;
  std::string text = label_ + "  rep " + std::to_string(r.run) + "  iteration " + std::to_string(r.iteration);
  if (iterations_ > 0) text += "/" + std::to_string(iterations_);
  text += "  time " + fixed(r.time, "%.4g") + " s  loss " + fixed(r.loss, "%.6g");
  if (iterations_ > 0 && r.iteration > 0) {
    // Repetitions run one after another: the fraction done over all of them, at the pace so far.
    const double done = (r.run + static_cast<double>(r.iteration) / static_cast<double>(iterations_)) / repetitions_;
    const double elapsed = wall_seconds() - started_;
    if (done > 0 && done < 1) text += "  ETA " + duration_text(elapsed / done - elapsed);
  }
  progress_.show(text);
}

TaskProgress::TaskProgress(int total, bool quiet, bool verbose)
    : total_(total), verbose_(verbose), progress_(quiet), started_(wall_seconds()) {}

std::string TaskProgress::text() const {
  const double now = wall_seconds();
  std::string text = std::to_string(done_) + "/" + std::to_string(total_) + " repetitions done, " +
                     std::to_string(running_) + " running, " + duration_text(now - started_) + " elapsed";
  if (done_ > 0 && done_ < total_) text += ", ETA " + duration_text(std::max(eta_ - (now - eta_at_), 0.0));
  return text;
}

void TaskProgress::finished(const std::string& what, int status, bool mine) {
  ++done_;
  if (mine) --running_;
  // Repetitions of a study cost about the same: the remaining ones at the average pace so far, counting down until
  // the next one finishes.
  eta_at_ = wall_seconds();
  eta_ = (eta_at_ - started_) / done_ * (total_ - done_);
  if (verbose_)
    progress_.note("done " + std::to_string(done_) + "/" + std::to_string(total_) + ": " + what +
                   (status == 0 ? "" : " (failed, exit status " + std::to_string(status) + ")"));
  progress_.show(text(), true);
}

void TaskProgress::tick() { progress_.show(text()); }

std::string compare_runs(const std::filesystem::path& a, const std::filesystem::path& b) {
  const auto ja = read_summary(a / "summary.json");
  const auto jb = read_summary(b / "summary.json");
  const auto ta = iteration_times(a);
  const auto tb = iteration_times(b);
  auto stats = [](const std::vector<double>& t) {
    double mean = 0, var = 0;
    for (double v : t) mean += v;
    mean /= std::max<std::size_t>(t.size(), 1);
    for (double v : t) var += (v - mean) * (v - mean);
    var /= std::max<std::size_t>(t.size() > 1 ? t.size() - 1 : 1, 1);
    return std::pair{mean, std::sqrt(var)};
  };
  const auto [ma, sa] = stats(ta);
  const auto [mb, sb] = stats(tb);
  std::ostringstream out;
  char line[512];
  std::snprintf(line, sizeof line, "%-28s %-30s %-30s\n", "", a.string().c_str(), b.string().c_str());
  out << line;
  std::snprintf(line, sizeof line, "%-28s %-30s %-30s\n", "backend", text_or(ja, "backend", "?").c_str(),
                text_or(jb, "backend", "?").c_str());
  out << line;
  std::snprintf(line, sizeof line, "%-28s %-30s %-30s\n", "algorithm", text_or(ja, "algorithm", "?").c_str(),
                text_or(jb, "algorithm", "?").c_str());
  out << line;
  std::snprintf(line, sizeof line, "%-28s %-30zu %-30zu\n", "iterations (run 0)", ta.size(), tb.size());
  out << line;
  std::snprintf(line, sizeof line, "%-28s %-30s %-30s\n", "mean iteration time [s]", fixed(ma, "%.6g").c_str(),
                fixed(mb, "%.6g").c_str());
  out << line;
  std::snprintf(line, sizeof line, "%-28s %-30s %-30s\n", "std. dev. [s]", fixed(sa, "%.6g").c_str(),
                fixed(sb, "%.6g").c_str());
  out << line;
  std::snprintf(line, sizeof line, "%-28s %s\n", "ratio A / B", fixed(mb > 0 ? ma / mb : NOT_EVALUATED, "%.4f").c_str());
  out << line;
  return out.str();
}

}  // namespace sgdsim::cli
