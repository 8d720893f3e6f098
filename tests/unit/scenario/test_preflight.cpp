// Checks before a run: missing files name their JSON key; the memory estimate refuses what does not fit, naming the
// setting (or the file:line) responsible, before the data is allocated.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "../data/data_test_util.hpp"
#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/core/scenario/preflight.hpp"
#include "sgdsim/core/trace/trace.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;
using test::error_of;
using test::TempFile;

namespace {

const char* const BASE = R"({
  "problem": {"objective": "logistic", "data": {"synthetic": {"samples": 1000, "features": 10}}},
  "cluster": {"workers": 4},
  "algorithm": {"name": "sync_sgd", "step_size": 0.5},
  "stop": {"iterations": 100}
})";

MemoryBudget budget(double bytes) { return {bytes, "allowed by --max-memory test"}; }

}  // namespace

TEST_CASE("check_files names the JSON key of a data or platform file that does not exist") {
  const std::string missing = R"(problem.data={"libsvm": {"path": "/nonexistent/a.svm"}})";
  CHECK(error_of<ConfigError>([&] { check_files(parse_scenario(BASE, {missing})); }) ==
        "scenario.problem.data.libsvm.path: data file /nonexistent/a.svm does not exist");
  CHECK(error_of<ConfigError>([&] {
          check_files(parse_scenario(BASE, {R"(problem.data={"csv": {"path": "/tmp"}})"}));
        }) == "scenario.problem.data.csv.path: data file /tmp is not a regular file");
  CHECK(error_of<ConfigError>([&] { check_files(parse_scenario(BASE, {"cluster.network=\"/nonexistent/p.xml\""})); }) ==
        "scenario.cluster.network: platform file /nonexistent/p.xml does not exist");
  check_files(parse_scenario(BASE));  // synthetic data, generated platform: nothing to check
}

TEST_CASE("the estimate of a small simulation, part by part (hand-computed)") {
  const Scenario s = parse_scenario(BASE);
  const MemoryGuard guard(s, Placement::ALL_RANKS, budget(0));
  const DataShape shape = guard.planned_shape();
  CHECK(shape.bytes == 1000 * 10 * 8 + 1000 * 8);  // dense features and labels
  const MemoryEstimate e = guard.estimate(shape);
  const double vector = 11 * 8;  // d + 1 doubles
  CHECK(e.data == 88000);
  CHECK(e.models == 4 * 8 * vector + 256 * vector + 2 * vector);  // 8 vectors per rank, kernel partials and sum
  // One order of all rows and offsets per process, counted twice, and each worker's batch of 32 row indices.
  CHECK(e.assignment == 2 * (1000 + 4 + 1) * 8 + 4 * 32 * 8);
  CHECK(e.traces_counted);
  // Streamed: sync SGD's workers stay in step, so 3 open iterations of 4 records and 4 arrivals each.
  CHECK(e.traces == 3 * 4 * 2 * sizeof(WorkerRecord));
  CHECK(e.actors == 4 * 65536);
  // One rank per process: a real run's rank 0.
  const MemoryEstimate one = MemoryGuard(s, Placement::ONE_RANK, budget(0)).estimate(shape);
  CHECK(one.models == 8 * vector + 256 * vector + 2 * vector);
  CHECK(one.actors == 0);
  // A real run's rank 0 holds the repetition's 100 x 4 worker records once the other ranks send theirs.
  CHECK(one.traces == 100 * sizeof(IterationRecord) + 400 * (3 * sizeof(WorkerRecord) + 64 + 9 * 8));
}

TEST_CASE("a simulation's trace estimate: the iterations its workers can drift apart") {
  const auto traces = [](std::vector<std::string> sets) {
    const Scenario s = parse_scenario(BASE, sets);
    const MemoryGuard guard(s, Placement::ALL_RANKS, budget(0));
    return guard.estimate(guard.planned_shape()).traces / (4 * 2 * sizeof(WorkerRecord));
  };
  CHECK(traces({"algorithm.name=local_sgd", "algorithm.tau=10"}) == 12);  // up to tau apart between rounds
  CHECK(traces({"algorithm.name=local_sgd", R"(algorithm.tau={"schedule": "list", "taus": [2, 30, 5]})"}) == 32);
  CHECK(traces({"algorithm.name=local_sgd", "algorithm.tau=500"}) == 100);  // never more than the run
  CHECK(traces({"algorithm.name=uncoded"}) == 3);                           // the PS keeps them in step
  CHECK(traces({"algorithm.name=dpsgd"}) == 100);  // neighbours one apart: the graph's diameter, counted as the run
}

TEST_CASE("a run that does not fit is refused, naming the largest part's setting") {
  const Scenario wide =
      parse_scenario(BASE, {"problem.data.synthetic.samples=10", "problem.data.synthetic.features=1e6"});
  const MemoryGuard models(wide, Placement::ALL_RANKS, budget(100e6));
  const std::string m = error_of<ConfigError>([&] { models.check_planned(); });
  CHECK(m.starts_with("scenario.problem.data.synthetic: the run would need about "));
  CHECK(m.find("more than the 95.37 MiB allowed by --max-memory test") != std::string::npos);
  CHECK(m.find("the largest part is the models: 1000000 features x the ranks of cluster.workers = 4") !=
        std::string::npos);
  const Scenario tall = parse_scenario(BASE, {"problem.data.synthetic.samples=1e7"});
  const std::string d =
      error_of<ConfigError>([&] { MemoryGuard(tall, Placement::ALL_RANKS, budget(100e6)).check_planned(); });
  CHECK(d.find("the largest part is the data (scenario.problem.data.synthetic (samples x features))") !=
        std::string::npos);
  const Scenario many = parse_scenario(BASE, {"cluster.workers=2000", "problem.data.synthetic.samples=2000",
                                                    "problem.data.synthetic.features=1"});
  const std::string k =
      error_of<ConfigError>([&] { MemoryGuard(many, Placement::ALL_RANKS, budget(100e6)).check_planned(); });
  CHECK(k.find("the largest part is the simulated ranks of cluster.workers = 2000") != std::string::npos);
  MemoryGuard(parse_scenario(BASE), Placement::ALL_RANKS, budget(100e6)).check_planned();  // fits
}

TEST_CASE("mini-batches are counted: q x batch_size row indices per worker") {
  const auto batches = [](std::vector<std::string> sets) {
    const Scenario s = parse_scenario(BASE, sets);
    const MemoryGuard guard(s, Placement::ALL_RANKS, budget(0));
    return guard.estimate(guard.planned_shape()).assignment - 2 * (1000 + 4 + 1) * 8;
  };
  CHECK(batches({"algorithm.batch_size=1000"}) == 4 * 1000 * 8);
  // RI-SGD with mu = 0.5 over 4 workers: q = 3 chunks; heterogeneous redundancy: up to all 4.
  CHECK(batches({"algorithm.name=ri_sgd", "algorithm.redundancy=0.5"}) == 4 * 3 * 32 * 8);
  CHECK(batches({"algorithm.name=ri_sgd", "algorithm.redundancy=0.5", "algorithm.replication=heterogeneous",
                 "algorithm.redundancy_std=0.1"}) == 4 * 4 * 32 * 8);
  // batch_size = 2^31 - 1 (16 GiB of indices per worker) is refused before a run allocates it.
  const Scenario huge = parse_scenario(BASE, {"algorithm.batch_size=2147483647"});
  CHECK(error_of<ConfigError>([&] { MemoryGuard(huge, Placement::ALL_RANKS, budget(1e9)).check_planned(); })
            .find("the largest part is the shards: an order of all samples and cluster.workers = 4 offsets, and "
                  "each worker's mini-batch of algorithm.batch_size rows") != std::string::npos);
}

TEST_CASE("a LIBSVM index that would make the models too large is refused at its line, before allocation") {
  const TempFile file("bomb.svm", "1 1:1\n-1 2147483647:1\n");
  const Scenario s = parse_scenario(BASE, {R"(problem.data={"libsvm": {"path": ")" + file.path().string() + "\"}}"});
  const MemoryGuard guard(s, Placement::ALL_RANKS, budget(1e9));
  const std::string m = error_of<ConfigError>([&] { load_dataset(s.problem, s.seed, &guard); });
  CHECK(m.starts_with(file.at(2) + "index 2147483647: the run would need about"));
  CHECK(m.find("the largest part is the models: 2147483648 features") != std::string::npos);
  // Without a guard the same file loads (its data is two rows).
  CHECK(load_dataset(s.problem, s.seed).cols == 2147483647);
}

TEST_CASE("a CSV whose columns would make the models too large is refused at its first row") {
  std::string row = "1";
  for (int i = 0; i < 100000; ++i) row += ",0";
  const TempFile file("wide.csv", row + "\n" + row + "\n");
  const Scenario s = parse_scenario(BASE, {R"(problem.data={"csv": {"path": ")" + file.path().string() + "\"}}"});
  const MemoryGuard guard(s, Placement::ALL_RANKS, budget(2e7));
  const std::string m = error_of<ConfigError>([&] { load_dataset(s.problem, s.seed, &guard); });
  CHECK(m.starts_with(file.at(1) + "100001 columns: the run would need about"));
}

TEST_CASE("an IDX header that claims more than fits is refused before the values are allocated") {
  // Unsigned bytes, 100 000 images of 1000 x 1000 (10^11 values) in a file of 16 bytes; its labels file agrees.
  const TempFile images("images.idx", std::string("\0\0\x08\x03\0\x01\x86\xa0\0\0\x03\xe8\0\0\x03\xe8", 16));
  const TempFile labels("labels.idx", std::string("\0\0\x08\x01\0\x01\x86\xa0", 8));
  const Scenario s = parse_scenario(BASE, {R"(problem.data={"idx": {"images": ")" + images.path().string() +
                                           R"(", "labels": ")" + labels.path().string() + "\"}}"});
  const MemoryGuard guard(s, Placement::ALL_RANKS, budget(1e9));
  const std::string m = error_of<ConfigError>([&] { load_dataset(s.problem, s.seed, &guard); });
  CHECK(m.starts_with(images.path().string() + ": 100000 images of 1000000 values: the run would need about"));
  CHECK(m.find("the largest part is the data") != std::string::npos);
  // 2^32 - 1 images of 2^31 - 1 values cannot be addressed at all: refused without a guard too.
  const TempFile huge("huge.idx", std::string("\0\0\x08\x02\xff\xff\xff\xff\x7f\xff\xff\xff", 12));
  const TempFile huge_labels("huge-labels.idx", std::string("\0\0\x08\x01\xff\xff\xff\xff", 8));
  CHECK(error_of<DataError>([&] {
          load_idx({huge.path(), huge_labels.path(), {}, {}});
        }) == huge.path().string() + ": 4294967295 images of 2147483647 values cannot be held in memory");
}

TEST_CASE("--max-memory sizes: binary and decimal units, errors name the option") {
  CHECK(parse_memory_size("4GiB") == 4.0 * (1 << 30));
  CHECK(parse_memory_size("4G") == 4.0 * (1 << 30));
  CHECK(parse_memory_size("500MB") == 500e6);
  CHECK(parse_memory_size("1.5K") == 1536);
  CHECK(parse_memory_size("123") == 123);
  CHECK(error_of<ConfigError>([] { parse_memory_size("lots"); }).starts_with("--max-memory: must be a size > 0"));
  CHECK(error_of<ConfigError>([] { parse_memory_size("-1G"); }).starts_with("--max-memory:"));
  CHECK(memory_budget("2GiB").bytes == 2.0 * (1 << 30));
}
