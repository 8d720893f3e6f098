// Figures of `sgdsim plot`, `report` and `calibrate`: each one's data written as CSV beside it, the list of them in
// figures.json, drawn as PNG and SVG by the Python script tools/plot/sgdsim_plot.py (matplotlib).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sgdsim/analysis/study_stats.hpp"
#include "sgdsim/core/scenario/scenario.hpp"
#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim::cli {

// A file's contents (ConfigError when it cannot be read), and a JSON file parsed (DataError naming it if invalid).
std::string read_text_file(const std::filesystem::path& file);
nlohmann::ordered_json read_json_file(const std::filesystem::path& file);

// Every member has a default, so that figures are written with designated initializers naming only what they set.
struct Figure {
  std::string name{};  // file stem: <name>.csv (its data), <name>.png, <name>.svg
  std::string kind{};  // how the script draws it: curves, cdf, timeline, bars, sweep, qq
  std::string title{}, xlabel{}, ylabel{};
  bool logx = false, logy = false;
  std::vector<std::pair<std::string, std::string>> extra{};  // further keys the kind reads (e.g. sweep: swept)
  std::string caption{};                                     // one sentence for the report
};

// A folder of figures being prepared.
class FigureSet {
 public:
  explicit FigureSet(std::filesystem::path dir);
  // Writes <dir>/<figure.name>.csv and lists the figure.
  void add(Figure figure, const std::string& csv);
  // figures.json: every figure listed, in the order added.
  void write_index() const;
  const std::filesystem::path& dir() const { return dir_; }
  const std::vector<Figure>& figures() const { return figures_; }

 private:
  std::filesystem::path dir_;
  std::vector<Figure> figures_;
};

// The drawing script: $SGDSIM_PLOT_SCRIPT; else share/sgdsim/sgdsim_plot.py beside the running program's bin/ (an
// installed sgdsim, wherever the prefix was moved); else the source tree's (a build tree); else the configured
// install prefix's (a program linking the installed sgdsim::cli). Error when none exists.
std::filesystem::path plot_script();

// Draws every figure of the set's figures.json as PNG and SVG with $SGDSIM_PYTHON (default /usr/bin/python3, the
// interpreter Debian's python3-matplotlib is installed for). Error saying why when it cannot (no interpreter, no
// matplotlib: "install python3-matplotlib, e.g. make deps"); the data files stay.
void draw_figures(const FigureSet& set);

// A run or study directory read for its figures: each variant's run records and scenario.
struct PlottedRun {
  std::string label;
  std::filesystem::path dir;
  std::string backend;                      // simgrid or mpi (summary.json)
  std::vector<int> completed;               // repetitions with status completed
  std::vector<IterationRecord> iterations;  // trace.csv
  std::vector<WorkerRecord> workers;        // workers.csv
  std::optional<Scenario> scenario;         // scenario.json parsed (empty if it does not parse here)
  std::string scenario_json;                // scenario.json as written
};
struct PlottedDirectory {
  bool study = false;                         // a study directory (study.json, a run directory per variant)
  std::optional<analysis::StudyStats> stats;  // study.json, when there is one (also in a run directory with reps)
  std::vector<PlottedRun> runs;
};
// DataError / ConfigError naming the file when `dir` is neither a run directory (summary.json) nor a study directory
// (study.json with a run directory <dir>/<label> per variant).
PlottedDirectory read_plotted_directory(const std::filesystem::path& dir);

struct PlotOptions {
  bool logx = false;       // loss against time on a log time axis
  std::int64_t first = 1;  // timeline window: iterations first..last
  std::int64_t last = 10;
  int run = 0;  // timeline: this repetition
};
// Every figure of a run or study directory, with its data, into `out` (figures.json included); nothing drawn yet.
FigureSet prepare_figures(const PlottedDirectory& input, const std::filesystem::path& out, const PlotOptions& options);

}  // namespace sgdsim::cli
