// RowCollector: every rank's records on their way to a run's sink, worker rows put in order, arrivals merged.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim {

// Worker records come from every rank, in each rank's own order (a simulation interleaves them by simulated time; a
// real run gathers them at the end of a repetition). The collector holds an iteration's records until all k workers
// (and, in the PS family, the PS's k arrivals) are in, then passes them on in worker order: workers.csv is sorted by
// (run, iteration, worker) without ever holding more than the iterations still open.
//
// It is also the interrupt checkpoint of a run: after passing on an iteration row it calls interrupt::check(), so an
// interrupted run unwinds right after a complete row.
class RowCollector final : public TraceSink {
 public:
  // `observer`, if given, also sees the iteration rows (progress display).
  RowCollector(int workers, RunSink& out, TraceSink* observer = nullptr);

  void iteration(const IterationRecord& record) override;
  void worker(const WorkerRecord& record) override;
  // After expect_arrivals() (the PS family), rows also wait for the PS's ArrivalRecords, which set their arrival,
  // used and dropped (= not used).
  void expect_arrivals() override { with_arrivals_ = true; }
  void arrival(const ArrivalRecord& record) override;
  // The worker's rows from `iteration` on are gone_row()s (merged with arrivals like any other).
  void worker_gone(int run, int worker, std::int64_t iteration) override;

  // Passes on every iteration still held (the end of a repetition). A record missing from a worker in `silent` (a
  // worker given up on) becomes a row with what the aggregator knows: arrival and used from its ArrivalRecord, computed
  // when its result arrived, start and compute empty. A record missing from any other worker is an Error.
  void flush(std::span<const int> silent = {});

  std::size_t open_iterations() const { return open_.size(); }

 private:
  struct Open {
    std::vector<WorkerRecord> records;
    std::vector<char> has_record;
    std::vector<ArrivalRecord> arrivals;
    std::vector<char> has_arrival;
    int records_in = 0;
    int arrivals_in = 0;
    int run = 0;
    std::int64_t iteration = 0;
  };
  using Key = std::pair<int, std::int64_t>;  // (run, iteration)

  Open& open(int run, std::int64_t iteration);
  bool complete(const Open& o) const;
  void pass_on(Open& o);
  void pass_on_complete();

  // Whether worker w's record of (run, iteration) is one it no longer reports (it left).
  bool gone(int run, std::int64_t iteration, std::size_t w) const;

  int workers_;
  bool with_arrivals_ = false;
  std::map<std::pair<int, int>, std::int64_t> gone_from_;  // (run, worker) -> the first iteration it did not report
  RunSink& out_;
  TraceSink* observer_;
  std::map<Key, Open> open_;
  std::vector<Open> spare_;  // buffers of passed-on iterations, reused
};

}  // namespace sgdsim
