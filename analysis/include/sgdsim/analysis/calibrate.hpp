// Calibrating a scenario's compute model (cluster.compute of docs/scenario.md) to the task times of a run:
// per-worker slowdowns, then shift s and rate λ (or delay mean m) by maximum likelihood, and the goodness of fit.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "sgdsim/analysis/fit.hpp"
#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim::analysis {

// One task's time as a run recorded it.
struct TaskDuration {
  int worker = 0;
  Duration duration;
};

// The duration of every task in workers.csv of a parameter-server run: observed, arrival − start (the compute and
// the transfer of its result) when its result reached the parameter server; otherwise censored at the end of its
// iteration (trace.csv's time) − start: it had not arrived when the server moved on. Tasks of iterations missing from
// `iterations` are skipped.
std::vector<TaskDuration> task_durations(const std::vector<WorkerRecord>& workers,
                                         const std::vector<IterationRecord>& iterations);

// How the exponential part of the model scales (docs/scenario.md): STRAGGLING, a task of load ℓ takes
// slowdown·ℓ·(s + X), X ~ Exp(λ); DELAY, slowdown·ℓ·s + D, D ~ Exp(mean m). With one load per run both give a shifted
// exponential task time; they differ in how it changes with the load (e.g. with more workers).
enum class ComputeForm { STRAGGLING, DELAY };
const char* compute_form_name(ComputeForm form);

// One worker's own fit and the slowdown it implies.
struct WorkerCalibration {
  int worker = 0;
  std::int64_t tasks = 0, observed = 0;
  bool fitted = false;  // at least 2 observed tasks with distinct times (else the fields below are NaN)
  ShiftedExponentialFit fit;
  double slowdown = NOT_EVALUATED;     // its mean (STRAGGLING) or shift (DELAY) over the median worker's
  double slowdown_se = NOT_EVALUATED;  // delta method, from its own fit's standard error
  bool significant = false;            // |slowdown − 1| > 3·slowdown_se and > 5%: written to the scenario
  // Fewer than 2 observed tasks (a persistent straggler the parameter server never waited for): `slowdown` is the
  // lower bound its censored times give (see calibrate_compute), written when above 1.05; slowdown_se is NaN.
  bool lower_bound = false;
};

struct Calibration {
  ComputeForm form = ComputeForm::STRAGGLING;
  double load = 0;                                                   // ℓ of every task
  double seconds_per_pass = 0, seconds_per_pass_se = 0;              // s
  double rate = NOT_EVALUATED, rate_se = NOT_EVALUATED;              // λ (STRAGGLING)
  double delay_mean = NOT_EVALUATED, delay_mean_se = NOT_EVALUATED;  // m (DELAY)
  std::vector<WorkerCalibration> workers;
  std::map<int, double> slowdown;    // the significant ones
  ShiftedExponentialFit pooled;      // of the task times with the slowdowns divided out
  std::vector<StepPoint> empirical;  // their Kaplan–Meier CDF
  double ks_statistic = 0, ks_pvalue = 0;
  std::vector<std::pair<double, double>> qq;  // (fitted quantile, observed) at the mid-point of each step
};

// Fits the compute model to the task durations of a run whose tasks all have load `load`:
//  1. each worker's shifted exponential (fit_shifted_exponential, censoring included);
//  2. its slowdown: the ratio of its fitted mean to the median of the workers' means (STRAGGLING: slowdown scales the
//     whole task) or of its fitted shift to the median shift (DELAY: slowdown scales ℓ·s only) — a ratio of
//     per-worker estimates, not a joint maximum likelihood; kept when significant (`fit_slowdown`);
//  3. the slowdowns divided out (STRAGGLING: T / slowdown; DELAY: T − (slowdown − 1)·median shift), one pooled
//     shifted exponential: shift a, scale θ. Then s = a/ℓ, and λ = ℓ/θ (STRAGGLING) or m = θ (DELAY). A worker with
//     fewer than 2 observed tasks is left out of the pool (its censored times say only that it is slower than the
//     awaited ones) and gets the slowdown its censored times c bound from below, T > c on average:
//     mean(c)/(a + θ) (STRAGGLING) or (mean(c) − θ)/a (DELAY);
//  4. goodness of fit: the Kolmogorov–Smirnov distance of the pooled Kaplan–Meier CDF from the fitted CDF, its
//     p-value for n = the observed durations (kolmogorov_smirnov_pvalue: conservative, the parameters being fitted
//     to the same data), and the QQ points.
// DataError when fewer than 2 tasks were observed.
Calibration calibrate_compute(std::span<const TaskDuration> tasks, double load, ComputeForm form, bool fit_slowdown);

}  // namespace sgdsim::analysis
