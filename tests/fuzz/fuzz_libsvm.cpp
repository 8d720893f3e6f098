// Fuzz target: the LIBSVM loader. The first byte picks the objective and zero_based (auto, true, false), the rest is
// the file. Bad input must end in DataError or ConfigError (the memory guard); what loads must be a consistent CSR.
#include <cmath>
#include <string>

#include "fuzz_input.hpp"
#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sgdsim;
  if (size == 0) return 0;
  const MemoryGuard& guard = fuzz::loader_guard(R"({"libsvm": {"path": "x.svm"}})");
  const auto loss = data[0] & 1 ? kernels::Loss::LOGISTIC : kernels::Loss::LEAST_SQUARES;
  LibsvmData spec;
  if (data[0] & 2) spec.zero_based = (data[0] & 4) != 0;
  if (data[0] & 8) spec.features = 1 + (data[0] >> 4);
  const auto& file = fuzz::write_input(std::string(reinterpret_cast<const char*>(data) + 1, size - 1), ".svm");
  try {
    const Dataset d = load_libsvm(file, spec, loss, &guard);
    fuzz::require(d.sparse && d.rows >= 1 && d.cols >= 1);
    fuzz::require(d.row_ptr.size() == std::size_t(d.rows) + 1 && d.row_ptr.front() == 0);
    fuzz::require(d.row_ptr.back() == std::int64_t(d.values.size()) && d.values.size() == d.col_index.size());
    for (std::int64_t r = 0; r < d.rows; ++r) {
      fuzz::require(d.row_ptr[r] <= d.row_ptr[r + 1]);
      for (std::int64_t k = d.row_ptr[r]; k < d.row_ptr[r + 1]; ++k) {
        fuzz::require(d.col_index[k] >= 0 && d.col_index[k] < d.cols && std::isfinite(d.values[k]));
        if (k > d.row_ptr[r]) fuzz::require(d.col_index[k - 1] < d.col_index[k]);
      }
    }
    for (double b : d.labels) fuzz::require(std::isfinite(b) && (loss != kernels::Loss::LOGISTIC || b == 1 || b == -1));
  } catch (const DataError&) {
  } catch (const ConfigError&) {
  }
  return 0;
}
