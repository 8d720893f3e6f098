// Statistics of a study over its repetitions: per variant mean, standard deviation and Student-t confidence interval
// of each measure, status counts, and the speed-up over the baseline variant; written as study.csv and study.json.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim::analysis {

constexpr double CONFIDENCE = 0.95;  // of every interval sgdsim reports

// The p-quantile of Student's t distribution with df > 0 degrees of freedom (Boost.Math).
double student_t_quantile(double p, double df);

// A sample summarised. `ci` is the half-width of the two-sided confidence interval of the mean,
// t_{(1+confidence)/2, n−1} · sd/√n: NaN when n < 2 (no interval), 0 when every value is the same.
struct SampleStats {
  int n = 0;
  double mean = NOT_EVALUATED;
  double sd = NOT_EVALUATED;  // sample standard deviation (divisor n − 1)
  double ci = NOT_EVALUATED;
};
SampleStats sample_stats(std::span<const double> values, double confidence = CONFIDENCE);

// mean(a) / mean(b) of two independent samples, with the delta method's interval: the ratio's standard error
// R·sqrt(sd_a²/(n_a·mean_a²) + sd_b²/(n_b·mean_b²)) times the t quantile at the Welch–Satterthwaite degrees of
// freedom of those two terms. `ci` is NaN when either sample has fewer than 2 values.
struct RatioStats {
  double value = NOT_EVALUATED;
  double ci = NOT_EVALUATED;
  double df = NOT_EVALUATED;
};
RatioStats ratio_of_means(const SampleStats& a, const SampleStats& b, double confidence = CONFIDENCE);

// What a study's speed-up compares: times to target when the baseline's scenario has stop.target_loss, otherwise
// mean iteration times. Either way speed-up = baseline mean / variant mean (> 1: the variant is faster).
enum class SpeedupMetric { TIME_TO_TARGET, MEAN_ITERATION_TIME };
const char* speedup_metric_name(SpeedupMetric metric);

// One variant's repetitions, as the study ran them.
struct VariantRuns {
  std::string label;
  std::string algorithm;
  std::string dir;                                         // its run directory
  std::vector<std::pair<std::string, std::string>> point;  // swept path -> value (JSON text)
  int repetitions = 0;                                     // planned
  std::vector<RunSummary> runs;  // the repetitions that produced a summary, in repetition order
  int failed = 0;                // repetitions whose process failed (no summary): counted as status "failed"
  bool target = false;           // its scenario sets stop.target_loss
  bool target_accuracy = false;  // its scenario sets stop.target_accuracy
};

// The status names every study reports a count for, in this order (others, if any, follow).
const std::vector<std::string>& status_columns();

struct VariantStats {
  std::string label, algorithm, dir;
  std::vector<std::pair<std::string, std::string>> point;
  int repetitions = 0;
  std::vector<std::pair<std::string, int>> status;  // status name -> repetitions
  int reached = -1;                                 // completed repetitions that reached the target (-1: no target)
  // Over the completed repetitions (time to target: over those that reached it).
  SampleStats time, time_to_target, final_loss, mean_iteration_time, comm_rounds, bytes;
  RatioStats speedup;  // over the baseline (the baseline itself: 1, no interval)
  double zeta = NOT_EVALUATED;  // ζ of the variant's mixing matrix (model averaging; the same in every run)
  // Classifiers (problem.model): test accuracy at the end, its best, and the time to stop.target_accuracy.
  bool classifier = false;
  int reached_accuracy = -1;  // completed repetitions that reached the target accuracy (-1: no target)
  SampleStats final_test_accuracy, best_test_accuracy, time_to_target_accuracy;
};

struct StudyStats {
  std::string name;
  std::vector<std::string> swept_paths;
  std::size_t baseline = 0;  // index into variants
  SpeedupMetric metric = SpeedupMetric::MEAN_ITERATION_TIME;
  double confidence = CONFIDENCE;
  bool classifier = false;  // some variant is a classifier: the accuracy measures are reported
  std::vector<VariantStats> variants;
};

StudyStats study_stats(const std::string& name, const std::vector<VariantRuns>& variants,
                       const std::vector<std::string>& swept_paths, std::size_t baseline);

// A CSV field as RFC 4180 writes it: quoted (quotes doubled) when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);

// study.csv: one row per variant (columns in docs/outputs.md); study.json: the same with the study's settings.
std::string study_csv(const StudyStats& study);
std::string study_json(const StudyStats& study, const std::optional<Provenance>& provenance);
// study.json read back (what study_json wrote; its provenance is left out). DataError naming the file for anything
// that is not such a document.
StudyStats parse_study_json(const std::string& text, const std::string& file);

}  // namespace sgdsim::analysis
