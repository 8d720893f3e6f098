// The gradient-coding family: uncoded, EGC, AGC and ignore-stragglers GD with a parameter server and k workers.
#include <algorithm>
#include <cmath>

#include "run_common.hpp"
#include "sgdsim/core/data/assignment.hpp"

namespace sgdsim::detail {
namespace {

// The rows a worker computes on: its c partitions (FRC) or its own partition (uncoded, ignore_stragglers).
struct WorkerTask {
  std::vector<std::int64_t> rows;
  double load = 0;  // |rows| / N: fraction of the data set, and the weight that makes Σ_groups results = ∇F
};

// Uncoded algorithms are the code with c = 1: every group is one worker holding one partition.
FrcCode code_of(const AlgorithmSpec& a, int k) {
  const bool coded = a.kind == AlgorithmKind::EGC || a.kind == AlgorithmKind::AGC;
  return FrcCode{k, coded ? a.tasks_per_worker : 1};
}

WorkerTask task_of(const Shards& shards, const FrcCode& code, int worker) {
  WorkerTask task;
  const int first = code.first_partition(code.group_of(worker));
  for (int p = first; p < first + code.per_worker; ++p) {
    const auto rows = shards.shard(p);
    task.rows.insert(task.rows.end(), rows.begin(), rows.end());
  }
  task.load = static_cast<double>(task.rows.size()) / static_cast<double>(shards.samples());
  return task;
}

// Whether the PS has what it waits for, given the arrivals so far.
bool enough(AlgorithmKind kind, int arrived, int groups_covered, int groups, int k, int wait_for) {
  switch (kind) {
    case AlgorithmKind::UNCODED: return arrived == k;
    case AlgorithmKind::EGC: return groups_covered == groups;
    default: return arrived >= wait_for;  // agc, ignore_stragglers
  }
}

// Rank 0 (the PS): per iteration, sends [x, control] to every worker, waits for results until the rule of the
// algorithm is met, withdraws the rest (late results are dropped and never reach a later iteration), decodes, steps.
RunOutcome run_server(const RunContext& c) {
  const Scenario& s = c.scenario;
  const AlgorithmSpec& a = s.algorithm;
  const int k = s.cluster.workers;
  const FrcCode code = code_of(a, k);
  const auto d = static_cast<std::size_t>(c.problem.dimension());

  std::vector<double> x(d, 0.0), message(d + 1), g(d);
  std::vector<std::vector<double>> results(static_cast<std::size_t>(k), std::vector<double>(d));
  std::vector<Request> pending(static_cast<std::size_t>(k));
  std::vector<Request> sends(static_cast<std::size_t>(k));
  std::vector<char> group_used(static_cast<std::size_t>(code.groups()));
  // Per iteration and worker: arrival time and whether the result was used (merged into the workers' own records).
  std::vector<double> arrival;
  std::vector<char> used;
  RunBook book(c);
  std::uint64_t delivered = 0;  // payload bytes of results that reached the PS
  std::int64_t t = 0;

  auto send_model = [&](std::int64_t iteration, bool stop) {
    std::copy(x.begin(), x.end(), message.begin());
    message[d] = stop ? 1.0 : 0.0;
    for (int w = 0; w < k; ++w) sends[w] = c.comm.send_async(w + 1, message_tag(iteration, MessageKind::MODEL), message);
    for (auto& r : sends) c.comm.wait(r);
  };

  bool stop = false;
  while (!stop) {
    ++t;
    for (int w = 0; w < k; ++w)
      pending[w] = c.comm.recv_async(w + 1, message_tag(t, MessageKind::RESULT), results[w]);
    send_model(t, false);
    arrival.resize(static_cast<std::size_t>(t * k), NOT_EVALUATED);
    used.resize(static_cast<std::size_t>(t * k), 0);
    const std::size_t row = static_cast<std::size_t>((t - 1) * k);

    int arrived = 0, covered = 0;
    std::fill(group_used.begin(), group_used.end(), 0);
    std::fill(g.begin(), g.end(), 0.0);
    while (!enough(a.kind, arrived, covered, code.groups(), k, a.wait_for)) {
      const auto w = static_cast<int>(c.comm.wait_any(pending));
      ++arrived;
      delivered += d * sizeof(double);
      arrival[row + w] = c.clock.now();
      // One result per group enters the sum (FRC decoding); uncoded groups have one worker each.
      const int group = code.group_of(w);
      if (!group_used[group]) {
        group_used[group] = 1;
        ++covered;
        used[row + w] = 1;
        kernels::axpy(1.0, results[w], g);
      }
    }
    for (auto& r : pending)
      if (r.pending()) c.comm.cancel(r);
    // AGC sums without rescaling (Wang, Charles & Papailiopoulos 2019); ignore_stragglers rescales by k/r.
    if (a.kind == AlgorithmKind::IGNORE_STRAGGLERS) kernels::scale(static_cast<double>(k) / arrived, g);
    kernels::axpy(-a.step.at(t - 1), g, x);

    IterationRecord r{c.repetition, t, c.clock.now(), NOT_EVALUATED, NOT_EVALUATED, t,
                      c.comm.bytes_sent() + delivered, arrived};
    if (book.evaluate_at(t)) book.evaluate(r, x);
    stop = book.record(r, x);
  }
  send_model(t + 1, true);  // releases the workers (and interrupts any still computing)

  RunOutcome outcome;
  auto workers = gather_worker_records(c.comm, {});
  for (auto& w : workers) {
    const std::size_t i = static_cast<std::size_t>((w.iteration - 1) * k + w.worker);
    w.arrival = arrival[i];
    w.used = used[i] != 0;
    w.dropped = !w.used;
  }
  for (const auto& w : workers) c.trace.worker(w);
  outcome.summary = book.finish(x);
  outcome.model = x;
  return outcome;
}

// Ranks 1..k (workers 0..k−1): receive the model, compute the task, send the result unless the next model (which
// means the PS has moved on) arrives first; a result still in flight when the next model arrives is withdrawn.
RunOutcome run_worker(const RunContext& c) {
  const Scenario& s = c.scenario;
  const int k = s.cluster.workers;
  const int worker = c.comm.rank() - 1;
  const auto shards = Shards::shared(c.problem.samples(), k, s.seed, c.repetition);
  const WorkerTask task = task_of(*shards, code_of(s.algorithm, k), worker);
  const auto d = static_cast<std::size_t>(c.problem.dimension());

  std::vector<double> x(d), message(d + 1), result(d);
  std::vector<WorkerRecord> mine;
  Request next = c.comm.recv_async(0, message_tag(1, MessageKind::MODEL), message);
  Request sent;
  c.comm.wait(next);
  for (std::int64_t t = 1; message[d] == 0.0; ++t) {
    std::copy(message.begin(), message.begin() + static_cast<std::ptrdiff_t>(d), x.begin());
    next = c.comm.recv_async(0, message_tag(t + 1, MessageKind::MODEL), message);
    const double start = c.clock.now();
    c.compute.gradient(kernels::SampleSet::list(task.rows), x, result);
    // Weighting by |rows|/N makes the results of one worker per group sum to the full gradient.
    kernels::scale(task.load, result);
    const bool computed = c.compute.spend(task.load, t, start, &next);
    if (computed) sent = c.comm.send_async(0, message_tag(t, MessageKind::RESULT), result);
    mine.push_back({c.repetition, t, worker, start, c.compute.last_modelled(), NOT_EVALUATED, computed, false, true});
    if (next.pending()) c.comm.wait(next);
    if (sent.pending() && !c.comm.test(sent)) c.comm.cancel(sent);
  }
  gather_worker_records(c.comm, mine);
  return {};
}

}  // namespace

RunOutcome run_parameter_server(const RunContext& context) {
  return context.comm.rank() == 0 ? run_server(context) : run_worker(context);
}

}  // namespace sgdsim::detail
