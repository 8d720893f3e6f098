// Console output: summary tables, the progress line, and the comparison of two run directories.
#include "console.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

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
  std::ifstream in(file, std::ios::binary);
  if (!in) SGDSIM_THROW(ConfigError, file.string() + ": cannot read (is this a run directory?)");
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json j;
  try {
    j = parse_json_text(text.str(), file.string());
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

std::string summary_table(const std::vector<LabelledSummary>& rows) {
  // A study (several rows) also gets the speed-up of each row over the first: the ratio of times to target when the
  // first reached it, otherwise the ratio of mean iteration times.
  const bool study = rows.size() > 1;
  std::ostringstream out;
  char line[512];
  std::snprintf(line, sizeof line, "%-18s %-18s %3s %-10s %10s %12s %11s %12s %12s %8s %11s%s\n", "run", "algorithm",
                "rep", "status", "iterations", "time [s]", "s/iter", "final loss", "to target", "rounds", "bytes",
                study ? "  speedup" : "");
  out << line;
  for (const auto& r : rows) {
    const auto& s = r.summary;
    const auto& first = rows.front().summary;
    // Once the first row reached the target, rows are compared by time to target (none for a row that did not).
    double speedup = NOT_EVALUATED;
    if (!std::isnan(first.time_to_target)) {
      if (!std::isnan(s.time_to_target) && s.time_to_target > 0) speedup = first.time_to_target / s.time_to_target;
    } else if (s.mean_iteration_time > 0) {
      speedup = first.mean_iteration_time / s.mean_iteration_time;
    }
    std::snprintf(line, sizeof line, "%-18s %-18s %3d %-10s %10lld %12s %11s %12s %12s %8lld %11s", r.label.c_str(),
                  r.algorithm.c_str(), s.run, status_name(s.status), static_cast<long long>(s.iterations),
                  fixed(s.time, "%.4g").c_str(), fixed(s.mean_iteration_time, "%.4g").c_str(),
                  fixed(s.final_loss, "%.6g").c_str(), fixed(s.time_to_target, "%.4g").c_str(),
                  static_cast<long long>(s.comm_rounds), bytes_text(s.bytes).c_str());
    out << line;
    if (study) {
      std::snprintf(line, sizeof line, "  %8s", fixed(speedup, "%.2fx").c_str());
      out << line;
    }
    out << "\n";
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
    s.status = status == "completed" ? RunStatus::COMPLETED
               : status == "diverged" ? RunStatus::DIVERGED
                                      : RunStatus::FAILED;
    s.stop_reason = text_or(run, "stop_reason", "");
    s.iterations = run.at("iterations").get<std::int64_t>();
    s.time = number_or_nan(run, "time");
    s.final_loss = number_or_nan(run, "final_loss");
    s.time_to_target = number_or_nan(run, "time_to_target");
    s.comm_rounds = run.at("comm_rounds").get<std::int64_t>();
    s.bytes = run.at("bytes").get<std::uint64_t>();
    s.mean_iteration_time = number_or_nan(run, "mean_iteration_time");
    rows.push_back({label, text_or(j, "algorithm", ""), s});
  }
  return rows;
}

ProgressLine::ProgressLine(std::string label) : label_(std::move(label)), enabled_(isatty(STDERR_FILENO) != 0) {}

ProgressLine::~ProgressLine() {
  if (drawn_) std::cerr << "\r\033[K" << std::flush;
}

void ProgressLine::iteration(const IterationRecord& r) {
  if (!enabled_) return;
  const double now = wall_seconds();
  if (now - last_draw_ < 0.2) return;
  last_draw_ = now;
  drawn_ = true;
  std::cerr << "\r\033[K" << label_ << "  rep " << r.run << "  iteration " << r.iteration << "  time "
            << fixed(r.time, "%.4g") << " s  loss " << fixed(r.loss, "%.6g") << std::flush;
}

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
