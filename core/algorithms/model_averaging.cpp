// sync SGD and local SGD (τ local steps, then model averaging): every worker keeps a model, mixing is an all-reduce.
#include "sgdsim/core/algorithms/model_averaging.hpp"

#include <cmath>

#include "builtin.hpp"
#include "sgdsim/core/algorithms/run_book.hpp"
#include "sgdsim/core/data/assignment.hpp"

namespace sgdsim {
namespace {

// Ranks 0..k−1 are workers 0..k−1; rank 0 also keeps the trace. Per iteration each worker draws a mini-batch of B rows
// from its shard, computes the gradient at its model and spends the modelled time of load B/N. sync SGD all-reduces
// the gradient every iteration and takes the step with the mean; local SGD steps on its own model and all-reduces
// the models every τ iterations (and at the last). The all-reduced vector carries one extra element, each rank's
// cumulative bytes sent (this round included), so the trace reports the exact total volume of all ranks.
RunOutcome run_model_averaging(const RunContext& c, const AveragingParams& a) {
  const Scenario& s = c.scenario;
  const StepSize& step = s.algorithm.step;
  const int k = s.cluster.workers;
  const int rank = c.comm.rank();
  const auto d = static_cast<std::size_t>(c.problem.dimension());
  const bool local = a.average_models;
  const int tau = a.tau;

  // sampling "data_set": every worker draws from all rows (in the order of a single worker's shard, so that k = 1
  // samples exactly as "shard" does).
  const auto shards = Shards::shared(c.problem.samples(), a.sample_data_set ? 1 : k, s.seed, c.repetition);
  BatchSampler sampler(shards->shard(a.sample_data_set ? 0 : rank), a.batch_size, s.seed, c.repetition, rank);
  const double load = static_cast<double>(a.batch_size) / static_cast<double>(c.problem.samples());

  std::vector<double> x = c.problem.initial_point(s.seed, c.repetition), grad(d), buffer(d + 1);
  RunBook book(c, x);
  const std::int64_t last = book.max_iterations();
  std::vector<WorkerRecord> mine;
  std::int64_t rounds = 0;
  std::uint64_t bytes = 0;

  for (std::int64_t t = 1; t <= last; ++t) {
    const double start = c.clock.now();
    c.compute.gradient(kernels::SampleSet::list(sampler.next()), x, grad);
    c.compute.spend(load, t, start);
    const double eta = step.at(t - 1);
    WorkerRecord w{c.repetition, t, rank, start, c.compute.last_modelled(), NOT_EVALUATED, true, true, false};
    if (local) kernels::axpy(-eta, grad, x);

    const bool sync = t % tau == 0 || t == last;
    if (!sync) {
      mine.push_back(w);
      if (rank == 0) {
        IterationRecord r{c.repetition, t, c.clock.now(), NOT_EVALUATED, NOT_EVALUATED, rounds, bytes, k};
        book.record(r, x, /*decide=*/false);
      }
      continue;
    }

    const auto& payload = local ? x : grad;
    std::copy(payload.begin(), payload.end(), buffer.begin());
    buffer[d] = static_cast<double>(c.comm.bytes_sent() + c.comm.allreduce_bytes(d + 1));
    c.comm.allreduce_mean(buffer, message_tag(t, MessageKind::AVERAGE));
    bytes = static_cast<std::uint64_t>(std::llround(buffer[d] * k));
    ++rounds;
    if (local) {
      std::copy(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(d), x.begin());
    } else {
      kernels::axpy(-eta, std::span<const double>(buffer).first(d), x);
    }
    w.arrival = c.clock.now();
    mine.push_back(w);

    bool stop = false;
    if (rank == 0) {
      IterationRecord r{c.repetition, t, c.clock.now(), NOT_EVALUATED, NOT_EVALUATED, rounds, bytes, k};
      if (book.evaluate_at(t)) book.evaluate(r, x);
      stop = book.record(r, x);
    } else {
      stop = !all_finite(x) || t == last;  // the same decision rank 0 makes, from the identical averaged model
    }
    if (book.needs_stop_broadcast()) {
      // Time and target-loss stops are known only to rank 0: it tells the others.
      double flag = stop ? 1.0 : 0.0;
      c.comm.broadcast(0, std::span<double>(&flag, 1), message_tag(t, MessageKind::CONTROL));
      stop = flag != 0.0;
    }
    if (stop) break;
  }

  RunOutcome outcome;
  const auto workers = gather_worker_records(c.comm, mine);
  if (rank == 0) {
    for (const auto& w : workers) c.trace.worker(w);
    outcome.summary = book.finish(x);
  }
  outcome.model = x;
  return outcome;
}

void resolve_averaging(const AveragingParams& a, config::ordered_json& out) {
  out["batch_size"] = a.batch_size;
  if (a.average_models) out["tau"] = a.tau;
  out["sampling"] = a.sample_data_set ? "data_set" : "shard";
}

// The keys both members share: batch_size and sampling.
AveragingParams read_averaging(const config::Object& o) {
  AveragingParams a;
  a.batch_size = o.int32_or("batch_size", a.batch_size, 1);
  if (const config::json* x = o.get("sampling"))
    a.sample_data_set = config::read_choice(*x, o.at("sampling"), {"shard", "data_set"}) == 1;
  return a;
}

const KeyDoc BATCH_SIZE{"batch_size", "32", "mini-batch size B per worker and iteration"};
const KeyDoc SAMPLING{"sampling", "shard",
                      "shard: mini-batches from the worker's own shard; data_set: from the whole data set"};

}  // namespace

namespace builtin {

AlgorithmDef sync_sgd() {
  return make_algorithm<AveragingParams>(
      "sync_sgd", "synchronous SGD: every iteration all-reduces the workers' mini-batch gradients, one step with their mean",
      CommShape::PEERS, {BATCH_SIZE, SAMPLING}, [](const config::Object& o, const Scenario&) { return read_averaging(o); },
      resolve_averaging, run_model_averaging);
}

AlgorithmDef local_sgd() {
  return make_algorithm<AveragingParams>(
      "local_sgd", "local SGD (PR-SGD, LUPA-SGD): tau local steps on each worker, then an all-reduce of the models",
      CommShape::PEERS,
      {BATCH_SIZE, {"tau", "1", "local steps between averaging rounds (1: average every step)"}, SAMPLING},
      [](const config::Object& o, const Scenario&) {
        AveragingParams a = read_averaging(o);
        a.average_models = true;
        a.tau = o.int32_or("tau", a.tau, 1);
        return a;
      },
      resolve_averaging, run_model_averaging);
}

}  // namespace builtin
}  // namespace sgdsim
