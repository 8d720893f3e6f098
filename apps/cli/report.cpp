// `sgdsim report STUDY_DIR`: report.md — the study's table, its provenance, the figures (drawn by `sgdsim plot`) with
// captions, and the resolved scenario with what each variant changes in it.
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "console.hpp"
#include "figures.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim::cli {

namespace fs = std::filesystem;

namespace {

using json = nlohmann::ordered_json;

// Every leaf of a JSON document by its dotted path (arrays as one value).
void flatten(const json& j, const std::string& path, std::vector<std::pair<std::string, std::string>>& out) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) flatten(value, path.empty() ? key : path + "." + key, out);
  } else {
    out.emplace_back(path, j.dump());
  }
}

// The keys in which `other` differs from `base` (name and output.dir apart: every run has its own).
std::vector<std::pair<std::string, std::string>> differences(const json& base, const json& other) {
  std::vector<std::pair<std::string, std::string>> a, b, out;
  flatten(base, "", a);
  flatten(other, "", b);
  for (const auto& [path, value] : b) {
    if (path == "name" || path == "output.dir") continue;
    const auto it = std::find_if(a.begin(), a.end(), [&](const auto& p) { return p.first == path; });
    if (it == a.end() || it->second != value) out.emplace_back(path, value);
  }
  for (const auto& [path, value] : a) {
    if (std::none_of(b.begin(), b.end(), [&](const auto& p) { return p.first == path; }))
      out.emplace_back(path, "(none)");
  }
  return out;
}

std::string provenance_lines(const json& p) {
  std::ostringstream out;
  auto text = [&](const char* key) { return p.contains(key) && p[key].is_string() ? p[key].get<std::string>() : ""; };
  out << "- sgdsim " << text("sgdsim_version") << ", `" << text("command") << "`\n";
  out << "- ran " << text("started") << " to " << text("finished") << " (UTC) on";
  if (p.contains("hosts"))
    for (const auto& h : p["hosts"]) out << " " << h.get<std::string>();
  out << "\n";
  if (p.contains("libraries") && !p["libraries"].empty()) {
    out << "- libraries:";
    for (const auto& [name, version] : p["libraries"].items()) out << " " << name << " " << version.get<std::string>();
    out << "\n";
  }
  return out.str();
}

std::string report_markdown(const fs::path& dir, const PlottedDirectory& in, const FigureSet& figures,
                            const fs::path& report_file) {
  std::ostringstream out;
  const std::string name = in.stats ? in.stats->name : in.runs.front().label;
  out << "# " << name << "\n\n";
  const fs::path provenance_file = in.study ? dir / "study.json" : dir / "summary.json";
  const json doc = read_json_file(provenance_file);
  if (doc.contains("provenance")) out << provenance_lines(doc["provenance"]) << "\n";

  out << "## Results\n\n```text\n";
  if (in.stats) {
    out << study_table(*in.stats);
  } else {
    out << summary_table(read_summaries(in.runs.front().dir, in.runs.front().label));
  }
  out << "```\n\nColumns and units: sgdsim's docs/outputs.md; the numbers: "
      << (in.stats ? "study.csv, study.json" : "summary.json") << ".\n\n";

  out << "## Figures\n\n";
  const fs::path relative = fs::relative(figures.dir(), report_file.parent_path());
  for (const auto& f : figures.figures()) {
    out << "### " << f.title << "\n\n![" << f.name << "](" << (relative / (f.name + ".png")).generic_string() << ")\n\n"
        << f.caption << " Data: [" << f.name << ".csv](" << (relative / (f.name + ".csv")).generic_string()
        << "), vector: [" << f.name << ".svg](" << (relative / (f.name + ".svg")).generic_string() << ").\n\n";
  }

  out << "## Scenario\n\n";
  const auto& first = in.runs.front();
  out << "The resolved scenario" << (in.runs.size() > 1 ? " of " + first.label : "")
      << " (every key with its value, defaults filled in):\n\n```json\n"
      << first.scenario_json;
  if (first.scenario_json.empty() || first.scenario_json.back() != '\n') out << "\n";
  out << "```\n";
  if (in.runs.size() > 1) {
    out << "\nWhat the other runs change in it:\n\n| run | key | value |\n|---|---|---|\n";
    const json base = json::parse(first.scenario_json);
    for (std::size_t i = 1; i < in.runs.size(); ++i) {
      for (const auto& [path, value] : differences(base, json::parse(in.runs[i].scenario_json)))
        out << "| " << in.runs[i].label << " | `" << path << "` | `" << value << "` |\n";
    }
  }
  return out.str();
}

}  // namespace

int cmd_report(const Options& o) {
  const fs::path dir = o.dir;
  const fs::path file = fs::absolute(o.out.empty() ? dir / "report.md" : fs::path(o.out));
  PlotOptions options;
  options.logx = o.logx;
  const PlottedDirectory in = read_plotted_directory(dir);
  const FigureSet figures = prepare_figures(in, file.parent_path() / "figures", options);
  draw_figures(figures);
  write_file_atomically(file, report_markdown(dir, in, figures, file));
  std::cout << "report: " << file.string() << " (" << figures.figures().size() << " figures in "
            << figures.dir().string() << ")\n";
  return EXIT_OK;
}

}  // namespace sgdsim::cli
