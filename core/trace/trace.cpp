// The run directory: trace.csv, workers.csv, summary.json and scenario.json, each written atomically.
#include "sgdsim/core/trace/trace.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sgdsim/error.hpp"

namespace sgdsim {
namespace {

// Shortest text that reads back to the same double; NaN (not evaluated) is an empty field.
std::string number(double v) {
  if (std::isnan(v)) return "";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

nlohmann::json json_number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

std::string trace_csv(const std::vector<IterationRecord>& rows) {
  std::ostringstream out;
  out << "run,iteration,time,loss,grad_norm,comm_rounds,bytes,waited_for,tau,consensus\n";
  for (const auto& r : rows) {
    out << r.run << ',' << r.iteration << ',' << number(r.time) << ',' << number(r.loss) << ','
        << number(r.grad_norm) << ',' << r.comm_rounds << ',' << r.bytes << ',' << r.waited_for << ',';
    if (r.tau > 0) out << r.tau;
    out << ',' << number(r.consensus) << '\n';
  }
  return out.str();
}

std::string workers_csv(const std::vector<WorkerRecord>& rows) {
  std::ostringstream out;
  out << "run,iteration,worker,start,compute,arrival,computed,used,dropped\n";
  for (const auto& r : rows)
    out << r.run << ',' << r.iteration << ',' << r.worker << ',' << number(r.start) << ',' << number(r.compute)
        << ',' << number(r.arrival) << ',' << r.computed << ',' << r.used << ',' << r.dropped << '\n';
  return out.str();
}

std::string models_csv(const std::vector<std::vector<double>>& models) {
  std::ostringstream out;
  out << "run,index,value\n";
  for (std::size_t run = 0; run < models.size(); ++run)
    for (std::size_t i = 0; i < models[run].size(); ++i) out << run << ',' << i << ',' << number(models[run][i]) << '\n';
  return out.str();
}

std::string summary_json(const std::string& resolved_scenario, const std::vector<RunSummary>& summaries,
                         const std::string& backend) {
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& s : summaries) {
    runs.push_back({{"run", s.run},
                    {"status", status_name(s.status)},
                    {"stop_reason", s.stop_reason},
                    {"iterations", s.iterations},
                    {"time", json_number(s.time)},
                    {"final_loss", json_number(s.final_loss)},
                    {"time_to_target", json_number(s.time_to_target)},
                    {"comm_rounds", s.comm_rounds},
                    {"bytes", s.bytes},
                    {"mean_iteration_time", json_number(s.mean_iteration_time)}});
    if (!std::isnan(s.zeta)) runs.back()["zeta"] = s.zeta;  // only for algorithms with a mixing matrix
  }
  const auto scenario = nlohmann::json::parse(resolved_scenario);
  nlohmann::json summary = {{"name", scenario.value("name", "")},
                            {"algorithm", scenario["algorithm"]["name"]},
                            {"backend", backend},
                            {"runs", runs}};
  return summary.dump(2) + "\n";
}

}  // namespace

const char* status_name(RunStatus status) {
  switch (status) {
    case RunStatus::COMPLETED: return "completed";
    case RunStatus::DIVERGED: return "diverged";
    case RunStatus::FAILED: return "failed";
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

void write_run_directory(const std::filesystem::path& dir, const std::string& resolved_scenario,
                         const RunResults& results, const std::string& backend) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) SGDSIM_THROW(Error, "cannot create the run directory " + dir.string() + ": " + ec.message());
  write_file_atomically(dir / "scenario.json", resolved_scenario);
  write_file_atomically(dir / "trace.csv", trace_csv(results.iterations));
  write_file_atomically(dir / "workers.csv", workers_csv(results.workers));
  write_file_atomically(dir / "model.csv", models_csv(results.models));
  // summary.json last: its presence says the other files are complete.
  write_file_atomically(dir / "summary.json", summary_json(resolved_scenario, results.summaries, backend));
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
