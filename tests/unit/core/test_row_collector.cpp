// RowCollector: worker rows in (iteration, worker) order whatever order ranks report in, arrivals merged, silent workers.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "sgdsim/core/trace/row_collector.hpp"
#include "sgdsim/error.hpp"
#include "sgdsim/interrupt.hpp"

using namespace sgdsim;

namespace {

WorkerRecord record(std::int64_t iteration, int worker, double start) {
  return {0, iteration, worker, start, 0.5, NOT_EVALUATED, true, false, true};
}

std::string order(const RunResults& r) {
  std::string text;
  for (const auto& w : r.workers) text += std::to_string(w.iteration) + ":" + std::to_string(w.worker) + " ";
  return text;
}

}  // namespace

TEST_CASE("rows reported by each rank in its own order come out by iteration then worker, as soon as complete") {
  RunResults out;
  RowCollector rows(3, out);
  rows.worker(record(1, 2, 0.0));
  rows.worker(record(1, 0, 0.0));
  rows.worker(record(2, 0, 1.0));  // worker 0 is one iteration ahead
  CHECK(out.workers.empty());
  rows.worker(record(1, 1, 0.0));  // iteration 1 complete
  CHECK(order(out) == "1:0 1:1 1:2 ");
  rows.worker(record(2, 2, 1.0));
  rows.worker(record(2, 1, 1.0));
  CHECK(order(out) == "1:0 1:1 1:2 2:0 2:1 2:2 ");
  CHECK(rows.open_iterations() == 0);
}

TEST_CASE("in the PS family a row waits for the PS's arrival, which sets arrival, used and dropped") {
  RunResults out;
  RowCollector rows(2, out);
  rows.expect_arrivals();
  rows.worker(record(1, 0, 0.0));
  rows.worker(record(1, 1, 0.0));
  rows.arrival({0, 1, 1, 2.5, true});
  CHECK(out.workers.empty());
  rows.arrival({0, 1, 0, NOT_EVALUATED, false});
  REQUIRE(out.workers.size() == 2);
  CHECK(std::isnan(out.workers[0].arrival));
  CHECK_FALSE(out.workers[0].used);
  CHECK(out.workers[0].dropped);
  CHECK(out.workers[1].arrival == 2.5);
  CHECK(out.workers[1].used);
  CHECK_FALSE(out.workers[1].dropped);
}

TEST_CASE("flush fills the rows of a silent worker with what the PS knows and refuses to invent any other") {
  RunResults out;
  RowCollector rows(2, out);
  rows.expect_arrivals();
  rows.worker(record(1, 0, 0.0));
  rows.arrival({0, 1, 0, 1.0, true});
  rows.arrival({0, 1, 1, 0.75, false});  // worker 1's result arrived before it went silent
  const std::vector<int> none;
  CHECK_THROWS_AS(rows.flush(none), Error);
  RunResults out2;
  RowCollector rows2(2, out2);
  rows2.expect_arrivals();
  rows2.worker(record(1, 0, 0.0));
  rows2.arrival({0, 1, 0, 1.0, true});
  rows2.arrival({0, 1, 1, 0.75, false});
  const std::vector<int> silent{1};
  rows2.flush(silent);
  REQUIRE(out2.workers.size() == 2);
  const WorkerRecord& w = out2.workers[1];
  CHECK(w.worker == 1);
  CHECK(std::isnan(w.start));
  CHECK(std::isnan(w.compute));
  CHECK(w.arrival == 0.75);
  CHECK(w.computed);  // its result arrived
  CHECK_FALSE(w.used);
  CHECK(w.dropped);
}

TEST_CASE("an iteration row passes on, then an interrupt received earlier unwinds as Interrupted") {
  RunResults out;
  RowCollector rows(1, out);
  rows.iteration({0, 1, 0.5, 1.0, 1.0, 1, 8, 1});
  interrupt::received = 2;
  CHECK_THROWS_AS(rows.iteration({0, 2, 1.0, 1.0, 1.0, 2, 16, 1}), Interrupted);
  interrupt::received = 0;
  CHECK(out.iterations.size() == 2);  // the row that was complete is kept
}

TEST_CASE("a worker gone from an iteration on: its rows are written for it, per run, merged with the PS's arrivals") {
  RunResults out;
  RowCollector rows(2, out);
  rows.expect_arrivals();
  // Run 0: worker 1 reports iteration 1 and is gone from iteration 2; run 1: it reports both.
  rows.worker(record(1, 1, 0.25));
  rows.worker_gone(0, 1, 2);
  for (std::int64_t t = 1; t <= 2; ++t) {
    rows.worker(record(t, 0, 0.5 * static_cast<double>(t)));
    rows.arrival({0, t, 0, 1.0 * static_cast<double>(t), true});
    rows.arrival({0, t, 1, t == 1 ? 0.75 : NOT_EVALUATED, false});
  }
  REQUIRE(out.workers.size() == 4);
  CHECK(out.workers[1].start == 0.25);  // its own row
  const WorkerRecord& gone = out.workers[3];
  CHECK((gone.run == 0 && gone.iteration == 2 && gone.worker == 1));
  CHECK(std::isnan(gone.start));
  CHECK(gone.compute == 0);
  CHECK_FALSE(gone.computed);
  CHECK(std::isnan(gone.arrival));
  CHECK_FALSE(gone.used);
  CHECK(gone.dropped);
  // Run 1: not gone there, so its iteration 2 waits for worker 1's own record.
  WorkerRecord first = record(2, 0, 1.0), second = record(2, 1, 3.0);
  first.run = second.run = 1;
  rows.worker(first);
  rows.arrival({1, 2, 0, 1.5, true});
  rows.arrival({1, 2, 1, 1.6, true});
  CHECK(out.workers.size() == 4);
  rows.worker(second);
  REQUIRE(out.workers.size() == 6);
  CHECK(out.workers[5].start == 3.0);
  CHECK(out.workers[5].used);
}
