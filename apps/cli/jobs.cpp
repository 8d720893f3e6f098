// Jobs: a scenario file with --set overrides, and each variant (and sweep point) of a study as its own scenario.
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "sgdsim/core/scenario/json_text.hpp"
#include "sgdsim/core/scenario/variants.hpp"
#include "sgdsim/core/trace/trace.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim::cli {

std::vector<std::string> Options::simgrid_args() const {
  std::vector<std::string> args;
  for (const auto& c : simgrid_cfg) args.push_back("--cfg=" + c);
  for (const auto& l : simgrid_log) args.push_back("--log=" + l);
  return args;
}

namespace {

Plan split_plan(const Options& o) {
  const std::filesystem::path file = o.scenario;
  const Study study = read_study(file);
  const auto base_dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  Plan plan;
  if (study.variants.empty()) {
    if (!o.variant.empty()) SGDSIM_THROW(ConfigError, "--variant " + o.variant + ": the scenario has no variants");
    // --out is the run's output.dir, in the resolved scenario the run directory records too (as for a variant).
    std::vector<std::string> sets = o.sets;
    if (!o.out.empty()) sets.push_back("output.dir=" + nlohmann::json(o.out).dump());
    Job job{"", load_scenario(file, sets), {}};
    job.label = job.scenario.name;
    plan.name = job.scenario.name;
    plan.dir = job.scenario.output.dir;
    plan.jobs.push_back(std::move(job));
    return plan;
  }
  // A variant is the base scenario plus the variant's overrides plus the command line's (which win). It is named
  // <base name>-<label> and writes to <base output.dir>/<label>, or exactly to --out when one variant is chosen.
  const auto doc = nlohmann::json::parse(study.base_json);
  const std::string base_name =
      doc.contains("name") && doc["name"].is_string() ? doc["name"].get<std::string>() : file.stem().string();
  plan.name = base_name;
  for (const auto& v : study.variants) {
    if (!o.variant.empty() && v.label != o.variant) continue;
    std::vector<std::string> sets = v.overrides;
    sets.insert(sets.end(), o.sets.begin(), o.sets.end());
    sets.push_back("name=" + nlohmann::json(base_name).dump());
    try {
      const Scenario named_as_base = parse_scenario(study.base_json, sets, base_dir);
      plan.dir = o.out.empty() ? named_as_base.output.dir : std::filesystem::path(o.out);
      std::filesystem::path dir = plan.dir / v.label;
      if (!o.variant.empty() && !o.out.empty()) dir = o.out;
      sets.back() = "name=" + nlohmann::json(base_name + "-" + v.label).dump();
      sets.push_back("output.dir=" + nlohmann::json(dir.string()).dump());
      Scenario s = parse_scenario(study.base_json, sets, base_dir);
      s.source = file;
      if (v.label == study.baseline) plan.baseline = plan.jobs.size();
      plan.jobs.push_back({v.label, std::move(s), v.point});
    } catch (const ConfigError& e) {
      SGDSIM_THROW(ConfigError, "variant " + v.label + ": " + e.what());
    }
  }
  if (plan.jobs.empty()) SGDSIM_THROW(ConfigError, "--variant " + o.variant + ": no variant has this label");
  plan.study = o.variant.empty();
  plan.swept_paths = study.swept_paths;
  // One chosen variant is a run of its own: its statistics, if any, go to its run directory.
  if (!plan.study) plan.dir = plan.jobs.front().scenario.output.dir;
  return plan;
}

}  // namespace

Plan resolve_plan(const Options& o) {
  // --out becomes the resolved scenario's output.dir, a JSON string: it must be UTF-8.
  if (invalid_utf8_at(o.out) != std::string::npos) SGDSIM_THROW(ConfigError, "--out: is not valid UTF-8");
  Plan plan = split_plan(o);
  for (const auto& job : plan.jobs) check_files(job.scenario);
  return plan;
}

std::vector<Job> resolve_jobs(const Options& o) { return resolve_plan(o).jobs; }

MemoryGuard memory_guard(const Options& o, const Job& job, Placement placement, int processes) {
  return MemoryGuard(job.scenario, placement, memory_budget(o.max_memory, processes));
}

int ranks_on_this_machine() {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"}) {
    if (const char* value = std::getenv(name)) {
      const int n = std::atoi(value);
      if (n > 0) return n;
    }
  }
  return 1;
}

std::string now_utc() { return utc_timestamp(std::chrono::system_clock::now()); }

std::string host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

}  // namespace sgdsim::cli
