// RowCollector: holds each iteration's worker records until all are in, then passes them on in worker order.
#include "sgdsim/core/trace/row_collector.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "sgdsim/error.hpp"
#include "sgdsim/interrupt.hpp"

namespace sgdsim {

RowCollector::RowCollector(int workers, RunSink& out, TraceSink* observer)
    : workers_(workers), out_(out), observer_(observer) {}

void RowCollector::iteration(const IterationRecord& record) {
  out_.iteration(record);
  if (observer_ != nullptr) observer_->iteration(record);
  interrupt::check();
}

RowCollector::Open& RowCollector::open(int run, std::int64_t iteration) {
  auto [it, inserted] = open_.try_emplace(Key{run, iteration});
  Open& o = it->second;
  if (inserted) {
    if (!spare_.empty()) {
      o = std::move(spare_.back());
      spare_.pop_back();
    }
    const auto k = static_cast<std::size_t>(workers_);
    o.records.resize(k);
    o.has_record.assign(k, 0);
    o.arrivals.resize(k);
    o.has_arrival.assign(k, 0);
    o.records_in = 0;
    o.arrivals_in = 0;
    o.run = run;
    o.iteration = iteration;
  }
  return o;
}

namespace {

std::size_t slot_of(int worker, int workers, std::int64_t iteration) {
  if (worker < 0 || worker >= workers)
    SGDSIM_THROW(Error, "record of iteration " + std::to_string(iteration) + " names worker " + std::to_string(worker) +
                            ", outside 0.." + std::to_string(workers - 1));
  return static_cast<std::size_t>(worker);
}

}  // namespace

void RowCollector::worker(const WorkerRecord& record) {
  const std::size_t w = slot_of(record.worker, workers_, record.iteration);
  Open& o = open(record.run, record.iteration);
  if (o.has_record[w] != 0)
    SGDSIM_THROW(Error, "two records of worker " + std::to_string(record.worker) + " at iteration " +
                            std::to_string(record.iteration));
  o.records[w] = record;
  o.has_record[w] = 1;
  ++o.records_in;
  pass_on_complete();
}

void RowCollector::arrival(const ArrivalRecord& record) {
  if (!with_arrivals_) SGDSIM_THROW(Error, "an arrival was reported without expect_arrivals() first");
  const std::size_t w = slot_of(record.worker, workers_, record.iteration);
  Open& o = open(record.run, record.iteration);
  if (o.has_arrival[w] == 0) ++o.arrivals_in;
  o.arrivals[w] = record;
  o.has_arrival[w] = 1;
  pass_on_complete();
}

void RowCollector::worker_gone(int run, int worker, std::int64_t iteration) {
  slot_of(worker, workers_, iteration);
  gone_from_[{run, worker}] = iteration;
  pass_on_complete();
}

bool RowCollector::gone(int run, std::int64_t iteration, std::size_t w) const {
  if (gone_from_.empty()) return false;
  auto it = gone_from_.find({run, static_cast<int>(w)});
  return it != gone_from_.end() && iteration >= it->second;
}

bool RowCollector::complete(const Open& o) const {
  if (with_arrivals_ && o.arrivals_in != workers_) return false;
  // A worker gone at this iteration reports nothing for it (a second record would have been refused).
  int gone_here = 0;
  for (const auto& [key, from] : gone_from_) gone_here += key.first == o.run && o.iteration >= from ? 1 : 0;
  return o.records_in + gone_here == workers_;
}

void RowCollector::pass_on(Open& o) {
  for (std::size_t w = 0; w < o.records.size(); ++w) {
    WorkerRecord r = o.has_record[w] != 0 ? o.records[w] : gone_row(o.run, o.iteration, static_cast<int>(w));
    if (with_arrivals_) {
      r.arrival = o.arrivals[w].arrival;
      r.used = o.arrivals[w].used;
      r.dropped = !r.used;
    }
    out_.worker(r);
  }
}

void RowCollector::pass_on_complete() {
  // Each rank reports its iterations in order, so once the oldest open iteration is complete the next may be too.
  while (!open_.empty() && complete(open_.begin()->second)) {
    auto first = open_.begin();
    pass_on(first->second);
    spare_.push_back(std::move(first->second));
    open_.erase(first);
  }
}

void RowCollector::flush(std::span<const int> silent) {
  for (auto& [key, o] : open_) {
    for (std::size_t w = 0; w < o.records.size(); ++w) {
      const int worker = static_cast<int>(w);
      if (with_arrivals_ && o.has_arrival[w] == 0)
        SGDSIM_THROW(Error, "the aggregator reported no arrival of worker " + std::to_string(worker) +
                                " at iteration " + std::to_string(key.second));
      if (o.has_record[w] != 0 || gone(key.first, key.second, w)) continue;
      if (std::find(silent.begin(), silent.end(), worker) == silent.end())
        SGDSIM_THROW(Error, "worker " + std::to_string(worker) + " reported nothing for iteration " +
                                std::to_string(key.second) + " of run " + std::to_string(key.first));
      WorkerRecord& r = o.records[w];
      r = WorkerRecord{key.first, key.second, worker, NOT_EVALUATED, NOT_EVALUATED, NOT_EVALUATED, false, false, false};
      if (with_arrivals_) r.computed = !std::isnan(o.arrivals[w].arrival);  // a result arrived: it was computed
      o.has_record[w] = 1;
    }
    pass_on(o);
  }
  open_.clear();
}

}  // namespace sgdsim
