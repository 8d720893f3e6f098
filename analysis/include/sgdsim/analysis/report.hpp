// The report of `sgdsim bounds`: a TheoryReport as aligned text, as JSON and as markdown table rows; and the mean
// iteration time of recorded runs.
#pragma once

#include <string>

#include "sgdsim/analysis/theory.hpp"
#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim::analysis {

// Mean time per iteration of recorded runs: Σ (time increments) / Σ (iteration increments) within each run, the first
// record of a run counted from time 0 and iteration 0. Also the standard error of the per-iteration increments.
struct ObservedIterationTime {
  double mean = 0;
  double standard_error = 0;
  std::int64_t iterations = 0;
};
ObservedIterationTime observed_iteration_time(const RunResults& results);

// The report as aligned text, as JSON (one object), and as markdown table rows (one per theorem:
// scenario | theorem | bound | measured | verdict) under report_markdown_header(), for docs/theory.md.
std::string report_text(const TheoryReport& report);
std::string report_json(const TheoryReport& report);
std::string report_markdown_header();
std::string report_markdown_rows(const TheoryReport& report);

}  // namespace sgdsim::analysis
