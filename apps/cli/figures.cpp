// Figure sets: data files and figures.json, the drawing script found and run, run and study directories read back.
#include "figures.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "console.hpp"
#include "sgdsim/analysis/run_tables.hpp"
#include "sgdsim/core/scenario/json_text.hpp"
#include "sgdsim/error.hpp"

extern char** environ;

namespace sgdsim::cli {

namespace fs = std::filesystem;

FigureSet::FigureSet(fs::path dir) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) SGDSIM_THROW(Error, "cannot create the figure directory " + dir_.string() + ": " + ec.message());
}

void FigureSet::add(Figure figure, const std::string& csv) {
  write_file_atomically(dir_ / (figure.name + ".csv"), csv);
  figures_.push_back(std::move(figure));
}

void FigureSet::write_index() const {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& f : figures_) {
    nlohmann::ordered_json entry = {{"name", f.name},   {"kind", f.kind},     {"data", f.name + ".csv"},
                                    {"title", f.title}, {"xlabel", f.xlabel}, {"ylabel", f.ylabel},
                                    {"logx", f.logx},   {"logy", f.logy},     {"caption", f.caption}};
    for (const auto& [key, value] : f.extra) entry[key] = value;
    list.push_back(entry);
  }
  write_file_atomically(dir_ / "figures.json", nlohmann::ordered_json{{"figures", list}}.dump(2) + "\n");
}

fs::path plot_script() {
  if (const char* env = std::getenv("SGDSIM_PLOT_SCRIPT"); env != nullptr && *env != '\0') {
    if (!fs::is_regular_file(env)) SGDSIM_THROW(ConfigError, std::string("SGDSIM_PLOT_SCRIPT: no such file: ") + env);
    return env;
  }
  std::vector<fs::path> candidates;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(exe.parent_path().parent_path() / "share" / "sgdsim" / "sgdsim_plot.py");
  candidates.emplace_back(SGDSIM_PLOT_SCRIPT_SOURCE);
  candidates.emplace_back(SGDSIM_PLOT_SCRIPT_INSTALLED);
  for (const auto& c : candidates)
    if (fs::is_regular_file(c)) return c;
  SGDSIM_THROW(Error, "the drawing script sgdsim_plot.py is neither installed (" + candidates.back().string() +
                          ") nor in the source tree; set SGDSIM_PLOT_SCRIPT");
}

void draw_figures(const FigureSet& set) {
  const char* env = std::getenv("SGDSIM_PYTHON");
  const std::string python = env != nullptr && *env != '\0' ? env : "/usr/bin/python3";
  if (access(python.c_str(), X_OK) != 0) {
    SGDSIM_THROW(Error, "cannot draw the figures: no Python interpreter at " + python +
                            " (install python3-matplotlib, e.g. make deps, or set SGDSIM_PYTHON); their data is in " +
                            set.dir().string());
  }
  const std::string script = plot_script().string();
  const std::string dir = set.dir().string();
  std::vector<char*> argv = {const_cast<char*>(python.c_str()), const_cast<char*>(script.c_str()),
                             const_cast<char*>(dir.c_str()), nullptr};
  pid_t pid = 0;
  if (posix_spawn(&pid, python.c_str(), nullptr, nullptr, argv.data(), environ) != 0)
    SGDSIM_THROW(Error, "cannot start " + python);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) SGDSIM_THROW(Error, "waiting for " + python + " failed");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
    SGDSIM_THROW(Error, "cannot draw the figures: matplotlib is not installed for " + python +
                            " (install python3-matplotlib, e.g. make deps); their data is in " + dir);
  }
  SGDSIM_THROW(Error,
               "drawing the figures failed (" + python + " " + script + " " + dir + "); their data is in " + dir);
}

std::string read_text_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) SGDSIM_THROW(ConfigError, file.string() + ": cannot read (is this a run directory?)");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::ordered_json read_json_file(const fs::path& file) {
  const std::string text = read_text_file(file);
  check_json_text(text, file.string());  // depth and number range: exit 2 naming file:line:column, not a crash
  try {
    return nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    SGDSIM_THROW(DataError, file.string() + ": not valid JSON: " + e.what());
  }
}

namespace {

PlottedRun read_plotted_run(const fs::path& dir, const std::string& label) {
  if (!fs::is_regular_file(dir / "summary.json"))
    SGDSIM_THROW(ConfigError, dir.string() + ": not a complete run directory (no summary.json)");
  PlottedRun run;
  run.label = label;
  run.dir = dir;
  run.backend = read_json_file(dir / "summary.json").value("backend", "simgrid");
  for (const auto& s : read_summaries(dir, label))
    if (s.summary.status == RunStatus::COMPLETED) run.completed.push_back(s.summary.run);
  run.iterations = analysis::read_trace_csv(dir / "trace.csv");
  run.workers = analysis::read_workers_csv(dir / "workers.csv");
  run.scenario_json = read_text_file(dir / "scenario.json");
  try {
    run.scenario = parse_scenario(run.scenario_json);
  } catch (const ConfigError&) {
    // e.g. an algorithm this sgdsim does not know: the figures that need the scenario (closed forms) are left out.
  }
  return run;
}

}  // namespace

PlottedDirectory read_plotted_directory(const fs::path& dir) {
  PlottedDirectory out;
  const bool has_study = fs::is_regular_file(dir / "study.json");
  if (has_study)
    out.stats = analysis::parse_study_json(read_text_file(dir / "study.json"), (dir / "study.json").string());
  if (fs::is_regular_file(dir / "summary.json")) {
    const std::string label = out.stats ? out.stats->variants.front().label : dir.filename().string();
    out.runs.push_back(read_plotted_run(dir, label));
    return out;
  }
  if (!has_study) {
    SGDSIM_THROW(ConfigError,
                 dir.string() + ": neither a run directory (summary.json) nor a study directory " + "(study.json)");
  }
  out.study = true;
  for (const auto& v : out.stats->variants) {
    if (fs::is_regular_file(dir / v.label / "summary.json")) {
      out.runs.push_back(read_plotted_run(dir / v.label, v.label));
    } else {
      std::cerr << "note: " << v.label << " has no run directory (its repetitions failed): left out of the figures\n";
    }
  }
  if (out.runs.empty()) SGDSIM_THROW(ConfigError, dir.string() + ": no variant of this study has a run directory");
  return out;
}

}  // namespace sgdsim::cli
