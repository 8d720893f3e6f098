// trace.csv, workers.csv and model.csv of a run directory read back, by column name (columns added later are ignored).
#pragma once

#include <filesystem>
#include <vector>

#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim::analysis {

// DataError naming file:line for a missing column, a row with the wrong number of fields or a field that is not a
// number; an empty field reads as NaN (not evaluated).
std::vector<IterationRecord> read_trace_csv(const std::filesystem::path& file);
std::vector<WorkerRecord> read_workers_csv(const std::filesystem::path& file);
// The final model of each repetition (model.csv: run, index, value), indexed by run; entries never written are NaN.
std::vector<std::vector<double>> read_model_csv(const std::filesystem::path& file);

}  // namespace sgdsim::analysis
