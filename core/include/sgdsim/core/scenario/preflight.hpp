// Before a run: the files a scenario names exist, and the memory it would take fits the machine (or --max-memory).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sgdsim/core/scenario/scenario.hpp"

namespace sgdsim {

struct Dataset;  // sgdsim/core/data/dataset.hpp

// Throws ConfigError naming the JSON key (scenario.problem.data.libsvm.path, scenario.problem.data.csv.path,
// scenario.cluster.network) when a file the scenario names does not exist or is not a regular file.
void check_files(const Scenario& scenario);

// Where the ranks of a run live: all in this process (a simulation), or one per process (a real run, sized for rank
// 0, which holds the most).
enum class Placement { ALL_RANKS, ONE_RANK };

// What the data set takes, as far as it is known.
struct DataShape {
  double rows = 0;
  double cols = 0;
  double bytes = 0;  // features and labels (while a file loads: also its text, which is held until it is parsed)
  double parameters = 0;  // the model's size when known (0: cols + 1, a linear model's and the bias-free bound)
};

// Bytes a run holds, by part (doubles: the products of huge settings must not overflow).
struct MemoryEstimate {
  double data = 0;        // the data set
  double models = 0;      // model-sized vectors of the ranks in this process, and the kernels' buffers
  double assignment = 0;  // each rank's shuffled row order and partition offsets, and its task's rows
  double traces = 0;      // iteration and worker records, and their CSV text (needs stop.iterations)
  double actors = 0;      // the simulated ranks' stacks and bookkeeping (simulation only)
  bool traces_counted = false;
  double total() const { return data + models + assignment + traces + actors; }
  // "1.20 GiB (data 1.00 GiB, models 150.2 MiB, ...)"
  std::string text() const;
};

// The bytes a process may use: --max-memory when given, else the MemAvailable of /proc/meminfo shared by the
// `processes` of this run on this machine. bytes = 0: unknown, nothing is refused.
struct MemoryBudget {
  double bytes = 0;
  std::string source;  // "allowed by --max-memory 4GiB", "available (MemAvailable in /proc/meminfo)"
};
MemoryBudget memory_budget(const std::string& max_memory, int processes = 1);
// "4GiB", "500MB", "1.5G", "123456" (bytes): bytes; ConfigError naming --max-memory otherwise.
double parse_memory_size(const std::string& text);
std::string bytes_text(double bytes);  // "1.50 GiB"

// Estimates a scenario's memory from the shape of its data and refuses (ConfigError, exit 2) what does not fit.
class MemoryGuard {
 public:
  MemoryGuard(const Scenario& scenario, Placement placement, MemoryBudget budget);

  MemoryEstimate estimate(const DataShape& shape) const;
  // The data's shape as far as it is known before loading: synthetic data exactly; a file by its size (its text
  // is read whole) and problem.data.libsvm.features.
  DataShape planned_shape() const;
  // Throws ConfigError when a run with data of this shape would exceed the budget: "<cause>: the run would need about
  // X ..., more than <budget>; the largest part is <part> (<the settings behind it>)".
  void check(const DataShape& shape, const std::string& cause) const;
  // check(planned_shape()) with the data setting as the cause.
  void check_planned() const;
  // The shape of loaded data (a file's features are known once it is read) and the model's size (a Problem's
  // dimension(); 0: a linear model's), and check() with them.
  static DataShape shape_of(const Dataset& data, std::int64_t parameters = 0);
  void check_loaded(const Dataset& data, std::int64_t parameters = 0) const;
  const MemoryBudget& budget() const { return budget_; }

 private:
  std::string data_cause() const;  // the data setting or file, for messages

  const Scenario& scenario_;
  Placement placement_;
  MemoryBudget budget_;
};

}  // namespace sgdsim
