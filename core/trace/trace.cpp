// The run directory: trace.csv, workers.csv, summary.json and scenario.json, each written atomically.
#include "sgdsim/core/trace/trace.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sgdsim/error.hpp"

namespace sgdsim {

std::string csv_number(double v) {
  if (std::isnan(v)) return "";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

namespace {

nlohmann::json json_number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

// A model-averaging run (some row ends an averaging round) also gets the columns tau and consensus; other algorithms'
// files stay as they were.
// With cluster.failures, the column live (workers not known to have failed) comes last.
std::string trace_csv(const std::vector<IterationRecord>& rows, bool classifier, bool failures) {
  const bool averaging = std::any_of(rows.begin(), rows.end(), [](const IterationRecord& r) { return r.tau > 0; });
  std::ostringstream out;
  out << "run,iteration,time,loss,grad_norm,comm_rounds,bytes,waited_for"
      << (classifier ? ",accuracy,test_loss,test_accuracy" : "") << (averaging ? ",tau,consensus" : "")
      << (failures ? ",live" : "") << "\n";
  for (const auto& r : rows) {
    out << r.run << ',' << r.iteration << ',' << csv_number(r.time) << ',' << csv_number(r.loss) << ','
        << csv_number(r.grad_norm) << ',' << r.comm_rounds << ',' << r.bytes << ',' << r.waited_for;
    if (classifier)
      out << ',' << csv_number(r.accuracy) << ',' << csv_number(r.test_loss) << ',' << csv_number(r.test_accuracy);
    if (averaging) {
      out << ',';
      if (r.tau > 0) out << r.tau;  // empty: no averaging round ended at this iteration
      out << ',' << csv_number(r.consensus);
    }
    if (failures) out << ',' << r.live;
    out << '\n';
  }
  return out.str();
}

// Whether the resolved scenario is a classifier's (problem.model set): its files carry the accuracy figures.
bool is_classifier(const nlohmann::json& scenario) {
  return scenario.contains("problem") && scenario["problem"].contains("model");
}

// Only the iterations divisible by `every` (output.workers: every N-th; 0: none, the header alone).
std::string workers_csv(const std::vector<WorkerRecord>& rows, int every) {
  std::ostringstream out;
  out << "run,iteration,worker,start,compute,arrival,computed,used,dropped\n";
  if (every <= 0) return out.str();
  for (const auto& r : rows)
    if (r.iteration % every == 0)
      out << r.run << ',' << r.iteration << ',' << r.worker << ',' << csv_number(r.start) << ','
          << csv_number(r.compute) << ',' << csv_number(r.arrival) << ',' << r.computed << ',' << r.used << ','
          << r.dropped << '\n';
  return out.str();
}

// The final model of each repetition, numbered like its summary (a repetition may have been run alone).
std::string models_csv(const RunResults& results) {
  std::ostringstream out;
  out << "run,index,value\n";
  for (std::size_t m = 0; m < results.models.size(); ++m) {
    const auto run = m < results.summaries.size() ? results.summaries[m].run : static_cast<int>(m);
    const auto& model = results.models[m];
    for (std::size_t i = 0; i < model.size(); ++i) out << run << ',' << i << ',' << csv_number(model[i]) << '\n';
  }
  return out.str();
}

nlohmann::json provenance_object(const Provenance& p) {
  nlohmann::json libraries = nlohmann::json::object();
  for (const auto& [name, version] : p.libraries) libraries[name] = version;
  return {{"sgdsim_version", p.version}, {"command", p.command},   {"hosts", p.hosts},
          {"started", p.started},        {"finished", p.finished}, {"libraries", libraries}};
}

std::string summary_json(const nlohmann::json& scenario, const std::vector<RunSummary>& summaries,
                         const std::string& backend, const std::optional<Provenance>& provenance) {
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& s : summaries) {
    runs.push_back(nlohmann::json{{"run", s.run},
                    {"status", status_name(s.status)},
                    {"stop_reason", s.stop_reason},
                    {"iterations", s.iterations},
                    {"time", json_number(s.time)},
                    {"final_loss", json_number(s.final_loss)},
                    {"time_to_target", json_number(s.time_to_target)},
                    {"comm_rounds", s.comm_rounds},
                    {"bytes", s.bytes},
                    {"mean_iteration_time", json_number(s.mean_iteration_time)}});
    if (s.status == RunStatus::STALLED) runs.back()["reason"] = s.reason;
    if (is_classifier(scenario)) {
      runs.back()["final_test_accuracy"] = json_number(s.final_test_accuracy);
      runs.back()["best_test_accuracy"] = json_number(s.best_test_accuracy);
      runs.back()["time_to_target_accuracy"] = json_number(s.time_to_target_accuracy);
    }
    if (!std::isnan(s.zeta)) runs.back()["zeta"] = s.zeta;  // only for algorithms with a mixing matrix
    if (!std::isnan(s.replication_time)) {
      runs.back()["replication_time"] = s.replication_time;
      runs.back()["replication_bytes"] = s.replication_bytes;
    }
  }
  nlohmann::json summary = {{"name", scenario.value("name", "")},
                            {"algorithm", scenario["algorithm"]["name"]},
                            {"backend", backend},
                            {"runs", runs}};
  if (provenance) summary["provenance"] = provenance_object(*provenance);
  return summary.dump(2) + "\n";
}

}  // namespace

const char* status_name(RunStatus status) {
  switch (status) {
    case RunStatus::COMPLETED: return "completed";
    case RunStatus::DIVERGED: return "diverged";
    case RunStatus::FAILED: return "failed";
    case RunStatus::STALLED: return "stalled";
  }
  return "unknown";
}

void write_file_atomically(const std::filesystem::path& path, const std::string& contents) {
  auto temporary = path;
  temporary += ".partial";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) SGDSIM_THROW(Error, "cannot write " + temporary.string());
    out << contents;
    out.flush();
    if (!out) SGDSIM_THROW(Error, "error while writing " + temporary.string());
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) SGDSIM_THROW(Error, "cannot rename " + temporary.string() + " to " + path.string() + ": " + ec.message());
}

std::string utc_timestamp(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::string provenance_json(const Provenance& provenance) { return provenance_object(provenance).dump(); }

const std::vector<std::string> RUN_FILES = {"scenario.json", "trace.csv", "workers.csv", "model.csv", "summary.json"};

namespace {

void create_run_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) SGDSIM_THROW(Error, "cannot create the run directory " + dir.string() + ": " + ec.message());
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) SGDSIM_THROW(Error, "cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The CSV file of every part, its header once.
std::string concatenate_csv(const std::vector<std::filesystem::path>& parts, const std::string& file) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string text = read_file(parts[i] / file);
    const auto body = text.find('\n');
    out += i == 0 ? text : text.substr(body == std::string::npos ? text.size() : body + 1);
  }
  return out;
}

// summary.json of the parts: the first part's fields, every part's runs, and one provenance spanning them all.
std::string merge_summaries(const std::vector<std::filesystem::path>& parts) {
  nlohmann::json merged;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto path = parts[i] / "summary.json";
    nlohmann::json part;
    try {
      part = nlohmann::json::parse(read_file(path));
    } catch (const nlohmann::json::exception& e) {
      SGDSIM_THROW(Error, path.string() + ": not valid JSON: " + e.what());
    }
    if (i == 0) {
      merged = part;
      continue;
    }
    for (const auto& run : part.at("runs")) merged["runs"].push_back(run);
    if (!part.contains("provenance") || !merged.contains("provenance")) continue;
    auto& p = merged["provenance"];
    const auto& q = part["provenance"];
    p["started"] = std::min(p["started"].get<std::string>(), q["started"].get<std::string>());
    p["finished"] = std::max(p["finished"].get<std::string>(), q["finished"].get<std::string>());
    for (const auto& host : q["hosts"])
      if (std::find(p["hosts"].begin(), p["hosts"].end(), host) == p["hosts"].end()) p["hosts"].push_back(host);
  }
  return merged.dump(2) + "\n";
}

}  // namespace

void write_run_directory(const std::filesystem::path& dir, const std::string& resolved_scenario,
                         const RunResults& results, const std::string& backend, const RunFileOptions& options) {
  create_run_directory(dir);
  write_file_atomically(dir / "scenario.json", resolved_scenario);
  const auto scenario = nlohmann::json::parse(resolved_scenario);
  write_file_atomically(dir / "trace.csv", trace_csv(results.iterations, is_classifier(scenario),
                                                    scenario["cluster"].contains("failures")));
  write_file_atomically(dir / "workers.csv", workers_csv(results.workers, options.workers_every));
  write_file_atomically(dir / "model.csv", models_csv(results));
  // summary.json last: its presence says the other files are complete.
  write_file_atomically(dir / "summary.json", summary_json(scenario, results.summaries, backend, options.provenance));
}

void merge_run_directories(const std::vector<std::filesystem::path>& parts, const std::filesystem::path& dir) {
  if (parts.empty()) SGDSIM_THROW(Error, "merge_run_directories: no parts for " + dir.string());
  create_run_directory(dir);
  write_file_atomically(dir / "scenario.json", read_file(parts.front() / "scenario.json"));
  for (const char* csv : {"trace.csv", "workers.csv", "model.csv"})
    write_file_atomically(dir / csv, concatenate_csv(parts, csv));
  write_file_atomically(dir / "summary.json", merge_summaries(parts));
}

namespace {
constexpr std::size_t FIELDS = 9;
}

std::vector<double> pack_worker_records(const std::vector<WorkerRecord>& records) {
  std::vector<double> packed;
  packed.reserve(records.size() * FIELDS);
  for (const auto& r : records) {
    packed.insert(packed.end(), {static_cast<double>(r.run), static_cast<double>(r.iteration),
                                 static_cast<double>(r.worker), r.start, r.compute, r.arrival,
                                 r.computed ? 1.0 : 0.0, r.used ? 1.0 : 0.0, r.dropped ? 1.0 : 0.0});
  }
  return packed;
}

std::vector<WorkerRecord> unpack_worker_records(std::span<const double> packed) {
  std::vector<WorkerRecord> records(packed.size() / FIELDS);
  for (std::size_t i = 0; i < records.size(); ++i) {
    const double* f = packed.data() + i * FIELDS;
    records[i] = {static_cast<int>(f[0]), static_cast<std::int64_t>(f[1]), static_cast<int>(f[2]), f[3], f[4], f[5],
                  f[6] != 0, f[7] != 0, f[8] != 0};
  }
  return records;
}

}  // namespace sgdsim
