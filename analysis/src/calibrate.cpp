// Calibration of the compute model: per-worker fits and slowdowns, the pooled shifted exponential, KS and QQ.
#include "sgdsim/analysis/calibrate.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "sgdsim/error.hpp"

namespace sgdsim::analysis {

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

std::vector<TaskDuration> task_durations(const std::vector<WorkerRecord>& workers,
                                         const std::vector<IterationRecord>& iterations) {
  std::map<std::pair<int, std::int64_t>, double> end;  // (run, iteration) -> its time
  for (const auto& r : iterations) end[{r.run, r.iteration}] = r.time;
  std::vector<TaskDuration> out;
  for (const auto& w : workers) {
    if (!std::isnan(w.arrival)) {
      out.push_back({w.worker, {w.arrival - w.start, true}});
      continue;
    }
    const auto it = end.find({w.run, w.iteration});
    if (it != end.end()) out.push_back({w.worker, {std::max(0.0, it->second - w.start), false}});
  }
  return out;
}

const char* compute_form_name(ComputeForm form) { return form == ComputeForm::STRAGGLING ? "straggling" : "delay"; }

Calibration calibrate_compute(std::span<const TaskDuration> tasks, double load, ComputeForm form, bool fit_slowdown) {
  if (!(load > 0)) SGDSIM_THROW(Error, "calibrate: the task load must be > 0");
  Calibration c;
  c.form = form;
  c.load = load;

  std::map<int, std::vector<Duration>> by_worker;
  for (const auto& t : tasks) by_worker[t.worker].push_back(t.duration);
  std::vector<double> centres;  // the median worker's mean (STRAGGLING) or shift (DELAY) is the reference
  for (const auto& [worker, sample] : by_worker) {
    WorkerCalibration w;
    w.worker = worker;
    w.tasks = static_cast<std::int64_t>(sample.size());
    w.observed = std::count_if(sample.begin(), sample.end(), [](const Duration& d) { return d.observed; });
    try {
      w.fit = fit_shifted_exponential(sample);
      w.fitted = true;
      centres.push_back(form == ComputeForm::STRAGGLING ? w.fit.mean() : w.fit.shift);
    } catch (const DataError&) {
      // Too few observed tasks: no slowdown can be estimated for this worker (it stays 1).
    }
    c.workers.push_back(w);
  }
  const double centre = centres.empty() ? NOT_EVALUATED : median(centres);
  for (auto& w : c.workers) {
    if (!w.fitted) continue;
    const double d = static_cast<double>(w.fit.observed - 1);
    if (form == ComputeForm::STRAGGLING) {
      // se of the mean shift + scale: the scale's θ/√(d−1) (the shift's θ/n is smaller and neglected).
      w.slowdown = w.fit.mean() / centre;
      w.slowdown_se = w.slowdown * (w.fit.scale() / std::sqrt(d)) / w.fit.mean();
    } else {
      w.slowdown = w.fit.shift / centre;
      w.slowdown_se = w.slowdown * w.fit.shift_se / w.fit.shift;
    }
    const double excess = std::fabs(w.slowdown - 1);
    w.significant = fit_slowdown && excess > 3 * w.slowdown_se && excess > 0.05;
    if (w.significant) c.slowdown[w.worker] = w.slowdown;
  }

  auto unfitted = [&](int worker) {
    return fit_slowdown && std::any_of(c.workers.begin(), c.workers.end(),
                                       [&](const WorkerCalibration& w) { return w.worker == worker && !w.fitted; });
  };
  std::vector<Duration> normalised;
  normalised.reserve(tasks.size());
  for (const auto& t : tasks) {
    if (unfitted(t.worker)) continue;
    Duration d = t.duration;
    const auto it = c.slowdown.find(t.worker);
    if (it != c.slowdown.end()) {
      d.value = form == ComputeForm::STRAGGLING ? d.value / it->second : d.value - (it->second - 1) * centre;
    }
    normalised.push_back(d);
  }
  c.pooled = fit_shifted_exponential(normalised);
  c.seconds_per_pass = c.pooled.shift / load;
  c.seconds_per_pass_se = c.pooled.shift_se / load;
  if (form == ComputeForm::STRAGGLING) {
    c.rate = load * c.pooled.rate;
    c.rate_se = load * c.pooled.rate_se;
  } else {
    c.delay_mean = c.pooled.scale();
    c.delay_mean_se = c.pooled.scale() / std::sqrt(static_cast<double>(c.pooled.observed - 1));
  }

  for (auto& w : c.workers) {
    if (w.fitted || !fit_slowdown || w.tasks == 0) continue;
    double censored = 0;
    for (const auto& d : by_worker[w.worker]) censored += d.value;
    censored /= static_cast<double>(w.tasks);
    w.lower_bound = true;
    w.slowdown =
        form == ComputeForm::STRAGGLING ? censored / c.pooled.mean() : (censored - c.pooled.scale()) / c.pooled.shift;
    w.significant = w.slowdown > 1.05;
    if (w.significant) c.slowdown[w.worker] = w.slowdown;
  }

  c.empirical = kaplan_meier(normalised);
  c.ks_statistic = ks_statistic(c.empirical, [&](double t) { return c.pooled.cdf(t); });
  c.ks_pvalue = kolmogorov_smirnov_pvalue(c.ks_statistic, c.pooled.observed);
  for (const auto& s : c.empirical) c.qq.emplace_back(c.pooled.quantile((s.before + s.after) / 2), s.t);
  return c;
}

}  // namespace sgdsim::analysis
