// Run status names and the packing of worker records into doubles (to gather them over a Comm).
#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim {

const char* status_name(RunStatus status) {
  switch (status) {
    case RunStatus::COMPLETED: return "completed";
    case RunStatus::DIVERGED: return "diverged";
    case RunStatus::FAILED: return "failed";
    case RunStatus::INTERRUPTED: return "interrupted";
  }
  return "unknown";
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
