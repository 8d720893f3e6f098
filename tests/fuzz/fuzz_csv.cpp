// Fuzz target: the CSV loader. The first byte picks the objective, the header and the label column (an index, or the
// name "y"), the rest is the file. Bad input must end in DataError or ConfigError; what loads must be consistent.
#include <cmath>
#include <string>

#include "fuzz_input.hpp"
#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sgdsim;
  if (size == 0) return 0;
  const MemoryGuard& guard = fuzz::loader_guard(R"({"csv": {"path": "x.csv"}})");
  const auto loss = data[0] & 1 ? kernels::Loss::LOGISTIC : kernels::Loss::LEAST_SQUARES;
  CsvData spec;
  spec.header = (data[0] & 2) != 0;
  if (spec.header && (data[0] & 4)) {
    spec.label_column = std::string("y");
  } else {
    spec.label_column = std::int64_t(data[0] >> 4);
  }
  const auto& file = fuzz::write_input(std::string(reinterpret_cast<const char*>(data) + 1, size - 1), ".csv");
  try {
    const Dataset d = load_csv(file, spec, loss, &guard);
    fuzz::require(!d.sparse && d.rows >= 1 && d.cols >= 1);
    fuzz::require(d.dense.size() == std::size_t(d.rows * d.cols) && d.labels.size() == std::size_t(d.rows));
    for (double v : d.dense) fuzz::require(std::isfinite(v));
    for (double b : d.labels) fuzz::require(std::isfinite(b) && (loss != kernels::Loss::LOGISTIC || b == 1 || b == -1));
  } catch (const DataError&) {
  } catch (const ConfigError&) {
  }
  return 0;
}
