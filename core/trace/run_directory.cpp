// The run directory: CSV rows appended as they come into a private temporary directory, renamed into place at the end.
#include "sgdsim/core/trace/run_directory.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sgdsim/error.hpp"

namespace sgdsim {
namespace {

namespace fs = std::filesystem;

// One CSV field: a double at full precision (NaN, not evaluated, is empty), an integer, or a flag as 0/1.
void append_field(std::string& out, double v) { append_csv_number(out, v); }
void append_field(std::string& out, bool v) { out += v ? '1' : '0'; }
template <std::integral Int>
void append_field(std::string& out, Int v) {
  out += std::to_string(v);
}

// One CSV line of the fields, in order.
template <class... Fields>
void append_row(std::string& out, const Fields&... fields) {
  bool first = true;
  ((out += first ? "" : ",", first = false, append_field(out, fields)), ...);
  out += '\n';
}

// Classifiers (problem.model) have three more columns, model averaging two more after them (tau empty where no
// averaging round ended) and, where rank 0's model is not the average of all models, average_grad_norm; a linear
// objective's rows of another algorithm are as they always were.
// With cluster.failures, the column live (workers not known to have failed) comes last.
void trace_row(std::string& out, const IterationRecord& r, bool classifier, bool averaging, bool average_model,
               bool failures) {
  if (classifier) {
    append_row(out, r.run, r.iteration, r.time, r.loss, r.grad_norm, r.comm_rounds, r.bytes, r.waited_for, r.accuracy,
               r.test_loss, r.test_accuracy);
  } else {
    append_row(out, r.run, r.iteration, r.time, r.loss, r.grad_norm, r.comm_rounds, r.bytes, r.waited_for);
  }
  if (!averaging && !average_model && !failures) return;
  out.pop_back();  // the row's '\n'
  if (averaging) {
    out += ',';
    if (r.tau > 0) out += std::to_string(r.tau);
    out += ',';
    out += csv_number(r.consensus);
  }
  if (average_model) {
    out += ',';
    append_field(out, r.average_grad_norm);
  }
  if (failures) out += ',' + std::to_string(r.live);
  out += '\n';
}

// Whether the resolved scenario is a classifier's (problem.model set): its files carry the accuracy figures.
bool is_classifier(const nlohmann::json& scenario) {
  return scenario.contains("problem") && scenario["problem"].contains("model");
}

void worker_row(std::string& out, const WorkerRecord& r) {
  append_row(out, r.run, r.iteration, r.worker, r.start, r.compute, r.arrival, r.computed, r.used, r.dropped);
}

nlohmann::json json_number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string system_message(int error) { return std::strerror(error); }

// A file that is written by the whole, for the files of a private directory.
void write_file(const fs::path& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) SGDSIM_THROW(Error, "cannot write " + path.string());
  out << contents;
  out.flush();
  if (!out) SGDSIM_THROW(Error, "error while writing " + path.string());
}

}  // namespace

// Lines collected in memory and written by whole lines (one write per flush), so that a process killed at any moment
// leaves only complete lines on disk.
class RunWriter::Appender {
 public:
  static constexpr std::size_t LIMIT = std::size_t{1} << 20;  // flush beyond 1 MiB

  Appender(fs::path path, const char* header) : path_(std::move(path)) {
    file_ = std::fopen(path_.c_str(), "wb");
    if (file_ == nullptr) SGDSIM_THROW(Error, "cannot write " + path_.string() + ": " + system_message(errno));
    std::setvbuf(file_, nullptr, _IONBF, 0);  // our buffer is the only one: a flush is a write
    buffer_ = header;
  }
  ~Appender() {
    if (file_ != nullptr) std::fclose(file_);
  }
  Appender(const Appender&) = delete;
  Appender& operator=(const Appender&) = delete;

  std::string& buffer() { return buffer_; }
  void flush_if_full() {
    if (buffer_.size() >= LIMIT) flush();
  }
  void flush() {
    if (buffer_.empty()) return;
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size())
      SGDSIM_THROW(Error, "error while writing " + path_.string() + ": " + system_message(errno));
    buffer_.clear();
  }
  void close() {
    flush();
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) SGDSIM_THROW(Error, "error while closing " + path_.string() + ": " + system_message(errno));
  }

 private:
  fs::path path_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
};

void check_run_directory(const fs::path& dir, bool replace) {
  std::error_code ec;
  const auto status = fs::status(dir, ec);
  if (!fs::exists(status)) return;
  if (!fs::is_directory(status)) SGDSIM_THROW(ConfigError, "run directory " + dir.string() + ": exists and is not a directory");
  if (fs::is_empty(dir, ec) && !ec) return;
  if (!fs::exists(dir / "scenario.json"))
    SGDSIM_THROW(ConfigError, "run directory " + dir.string() +
                                  ": exists and is not a run directory (no scenario.json); it is never replaced, "
                                  "choose another output directory");
  if (!replace)
    SGDSIM_THROW(ConfigError, "run directory " + dir.string() + ": holds a run already; pass --force to replace it");
}

// A directory built under a private temporary name beside its final place (`<dir>.partial-<pid>`) and renamed into
// place whole; deleted if it is never committed.
class StagedDirectory {
 public:
  StagedDirectory(const fs::path& dir, bool replace) : dir_(dir.lexically_normal()), replace_(replace) {
    if (!dir_.has_filename()) dir_ = dir_.parent_path();  // "out/" is "out"
    const std::string name = dir_.filename().string();
    if (name.empty() || name == "." || name == "..")
      SGDSIM_THROW(ConfigError, "run directory " + dir.string() + ": must name a directory (not . or ..)");
    check_run_directory(dir_, replace_);
    // The output location is checked here, before anything runs: its parent must be creatable and writable.
    const fs::path parent = dir_.has_parent_path() ? dir_.parent_path() : fs::path(".");
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec)
      SGDSIM_THROW(ConfigError, "run directory " + dir_.string() + ": cannot create " + parent.string() + ": " +
                                    ec.message());
    const std::string stem = name + ".partial-" + std::to_string(::getpid());
    for (int attempt = 0;; ++attempt) {
      temporary_ = parent / (attempt == 0 ? stem : stem + "-" + std::to_string(attempt));
      if (fs::create_directory(temporary_, ec)) break;  // created by this call: ours alone
      if (ec)
        SGDSIM_THROW(ConfigError, "run directory " + dir_.string() + ": cannot create " + temporary_.string() + ": " +
                                      ec.message());
    }
  }
  ~StagedDirectory() {
    if (done_) return;
    std::error_code ec;
    fs::remove_all(temporary_, ec);  // a failed run leaves nothing; destructors never throw
  }
  StagedDirectory(const StagedDirectory&) = delete;
  StagedDirectory& operator=(const StagedDirectory&) = delete;

  const fs::path& path() const { return temporary_; }

  void commit() {
    done_ = true;
    std::error_code ec;
    fs::rename(temporary_, dir_, ec);  // replaces `dir_` only if it is absent or an empty directory
    if (!ec) return;
    if (replace_ && fs::exists(dir_ / "scenario.json")) {
      const fs::path old = dir_.string() + ".old-" + std::to_string(::getpid());
      fs::rename(dir_, old, ec);
      if (!ec) fs::rename(temporary_, dir_, ec);
      if (!ec) {
        fs::remove_all(old, ec);
        return;
      }
    }
    SGDSIM_THROW(Error, "cannot move the run into " + dir_.string() + " (" + ec.message() +
                            "; did another run write it meanwhile?): this run's files are in " + temporary_.string());
  }

 private:
  fs::path dir_;
  fs::path temporary_;
  bool replace_;
  bool done_ = false;  // committed, or left on disk on purpose
};

RunWriter::RunWriter(fs::path dir, std::string resolved_scenario, std::string backend, bool replace,
                     RunFileOptions options)
    : staged_(std::make_unique<StagedDirectory>(dir, replace)),
      resolved_scenario_(std::move(resolved_scenario)),
      backend_(std::move(backend)),
      options_(std::move(options)) {
  const auto scenario = nlohmann::json::parse(resolved_scenario_);
  if (options_.repetitions <= 0) options_.repetitions = scenario.value("repetitions", 1);
  classifier_ = is_classifier(scenario);
  failures_ = scenario.contains("cluster") && scenario["cluster"].contains("failures");
  stamp_finished_ = options_.provenance && options_.provenance->finished.empty();
  const fs::path& at = staged_->path();
  write_file(at / "scenario.json", resolved_scenario_);
  std::string header = "run,iteration,time,loss,grad_norm,comm_rounds,bytes,waited_for";
  if (classifier_) header += ",accuracy,test_loss,test_accuracy";
  if (options_.averaging_rounds) header += ",tau,consensus";
  if (options_.average_model) header += ",average_grad_norm";
  if (failures_) header += ",live";
  header += "\n";
  trace_ = std::make_unique<Appender>(at / "trace.csv", header.c_str());
  workers_ = std::make_unique<Appender>(at / "workers.csv",
                                        "run,iteration,worker,start,compute,arrival,computed,used,dropped\n");
  model_ = std::make_unique<Appender>(at / "model.csv", "run,index,value\n");
  flush_rows();
  write_summary(true);
}

RunWriter::~RunWriter() = default;

const fs::path& RunWriter::temporary_dir() const { return staged_->path(); }

void RunWriter::set_hosts(std::vector<std::string> hosts) {
  if (options_.provenance) options_.provenance->hosts = std::move(hosts);
}

void RunWriter::flush_rows() {
  trace_->flush();
  workers_->flush();
  model_->flush();
  last_flush_ = wall_seconds();
}

void RunWriter::iteration(const IterationRecord& r) {
  trace_row(trace_->buffer(), r, classifier_, options_.averaging_rounds, options_.average_model, failures_);
  current_.run = r.run;
  current_.iterations = r.iteration;
  current_.time = r.time;
  current_.comm_rounds = r.comm_rounds;
  current_.bytes = r.bytes;
  if (!std::isnan(r.loss)) current_.final_loss = r.loss;
  current_.classifier = classifier_;
  if (!std::isnan(r.test_accuracy)) {
    current_.final_test_accuracy = r.test_accuracy;
    if (std::isnan(current_.best_test_accuracy) || r.test_accuracy > current_.best_test_accuracy)
      current_.best_test_accuracy = r.test_accuracy;
  }
  current_has_rows_ = true;
  // Iteration rows are few next to worker rows: the place to look at the clock.
  if (wall_seconds() - last_flush_ >= 1.0) {
    flush_rows();
  } else {
    trace_->flush_if_full();
  }
}

void RunWriter::worker(const WorkerRecord& r) {
  // output.workers: only every N-th iteration's rows (none with 0).
  if (options_.workers_every <= 0 || r.iteration % options_.workers_every != 0) return;
  worker_row(workers_->buffer(), r);
  workers_->flush_if_full();
}

void RunWriter::repetition(const RunSummary& summary, std::span<const double> model) {
  std::string& out = model_->buffer();
  for (std::size_t i = 0; i < model.size(); ++i) append_row(out, summary.run, i, model[i]);
  summaries_.push_back(summary);
  current_ = RunSummary{};
  current_has_rows_ = false;
  flush_rows();
  write_summary(true);
}

void RunWriter::interrupted() {
  interrupted_ = true;
  if (!current_has_rows_) return;
  RunSummary s = current_;
  s.status = RunStatus::INTERRUPTED;
  s.stop_reason = "interrupted";
  s.mean_iteration_time = s.iterations > 0 ? s.time / static_cast<double>(s.iterations) : 0;
  summaries_.push_back(s);
  current_ = RunSummary{};
  current_has_rows_ = false;
}

void RunWriter::write_summary(bool incomplete) {
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& s : summaries_) {
    nlohmann::json run = {{"run", s.run},
                          {"status", status_name(s.status)},
                          {"stop_reason", s.stop_reason},
                          {"iterations", s.iterations},
                          {"time", json_number(s.time)},
                          {"final_loss", json_number(s.final_loss)},
                          {"time_to_target", json_number(s.time_to_target)},
                          {"comm_rounds", s.comm_rounds},
                          {"bytes", s.bytes},
                          {"mean_iteration_time", json_number(s.mean_iteration_time)}};
    if (classifier_) {
      run["final_test_accuracy"] = json_number(s.final_test_accuracy);
      run["best_test_accuracy"] = json_number(s.best_test_accuracy);
      run["time_to_target_accuracy"] = json_number(s.time_to_target_accuracy);
    }
    if (!std::isnan(s.zeta)) run["zeta"] = s.zeta;  // only for algorithms with a mixing matrix
    if (s.status == RunStatus::STALLED) run["reason"] = s.reason;
    if (!std::isnan(s.replication_time)) {
      run["replication_time"] = s.replication_time;
      run["replication_bytes"] = s.replication_bytes;
    }
    if (!s.silent_workers.empty()) run["silent_workers"] = s.silent_workers;
    runs.push_back(std::move(run));
  }
  const auto scenario = nlohmann::json::parse(resolved_scenario_);
  nlohmann::json summary = {{"name", scenario.value("name", "")},
                            {"algorithm", scenario["algorithm"]["name"]},
                            {"backend", backend_},
                            {"incomplete", incomplete},
                            {"runs", runs}};
  if (options_.provenance) {
    if (stamp_finished_) options_.provenance->finished = utc_timestamp(std::chrono::system_clock::now());
    summary["provenance"] = nlohmann::json::parse(provenance_json(*options_.provenance));
  }
  // Replaced by a rename, so that summary.json is always whole.
  write_file_atomically(staged_->path() / "summary.json", summary.dump(2) + "\n");
}

void RunWriter::commit() {
  trace_->close();
  workers_->close();
  model_->close();
  write_summary(interrupted_ || static_cast<int>(summaries_.size()) < options_.repetitions);
  staged_->commit();
}

const std::vector<std::string> RUN_FILES = {"scenario.json", "trace.csv", "workers.csv", "model.csv", "summary.json"};

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) SGDSIM_THROW(Error, "cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The CSV file of every part, its header once.
std::string concatenate_csv(const std::vector<fs::path>& parts, const std::string& file) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string text = read_file(parts[i] / file);
    const auto body = text.find('\n');
    out += i == 0 ? text : text.substr(body == std::string::npos ? text.size() : body + 1);
  }
  return out;
}

// summary.json of the parts: the first part's fields, every part's runs, one provenance spanning them all, and
// incomplete if any part is or runs are missing.
std::string merge_summaries(const std::vector<fs::path>& parts) {
  nlohmann::json merged;
  bool incomplete = false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto path = parts[i] / "summary.json";
    nlohmann::json part;
    try {
      part = nlohmann::json::parse(read_file(path));
    } catch (const nlohmann::json::exception& e) {
      SGDSIM_THROW(Error, path.string() + ": not valid JSON: " + e.what());
    }
    incomplete = incomplete || part.value("incomplete", false);
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
  const auto scenario = nlohmann::json::parse(read_file(parts.front() / "scenario.json"));
  const auto runs = static_cast<int>(merged["runs"].size());
  merged["incomplete"] = incomplete || runs < scenario.value("repetitions", 1);
  return merged.dump(2) + "\n";
}

}  // namespace

void merge_run_directories(const std::vector<fs::path>& parts, const fs::path& dir, bool replace) {
  if (parts.empty()) SGDSIM_THROW(Error, "merge_run_directories: no parts for " + dir.string());
  StagedDirectory staged(dir, replace);
  write_file(staged.path() / "scenario.json", read_file(parts.front() / "scenario.json"));
  for (const char* csv : {"trace.csv", "workers.csv", "model.csv"})
    write_file(staged.path() / csv, concatenate_csv(parts, csv));
  write_file(staged.path() / "summary.json", merge_summaries(parts));  // last: the others are complete
  staged.commit();
}

void write_run_directory(const fs::path& dir, const std::string& resolved_scenario, const RunResults& results,
                         const std::string& backend, const RunFileOptions& options) {
  RunFileOptions all = options;
  if (all.repetitions <= 0) all.repetitions = std::max<int>(1, static_cast<int>(results.summaries.size()));
  // In memory the rows are all known: a round ending in any of them asks for the averaging columns.
  if (std::any_of(results.iterations.begin(), results.iterations.end(), [](const auto& r) { return r.tau > 0; }))
    all.averaging_rounds = true;
  if (std::any_of(results.iterations.begin(), results.iterations.end(),
                  [](const auto& r) { return !std::isnan(r.average_grad_norm); }))
    all.average_model = true;
  RunWriter writer(dir, resolved_scenario, backend, true, all);
  for (const auto& r : results.iterations) writer.iteration(r);
  for (const auto& r : results.workers) writer.worker(r);
  for (std::size_t i = 0; i < results.summaries.size(); ++i)
    writer.repetition(results.summaries[i], i < results.models.size() ? std::span<const double>(results.models[i])
                                                                       : std::span<const double>());
  writer.commit();
}

}  // namespace sgdsim
