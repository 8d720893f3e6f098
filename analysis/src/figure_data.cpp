// Figure data: loss curves over repetitions, iteration durations, worker timelines.
#include "sgdsim/analysis/figure_data.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace sgdsim::analysis {

namespace {

bool wanted(const std::vector<int>& runs, int run) { return std::find(runs.begin(), runs.end(), run) != runs.end(); }

// The evaluated losses of one repetition, in iteration order.
struct Evaluations {
  std::vector<double> time, loss;
};

}  // namespace

std::vector<CurvePoint> loss_over_time(const std::vector<IterationRecord>& rows, const std::vector<int>& runs,
                                       std::size_t max_points) {
  std::map<int, Evaluations> by_run;
  for (const auto& r : rows) {
    if (!wanted(runs, r.run) || std::isnan(r.loss)) continue;
    by_run[r.run].time.push_back(r.time);
    by_run[r.run].loss.push_back(r.loss);
  }
  if (by_run.empty()) return {};
  double end = std::numeric_limits<double>::infinity();
  std::vector<double> times;
  for (const auto& [run, e] : by_run) {
    end = std::min(end, e.time.back());
    times.insert(times.end(), e.time.begin(), e.time.end());
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  times.erase(std::upper_bound(times.begin(), times.end(), end), times.end());
  if (max_points >= 2 && times.size() > max_points) {
    const std::size_t step = (times.size() + max_points - 2) / (max_points - 1);
    std::vector<double> kept;
    for (std::size_t i = 0; i < times.size(); i += step) kept.push_back(times[i]);
    if (kept.back() != times.back()) kept.push_back(times.back());
    times = std::move(kept);
  }
  std::vector<CurvePoint> out;
  for (double t : times) {
    std::vector<double> values;
    for (const auto& [run, e] : by_run) {
      // The last evaluation at or before t (every repetition has one: its first is at time 0 or earlier than t).
      const auto it = std::upper_bound(e.time.begin(), e.time.end(), t);
      if (it != e.time.begin()) values.push_back(e.loss[static_cast<std::size_t>(it - e.time.begin()) - 1]);
    }
    out.push_back({t, sample_stats(values)});
  }
  return out;
}

std::vector<CurvePoint> loss_over_iterations(const std::vector<IterationRecord>& rows, const std::vector<int>& runs,
                                             IterationAxis axis) {
  std::map<std::int64_t, std::pair<std::vector<double>, std::vector<double>>> at;  // iteration -> (axis, loss)
  for (const auto& r : rows) {
    if (!wanted(runs, r.run) || std::isnan(r.loss)) continue;
    auto& [x, y] = at[r.iteration];
    x.push_back(axis == IterationAxis::COMM_ROUNDS ? static_cast<double>(r.comm_rounds) : static_cast<double>(r.bytes));
    y.push_back(r.loss);
  }
  std::vector<CurvePoint> out;
  for (const auto& [iteration, xy] : at) out.push_back({sample_stats(xy.first).mean, sample_stats(xy.second)});
  return out;
}

std::vector<double> iteration_durations(const std::vector<IterationRecord>& rows, const std::vector<int>& runs) {
  std::vector<double> out;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& a = rows[i - 1];
    const auto& b = rows[i];
    if (b.run == a.run && b.iteration == a.iteration + 1 && wanted(runs, b.run)) out.push_back(b.time - a.time);
  }
  std::sort(out.begin(), out.end());
  return out;
}

const char* timeline_state_name(TimelineState state) {
  switch (state) {
    case TimelineState::USED:
      return "used";
    case TimelineState::LATE:
      return "late";
    case TimelineState::INTERRUPTED:
      return "interrupted";
    case TimelineState::WAITING:
      return "waiting";
  }
  return "unknown";
}

std::vector<TimelineBar> worker_timeline(const std::vector<WorkerRecord>& workers, int run, std::int64_t first,
                                         std::int64_t last) {
  std::map<int, std::vector<const WorkerRecord*>> tasks;  // worker -> its tasks of the window and the one after it
  for (const auto& w : workers)
    if (w.run == run && w.iteration >= first && w.iteration <= last + 1) tasks[w.worker].push_back(&w);
  std::vector<TimelineBar> out;
  for (auto& [worker, list] : tasks) {
    std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->iteration < b->iteration; });
    for (std::size_t i = 0; i < list.size(); ++i) {
      const WorkerRecord& w = *list[i];
      if (w.iteration > last) break;
      if (std::isnan(w.start)) continue;  // never started: a failed worker's later rows, or one given up on
      const WorkerRecord* next =
          i + 1 < list.size() && list[i + 1]->iteration == w.iteration + 1 ? list[i + 1] : nullptr;
      double end = w.start + w.compute;
      TimelineState state = w.used ? TimelineState::USED : TimelineState::LATE;
      if (!w.computed) {
        state = TimelineState::INTERRUPTED;
        if (next != nullptr) end = std::min(end, next->start);
      }
      out.push_back({worker, w.iteration, state, w.start, end});
      if (next != nullptr && next->start > end)
        out.push_back({worker, w.iteration, TimelineState::WAITING, end, next->start});
    }
  }
  return out;
}

}  // namespace sgdsim::analysis
