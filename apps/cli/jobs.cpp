// Jobs: a scenario file with --set overrides, and each variant of a study as its own scenario.
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "sgdsim/core/scenario/json_text.hpp"
#include "sgdsim/core/scenario/variants.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim::cli {
namespace {

std::vector<Job> split_jobs(const Options& o) {
  const std::filesystem::path file = o.scenario;
  const Study study = read_study(file);
  const auto base_dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  if (study.variants.empty()) {
    if (!o.variant.empty()) SGDSIM_THROW(ConfigError, "--variant " + o.variant + ": the scenario has no variants");
    Job job{"", load_scenario(file, o.sets)};
    if (!o.out.empty()) job.scenario.output.dir = o.out;
    job.label = job.scenario.name;
    return {job};
  }
  // A variant is the base scenario plus the variant's overrides plus the command line's (which win). It is named
  // <base name>-<label> and writes to <base output.dir>/<label>, or exactly to --out when one variant is chosen.
  const auto doc = nlohmann::json::parse(study.base_json);
  const std::string base_name = doc.contains("name") && doc["name"].is_string() ? doc["name"].get<std::string>()
                                                                                : file.stem().string();
  std::vector<Job> jobs;
  for (const auto& v : study.variants) {
    if (!o.variant.empty() && v.label != o.variant) continue;
    std::vector<std::string> sets = v.overrides;
    sets.insert(sets.end(), o.sets.begin(), o.sets.end());
    sets.push_back("name=" + nlohmann::json(base_name).dump());
    const Scenario named_as_base = parse_scenario(study.base_json, sets, base_dir);
    std::filesystem::path dir = named_as_base.output.dir / v.label;
    if (!o.out.empty()) dir = o.variant.empty() ? std::filesystem::path(o.out) / v.label : std::filesystem::path(o.out);
    sets.back() = "name=" + nlohmann::json(base_name + "-" + v.label).dump();
    sets.push_back("output.dir=" + nlohmann::json(dir.string()).dump());
    Scenario s = parse_scenario(study.base_json, sets, base_dir);
    s.source = file;
    jobs.push_back({v.label, std::move(s)});
  }
  if (jobs.empty()) SGDSIM_THROW(ConfigError, "--variant " + o.variant + ": no variant has this label");
  return jobs;
}

}  // namespace

std::vector<Job> resolve_jobs(const Options& o) {
  // --out becomes the resolved scenario's output.dir, a JSON string: it must be UTF-8.
  if (invalid_utf8_at(o.out) != std::string::npos) SGDSIM_THROW(ConfigError, "--out: is not valid UTF-8");
  std::vector<Job> jobs = split_jobs(o);
  for (const auto& job : jobs) check_files(job.scenario);
  return jobs;
}

MemoryGuard memory_guard(const Options& o, const Job& job, Placement placement, int processes) {
  return MemoryGuard(job.scenario, placement, memory_budget(o.max_memory, processes));
}

}  // namespace sgdsim::cli
