// Checks before a run: the files a scenario names, and the memory estimate against what the machine has.
#include "sgdsim/core/scenario/preflight.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string_view>
#include <system_error>

#include "sgdsim/core/algorithms/cooperative/params.hpp"
#include "sgdsim/core/algorithms/gradient_coding.hpp"
#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/core/trace/trace.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim {
namespace {

// What the implementations hold per rank, counted from their code (rounded up): model-sized vectors (x, the gradient,
// the message buffers, the run book's gradient, the collectives' scratch and copies of sends still in flight).
constexpr double VECTORS_PER_RANK = 8;
// The parameter server also keeps one result per worker and, at worst, a copy of the model per worker in flight.
constexpr double PS_VECTORS_PER_WORKER = 2;
// The CPU kernel's partial gradients (at most 256 of them and 64 MiB) and its sum, per process: simulated ranks run
// one at a time on one thread.
constexpr double KERNEL_PARTIAL_BYTES = 64 << 20;
constexpr double KERNEL_PARTIALS = 256;
// One simulated rank: the pages of its stack it touches and SimGrid's actor (measured ~25 KiB; rounded up).
constexpr double ACTOR_BYTES = 64 << 10;
// A worker record's share of workers.csv while the run directory is written.
constexpr double CSV_BYTES_PER_RECORD = 64;

// How many iterations a simulation's RowCollector holds open at once (an iteration's k worker records wait there until
// all are in; complete ones go to disk): the drift between the fastest and the slowest worker, plus the iteration in
// progress and the one being closed. The PS family keeps its workers within one iteration; model averaging over J
// lets them drift by up to τ between rounds (a schedule's largest τ; a growing one, the whole run); a sparse W or an
// anchor lets neighbours drift one iteration apart, so the graph's diameter: counted as the whole run.
double open_iterations(const Scenario& s, double iterations) {
  const auto* coop = s.algorithm.params_if<CooperativeParams>();
  if (coop == nullptr) return std::min(iterations, 3.0);
  if (!coop->mixing.is_average()) return iterations;
  double tau = iterations;
  if (coop->tau.kind == TauSchedule::Kind::CONSTANT) tau = coop->tau.tau0;
  if (coop->tau.kind == TauSchedule::Kind::LIST && !coop->tau.taus.empty())
    tau = *std::max_element(coop->tau.taus.begin(), coop->tau.taus.end());
  return std::min(iterations, tau + 2);
}

bool parameter_server(const Scenario& s) {
  return s.algorithm.def != nullptr && s.algorithm.def->shape == CommShape::PARAMETER_SERVER;
}

std::string setting_of_data(const Scenario& s) {
  if (std::holds_alternative<SyntheticData>(s.problem.data))
    return "scenario.problem.data.synthetic (samples x features)";
  return "the data file " + data_files(s.problem).front().second.string();
}

void check_file(const std::filesystem::path& file, const std::string& key, const char* what) {
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (!std::filesystem::exists(status)) {
    // The shipped Fashion-MNIST scenarios name the files of Debian's dataset-fashion-mnist, which `make data` installs.
    const bool fashion = file.string().starts_with("/usr/share/datasets/fashion-mnist/");
    SGDSIM_THROW(ConfigError, key + ": " + what + " " + file.string() + " does not exist" +
                                  (fashion ? " (Debian package dataset-fashion-mnist: run `make data` as root)" : ""));
  }
  if (!std::filesystem::is_regular_file(status))
    SGDSIM_THROW(ConfigError, key + ": " + what + " " + file.string() + " is not a regular file");
  if (!std::ifstream(file).is_open())
    SGDSIM_THROW(ConfigError, key + ": " + what + " " + file.string() + " cannot be opened for reading");
}

double bytes_of_file(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  return ec ? 0.0 : static_cast<double>(size);
}

}  // namespace

void check_files(const Scenario& s) {
  for (const auto& [key, file] : data_files(s.problem)) check_file(file, key, "data file");
  if (!s.cluster.network.platform_file.empty())
    check_file(s.cluster.network.platform_file, "scenario.cluster.network", "platform file");
}

std::string bytes_text(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024 && u < 6) {
    bytes /= 1024;
    ++u;
  }
  char text[64];
  std::snprintf(text, sizeof text, u == 0 ? "%.0f %s" : "%.2f %s", bytes, units[u]);
  return text;
}

std::string MemoryEstimate::text() const {
  std::string out = bytes_text(total()) + " (data " + bytes_text(data) + ", models " + bytes_text(models) +
                    ", shards " + bytes_text(assignment);
  out += traces_counted ? ", traces " + bytes_text(traces) : ", traces not counted: no stop.iterations";
  if (actors > 0) out += ", simulated ranks " + bytes_text(actors);
  return out + ")";
}

double parse_memory_size(const std::string& text) {
  struct Unit {
    std::string_view name;
    double factor;
  };
  static constexpr Unit UNITS[] = {{"", 1},
                                   {"B", 1},
                                   {"K", 1024},
                                   {"KiB", 1024},
                                   {"KB", 1e3},
                                   {"M", 1 << 20},
                                   {"MiB", 1 << 20},
                                   {"MB", 1e6},
                                   {"G", 1 << 30},
                                   {"GiB", 1 << 30},
                                   {"GB", 1e9},
                                   {"T", 1024.0 * (1 << 30)},
                                   {"TiB", 1024.0 * (1 << 30)},
                                   {"TB", 1e12}};
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc{} && ptr != text.data() && std::isfinite(value) && value > 0) {
    const std::string_view unit(ptr, static_cast<std::size_t>(end - ptr));
    for (const auto& u : UNITS)
      if (u.name == unit) return value * u.factor;
  }
  SGDSIM_THROW(
      ConfigError,
      "--max-memory: must be a size > 0 like 4GiB, 500MB or 1.5G (K, M, G, T: powers of 1024), got \"" + text + "\"");
}

MemoryBudget memory_budget(const std::string& max_memory, int processes) {
  if (!max_memory.empty()) return {parse_memory_size(max_memory), "allowed by --max-memory " + max_memory};
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  double kib = 0;
  std::string unit;
  while (meminfo >> key >> kib >> unit) {
    if (key != "MemAvailable:") continue;
    std::string source = "available (MemAvailable in /proc/meminfo";
    if (processes > 1) source += ", shared by the " + std::to_string(processes) + " ranks on this machine";
    return {kib * 1024 / std::max(processes, 1), source + ")"};
  }
  return {0, "unknown: no MemAvailable in /proc/meminfo"};
}

MemoryGuard::MemoryGuard(const Scenario& scenario, Placement placement, MemoryBudget budget)
    : scenario_(scenario), placement_(placement), budget_(std::move(budget)) {}

DataShape MemoryGuard::planned_shape() const {
  DataShape shape;
  if (const auto* d = std::get_if<SyntheticData>(&scenario_.problem.data)) {
    shape.rows = static_cast<double>(d->samples);
    shape.cols = static_cast<double>(d->features);
    const double labels = shape.rows * 8;
    if (d->density < 1.0) {
      // CSR: the generator reserves 1% above the expected entries (8-byte value + 4-byte column), and row pointers.
      shape.bytes = d->density * shape.rows * shape.cols * 1.01 * 12 + (shape.rows + 1) * 8 + labels;
    } else {
      shape.bytes = shape.rows * shape.cols * 8 + labels;
    }
    return shape;
  }
  if (const auto* l = std::get_if<LibsvmData>(&scenario_.problem.data)) {
    shape.cols = static_cast<double>(l->features.value_or(1));
  } else {
    shape.cols = 1;
  }
  // A file's text is held whole while it is parsed (an IDX file is read as it is).
  for (const auto& [key, file] : data_files(scenario_.problem)) shape.bytes += bytes_of_file(file);
  return shape;
}

MemoryEstimate MemoryGuard::estimate(const DataShape& shape) const {
  const Scenario& s = scenario_;
  const double k = s.cluster.workers;
  const bool ps = parameter_server(s);
  const double ranks = ps ? k + 1 : k;
  const double here = placement_ == Placement::ALL_RANKS ? ranks : 1;  // ranks in this process
  const double vector = (shape.parameters > 0 ? shape.parameters : shape.cols + 1) * 8;
  // A gradient-coding worker holds its c partitions' rows (another parameter-server algorithm: counted as c = 1).
  const auto* coding = s.algorithm.params_if<CodingParams>();
  const double c = coding ? coding->tasks_per_worker : 1;

  MemoryEstimate e;
  e.data = shape.bytes;
  e.models = here * VECTORS_PER_RANK * vector + (ps ? PS_VECTORS_PER_WORKER * k * vector : 0) +
             std::min(KERNEL_PARTIALS * vector, KERNEL_PARTIAL_BYTES) + 2 * vector;
  // The shards are an order of all rows and k + 1 offsets (Shards::shared: one per process, which every simulated rank
  // reads), twice: a second order when mini-batches come from the whole data set, or RI-SGD's subsampled rows.
  e.assignment = (placement_ == Placement::ALL_RANKS ? 2.0 : here) * (shape.rows + k + 1) * 8 +
                 (ps ? c * shape.rows * 8 * here / ranks : 0);
  // Each rank of the model-averaging family draws q·B row indices per step (q chunks for RI-SGD, at most p with
  // heterogeneous redundancy): batch_size = 2^31 - 1 allocated until the machine ran out of memory.
  if (const auto* m = s.algorithm.params_if<CooperativeParams>()) {
    double q = 1;
    if (const auto& r = m->redundancy) {
      q = r->replication == Redundancy::Replication::HETEROGENEOUS ? k : 1 + std::ceil(r->mu * k);
    }
    e.assignment += std::min(here, k) * q * m->batch_size * 8;
  }
  if (s.stop.iterations) {
    const double iterations = static_cast<double>(*s.stop.iterations);
    if (placement_ == Placement::ALL_RANKS) {
      // A simulation streams its rows to the run directory as each iteration completes: only the open iterations'
      // records (and the PS's arrival records) are held.
      e.traces = open_iterations(s, iterations) * k * 2 * sizeof(WorkerRecord);
    } else {
      // A real run's rank 0 writes as it goes too, but the other ranks' records arrive at the end of a repetition:
      // it holds them all then, and each rank holds its own, packed once to be sent.
      const double records = iterations * k;
      e.traces = iterations * sizeof(IterationRecord) + records * (sizeof(WorkerRecord) + CSV_BYTES_PER_RECORD) +
                 records * (2 * sizeof(WorkerRecord) + 9 * sizeof(double));
    }
    e.traces_counted = true;
  }
  if (placement_ == Placement::ALL_RANKS) e.actors = ranks * ACTOR_BYTES;
  return e;
}

void MemoryGuard::check(const DataShape& shape, const std::string& cause) const {
  if (budget_.bytes <= 0) return;
  const MemoryEstimate e = estimate(shape);
  if (e.total() <= budget_.bytes) return;
  const Scenario& s = scenario_;
  const std::string k = std::to_string(s.cluster.workers);
  std::string largest = "the data (" + setting_of_data(s) + ")";
  double most = e.data;
  const auto consider = [&](double part, const std::string& what) {
    if (part > most) most = part, largest = what;
  };
  char d[64];
  if (shape.parameters > 0) {
    std::snprintf(d, sizeof d, "%.0f parameters (problem.model)", shape.parameters);
  } else {
    std::snprintf(d, sizeof d, "%.0f features", shape.cols);
  }
  consider(e.models, "the models: " + std::string(d) + " x the ranks of cluster.workers = " + k +
                         (parameter_server(s) ? " (the parameter server keeps a result per worker)" : ""));
  consider(e.assignment, "the shards: an order of all samples and cluster.workers = " + k +
                             " offsets, and each worker's mini-batch of algorithm.batch_size rows");
  consider(e.traces, placement_ == Placement::ALL_RANKS
                         ? "the traces: the worker records of cluster.workers = " + k + " in the open iterations"
                         : "the traces: stop.iterations x cluster.workers = " + k + " worker records");
  consider(e.actors, "the simulated ranks of cluster.workers = " + k);
  SGDSIM_THROW(ConfigError, cause + ": the run would need about " + e.text() + ", more than the " +
                                bytes_text(budget_.bytes) + " " + budget_.source + "; the largest part is " + largest +
                                ". Make it smaller (or, if the estimate is wrong, pass a larger --max-memory)");
}

std::string MemoryGuard::data_cause() const {
  const auto files = data_files(scenario_.problem);
  return files.empty() ? "scenario.problem.data.synthetic" : files.front().second.string();
}

void MemoryGuard::check_planned() const { check(planned_shape(), data_cause()); }

DataShape MemoryGuard::shape_of(const Dataset& data, std::int64_t parameters) {
  return {double(data.rows), double(data.cols), double(data.bytes()), double(parameters)};
}

void MemoryGuard::check_loaded(const Dataset& data, std::int64_t parameters) const {
  check(shape_of(data, parameters),
        data_cause() + " (" + std::to_string(data.rows) + " rows x " + std::to_string(data.cols) + " features)");
}

}  // namespace sgdsim
