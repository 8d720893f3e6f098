// The gradient-coding family: uncoded, EGC, AGC and ignore-stragglers GD with a parameter server and k workers.
#include "sgdsim/core/algorithms/gradient_coding.hpp"

#include <algorithm>
#include <cmath>

#include "arrivals.hpp"
#include "builtin.hpp"
#include "sgdsim/core/algorithms/run_book.hpp"
#include "sgdsim/core/comm/failures.hpp"
#include "sgdsim/core/data/assignment.hpp"

namespace sgdsim {

CodingParams CodingParams::uncoded(int k) {
  CodingParams p;
  p.wait_for = k;
  return p;
}

CodingParams CodingParams::egc(int k, int c) {
  CodingParams p;
  p.algorithm = "egc";
  p.rule = WaitRule::EVERY_GROUP;
  p.tasks_per_worker = c;
  p.wait_for = k;
  return p;
}

CodingParams CodingParams::agc(int, int c, int r) {
  CodingParams p;
  p.algorithm = "agc";
  p.rule = WaitRule::FIRST_R;
  p.tasks_per_worker = c;
  p.wait_for = r;
  return p;
}

CodingParams CodingParams::ignore_stragglers(int, int r) {
  CodingParams p;
  p.algorithm = "ignore_stragglers";
  p.rule = WaitRule::FIRST_R;
  p.wait_for = r;
  p.rescale = true;
  return p;
}

namespace {

// The rows a worker computes on: its c partitions (FRC) or its own partition (uncoded, ignore_stragglers).
struct WorkerTask {
  std::vector<std::int64_t> rows;
  double load = 0;  // |rows| / N: fraction of the data set, and the weight that makes Σ_groups results = ∇F
};

// Uncoded algorithms are the code with c = 1: every group is one worker holding one partition.
FrcCode code_of(const CodingParams& a, int k) { return FrcCode{k, a.tasks_per_worker}; }

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
bool enough(const CodingParams& a, int arrived, int groups_covered, int groups, int k) {
  switch (a.rule) {
    case WaitRule::ALL: return arrived == k;
    case WaitRule::EVERY_GROUP: return groups_covered == groups;
    case WaitRule::FIRST_R: return arrived >= a.wait_for || (a.stop_when_covered && groups_covered == groups);
  }
  return true;
}

// Whether the rule can still be met this iteration, given the workers known to have failed: every worker still
// pending that has not failed may yet deliver.
bool feasible(const CodingParams& a, const FrcCode& code, std::span<const Request> pending,
              const std::vector<char>& group_used, const std::vector<char>& failed, int arrived) {
  const int k = code.workers;
  auto can_deliver = [&](int w) { return pending[w].pending() && !failed[w]; };
  auto every_group_can_be_covered = [&] {
    for (int group = 0; group < code.groups(); ++group) {
      if (group_used[group]) continue;
      bool any = false;
      for (int w = group * code.per_worker; w < (group + 1) * code.per_worker; ++w) any = any || can_deliver(w);
      if (!any) return false;
    }
    return true;
  };
  switch (a.rule) {
    case WaitRule::ALL:
      for (int w = 0; w < k; ++w)
        if (pending[w].pending() && failed[w]) return false;
      return true;
    case WaitRule::EVERY_GROUP: return every_group_can_be_covered();
    case WaitRule::FIRST_R: {
      int possible = arrived;
      for (int w = 0; w < k; ++w) possible += can_deliver(w) ? 1 : 0;
      // agc's stop_when "r_or_covered" also ends once every group has a result.
      return possible >= a.wait_for || (a.stop_when_covered && every_group_can_be_covered());
    }
  }
  return true;
}

// "worker 3 failed at 12.5 s; uncoded waits for all 8 workers"
std::string stall_reason(const CodingParams& a, const FrcCode& code, const Arrivals& arrivals, int k) {
  const auto& failed = arrivals.failed();
  const int alive = k - static_cast<int>(std::count(failed.begin(), failed.end(), 1));
  std::string why = "worker " + std::to_string(arrivals.last_failed()) + " failed at " +
                    seconds_text(arrivals.last_failure_time()) + "; " + a.algorithm;
  switch (a.rule) {
    case WaitRule::ALL: return why + " waits for all " + std::to_string(k) + " workers";
    case WaitRule::EVERY_GROUP: {
      const int group = code.group_of(arrivals.last_failed());
      return why + " waits for one worker of every group of " + std::to_string(code.per_worker) + ", and group " +
             std::to_string(group) + " (workers " + std::to_string(code.first_partition(group)) + ".." +
             std::to_string(code.first_partition(group) + code.per_worker - 1) + ") has none alive";
    }
    case WaitRule::FIRST_R:
      return why + " waits for " + std::to_string(a.wait_for) + " of " + std::to_string(k) + " workers, " +
             std::to_string(alive) + " are alive";
  }
  return why;
}

// The fraction of the data set each group of the code holds (|rows of its c partitions| / N).
std::vector<double> group_loads(const Shards& shards, const FrcCode& code) {
  std::vector<double> loads(static_cast<std::size_t>(code.groups()), 0.0);
  for (int p = 0; p < shards.count(); ++p)
    loads[static_cast<std::size_t>(p / code.per_worker)] += static_cast<double>(shards.shard(p).size());
  for (double& l : loads) l /= static_cast<double>(shards.samples());
  return loads;
}

// Who sends the model to a rank, and to whom it passes it on. Unicast: the PS sends it to every worker at once.
// Tree (network.broadcast): the binomial tree over ranks 0..n−1 rooted at the PS; rank r > 0 gets the model from
// r − lowbit(r) and forwards it to r + 2^j for every 2^j < lowbit(r), the largest subtree first, the PS to every
// 2^j < n. Each rank sends to one child at a time, after it has the model: on a star every transfer then has its
// two links to itself, and every rank holds the model after at most ceil(log2 n) transfer times.
struct ModelRoute {
  int parent = 0;
  std::vector<int> children;  // in sending order
};

ModelRoute model_route(int rank, int n, Broadcast broadcast) {
  ModelRoute route;
  if (broadcast == Broadcast::UNICAST) {
    if (rank == 0)
      for (int r = 1; r < n; ++r) route.children.push_back(r);
    return route;
  }
  int span = 1;  // lowbit(rank); for the root, the smallest power of two ≥ n
  if (rank == 0) {
    while (span < n) span *= 2;
  } else {
    span = rank & -rank;
    route.parent = rank - span;
  }
  for (int j = span / 2; j >= 1; j /= 2)
    if (rank + j < n) route.children.push_back(rank + j);
  return route;
}

// Sends the model message on to the `children` of rank `from` in a tree broadcast over n ranks. A child that has left
// (a failed worker whose actor ended) is routed around: this rank takes over its share, sending to its children as it
// would have, as a network routes around a dead host. Each rank is still sent the message once: the plan's bytes.
void relay(Comm& comm, int from, std::span<const int> children, int n, int tag, std::span<const double> message) {
  for (int child : children)
    if (!comm.deliver(child, tag, message, from))
      relay(comm, child, model_route(child, n, Broadcast::TREE).children, n, tag, message);
}

// Rank 0 (the PS): per iteration, sends [x, control] to every worker, waits for results until the rule of the
// algorithm is met, withdraws the rest (late results are dropped and never reach a later iteration), decodes, steps.
RunOutcome run_server(const RunContext& c, const CodingParams& a) {
  const Scenario& s = c.scenario;
  const int k = s.cluster.workers;
  const FrcCode code = code_of(a, k);
  const auto d = static_cast<std::size_t>(c.problem.dimension());

  std::vector<double> x = c.problem.initial_point(s.seed, c.repetition), message(d + 1), g(d);
  std::vector<std::vector<double>> results(static_cast<std::size_t>(k), std::vector<double>(d));
  std::vector<Request> pending(static_cast<std::size_t>(k));
  std::vector<Request> sends(static_cast<std::size_t>(k));
  std::vector<char> group_used(static_cast<std::size_t>(code.groups()));
  // This iteration's arrival time and use of each worker's result (reported as ArrivalRecords, which the trace merges
  // into the workers' own records).
  std::vector<double> arrival(static_cast<std::size_t>(k));
  std::vector<char> used(static_cast<std::size_t>(k));
  // l2_term "full": the decoded sum carries l2·x only in the covered groups' share (|rows|/N each); the rest is added.
  // Made before any message, so that data too small for the workers (fewer rows than k) is an error here, before the
  // workers start (a worker's error while the PS waits on a receive crashed the simulation).
  const auto shards = Shards::shared(c.problem.samples(), k, s.seed, c.repetition);
  const std::vector<double> loads = a.full_l2 ? group_loads(*shards, code) : std::vector<double>{};
  RunBook book(c, x);
  Arrivals arrivals(c.comm, k, 1, !s.cluster.failures.empty());
  std::uint64_t delivered = 0;  // payload bytes of results that reached the PS
  std::int64_t t = 0;

  const Broadcast broadcast = s.cluster.network.broadcast;
  const ModelRoute route = model_route(0, k + 1, broadcast);
  // The model bytes the workers forward in a tree broadcast (each worker receives the model once either way).
  const auto relayed = static_cast<std::uint64_t>(k - static_cast<int>(route.children.size())) * (d + 1) * sizeof(double);
  auto send_model = [&](std::int64_t iteration, bool stop) {
    std::copy(x.begin(), x.end(), message.begin());
    message[d] = stop ? 1.0 : 0.0;
    const int tag = message_tag(iteration, MessageKind::MODEL);
    if (broadcast == Broadcast::TREE) {
      relay(c.comm, 0, route.children, k + 1, tag, message);
      return;
    }
    for (int w = 0; w < k; ++w) sends[w] = c.comm.send_async(w + 1, tag, message);
    for (auto& r : sends) c.comm.wait(r);
  };

  c.trace.expect_arrivals();
  bool stop = false;
  while (!stop) {
    ++t;
    for (int w = 0; w < k; ++w)
      pending[w] = c.comm.recv_async(w + 1, message_tag(t, MessageKind::RESULT), results[w]);
    send_model(t, false);
    std::fill(arrival.begin(), arrival.end(), NOT_EVALUATED);
    std::fill(used.begin(), used.end(), 0);

    int arrived = 0, covered = 0;
    double covered_load = 0;
    std::fill(group_used.begin(), group_used.end(), 0);
    std::fill(g.begin(), g.end(), 0.0);
    const bool alive = arrivals.collect(
        pending, [&](int n) { return enough(a, n, covered, code.groups(), k); },
        [&](int n, const std::vector<char>& failed) { return feasible(a, code, pending, group_used, failed, n); },
        [&](int w) {
          ++arrived;
          delivered += d * sizeof(double);
          arrival[w] = c.clock.now();
          // One result per group enters the sum (FRC decoding); uncoded groups have one worker each.
          const int group = code.group_of(w);
          if (!group_used[group]) {
            group_used[group] = 1;
            ++covered;
            used[w] = 1;
            kernels::axpy(1.0, results[w], g);
            if (a.full_l2) covered_load += loads[static_cast<std::size_t>(group)];
          }
        });
    if (!alive) {
      // No update: the iteration never completes. Its row is not reported; the run ends where it stood.
      for (int w = 0; w < k; ++w) c.trace.arrival({c.repetition, t, w, arrival[w], false});
      book.stall(stall_reason(a, code, arrivals, k));
      break;
    }
    // AGC sums without rescaling (Wang, Charles & Papailiopoulos 2019); ignore_stragglers rescales by k/r.
    if (a.rescale) kernels::scale(static_cast<double>(k) / arrived, g);
    if (a.full_l2) kernels::axpy((1.0 - covered_load) * c.problem.l2(), x, g);
    kernels::axpy(-s.algorithm.step.at(t - 1), g, x);
    for (int w = 0; w < k; ++w) c.trace.arrival({c.repetition, t, w, arrival[w], used[w] != 0});

    IterationRecord r{c.repetition, t, c.clock.now(), NOT_EVALUATED, NOT_EVALUATED, t,
                      c.comm.bytes_sent() + delivered + relayed * static_cast<std::uint64_t>(t), arrived};
    r.live = k - static_cast<int>(std::count(arrivals.failed().begin(), arrivals.failed().end(), 1));
    if (book.evaluate_at(t)) book.evaluate(r, x);
    stop = book.record(r, x);
  }
  send_model(t + 1, true);  // releases the workers (and interrupts any still computing; a failed one drains it)
  arrivals.finish();

  RunOutcome outcome;
  outcome.summary = book.finish(x);
  outcome.model = x;
  return outcome;
}

// Ranks 1..k (workers 0..k−1): receive the model, compute the task, send the result unless the next model (which
// means the PS has moved on) arrives first; a result still in flight when the next model arrives is withdrawn.
RunOutcome run_worker(const RunContext& c, const CodingParams& a) {
  const Scenario& s = c.scenario;
  const int k = s.cluster.workers;
  const int worker = c.comm.rank() - 1;
  const auto shards = Shards::shared(c.problem.samples(), k, s.seed, c.repetition);
  const WorkerTask task = task_of(*shards, code_of(a, k), worker);
  const auto d = static_cast<std::size_t>(c.problem.dimension());

  std::vector<double> x(d), message(d + 1), result(d);
  const ModelRoute route = model_route(c.comm.rank(), k + 1, s.cluster.network.broadcast);
  const WorkerFailure failure = failure_of(s, c.repetition, worker);
  FailureNotice failed;  // sent: this worker has failed
  Request next = c.comm.recv_async(route.parent, message_tag(1, MessageKind::MODEL), message);
  Request sent;
  c.comm.wait(next);
  for (std::int64_t t = 1;; ++t) {
    // In a tree the model (or the stop) goes on to this rank's subtree before anything else.
    relay(c.comm, c.comm.rank(), route.children, k + 1, message_tag(t, MessageKind::MODEL), message);
    if (message[d] != 0.0) break;
    std::copy(message.begin(), message.begin() + static_cast<std::ptrdiff_t>(d), x.begin());
    next = c.comm.recv_async(route.parent, message_tag(t + 1, MessageKind::MODEL), message);
    if (!failed.sent() && failure.before_start(c.clock.now(), t))
      failed.send(c.comm, 0, failure.reported(c.clock.now()));
    if (failed.sent()) {
      // A simulation ends the worker here; the trace writes its rows from t on (nothing computed).
      if (failed.leave(c.comm)) {
        c.trace.worker_gone(c.repetition, worker, t);
        return {};
      }
      // Under mpirun the rank stays, silent: it takes the models the PS still sends (and, in a tree, relays them to
      // its subtree, whose workers would otherwise never hear of the stop) until the end of the run.
      c.trace.worker(gone_row(c.repetition, t, worker));
      c.comm.wait(next);
      continue;
    }
    const double start = c.clock.now();
    c.compute.gradient(kernels::SampleSet::list(task.rows), x, result);
    // Weighting by |rows|/N makes the results of one worker per group sum to the full gradient.
    kernels::scale(task.load, result);
    bool computed = c.compute.spend(task.load, t, start, &next);
    // A failure inside the task: its result is never sent (the task counts as not computed).
    if (computed && failure.during_task(c.clock.now())) {
      failed.send(c.comm, 0, failure.time);
      computed = false;
    }
    if (computed) sent = c.comm.send_async(0, message_tag(t, MessageKind::RESULT), result);
    c.trace.worker({c.repetition, t, worker, start, c.compute.last_modelled(), NOT_EVALUATED, computed, false, true});
    if (next.pending()) c.comm.wait(next);
    if (sent.pending() && !c.comm.test(sent)) c.comm.cancel(sent);
  }
  failed.withdraw(c.comm);
  return {};
}

RunOutcome run_coding(const RunContext& context, const CodingParams& params) {
  return context.comm.rank() == 0 ? run_server(context, params) : run_worker(context, params);
}

// The keys each member takes: egc and agc the code's c, agc and ignore_stragglers r, agc stop_when and l2_term.
void resolve_coding(const CodingParams& p, config::ordered_json& out) {
  const bool coded = p.rule == WaitRule::EVERY_GROUP || (p.rule == WaitRule::FIRST_R && !p.rescale);
  if (coded) out["tasks_per_worker"] = p.tasks_per_worker;
  if (p.rule == WaitRule::FIRST_R) out["wait_for"] = p.wait_for;
  if (p.rule == WaitRule::FIRST_R && !p.rescale) {
    out["stop_when"] = p.stop_when_covered ? "r_or_covered" : "r";
    out["l2_term"] = p.full_l2 ? "full" : "covered";
  }
}

int read_tasks_per_worker(const config::Object& o, int k) {
  const config::json* x = o.get("tasks_per_worker");
  if (x == nullptr) return 1;
  const int c = config::read_int32(*x, o.at("tasks_per_worker"), 1);
  if (k % c != 0) config::fail_got(o.at("tasks_per_worker"), "must divide cluster.workers (" + std::to_string(k) + ")", *x);
  return c;
}

int read_wait_for(const config::Object& o, int k) {
  const std::string expect = "must be between 1 and cluster.workers (" + std::to_string(k) + ")";
  return config::read_int32(o.require("wait_for", "an integer between 1 and cluster.workers"), o.at("wait_for"), 1, k,
                            expect);
}

// agc's stop_when and l2_term: the paper's rule by default (Wang, Charles & Papailiopoulos 2019, §2 and eq. (1)), the
// authors' code's as the alternative.
CodingParams read_agc(const config::Object& o, int k) {
  CodingParams p = CodingParams::agc(k, read_tasks_per_worker(o, k), read_wait_for(o, k));
  if (const config::json* x = o.get("stop_when"))
    p.stop_when_covered = config::read_choice(*x, o.at("stop_when"), {"r", "r_or_covered"}) == 1;
  if (const config::json* x = o.get("l2_term"))
    p.full_l2 = config::read_choice(*x, o.at("l2_term"), {"covered", "full"}) == 1;
  return p;
}

const KeyDoc TASKS_PER_WORKER{"tasks_per_worker", "1", "c: partitions per worker; workers form k/c groups (c | k)"};
const KeyDoc WAIT_FOR{"wait_for", "required", "r: results the parameter server waits for per iteration (1..k)"};

AlgorithmDef coding_algorithm(std::string name, std::string description, std::vector<KeyDoc> keys,
                              std::function<CodingParams(const config::Object&, int k)> parse) {
  return make_algorithm<CodingParams>(
      std::move(name), std::move(description), CommShape::PARAMETER_SERVER, std::move(keys),
      [parse](const config::Object& o, const Scenario& s) { return parse(o, s.cluster.workers); }, resolve_coding,
      run_coding);
}

}  // namespace

namespace builtin {

AlgorithmDef uncoded() {
  return coding_algorithm("uncoded", "full-gradient GD, one partition per worker; the parameter server waits for all",
                          {}, [](const config::Object&, int k) { return CodingParams::uncoded(k); });
}

AlgorithmDef egc() {
  return coding_algorithm(
      "egc", "exact gradient coding (fractional repetition code): waits for one finisher in every group",
      {TASKS_PER_WORKER},
      [](const config::Object& o, int k) { return CodingParams::egc(k, read_tasks_per_worker(o, k)); });
}

AlgorithmDef agc() {
  return coding_algorithm(
      "agc", "approximate gradient coding: waits for the first r workers, sums one result per covered group",
      {TASKS_PER_WORKER, WAIT_FOR,
       {"stop_when", "r",
        "r: wait for r results (the paper); r_or_covered: or until every group has one (the authors' code)"},
       {"l2_term", "covered",
        "covered: l2*x in the covered groups' share (the paper's eq. 1); full: l2*x in full (the authors' code)"}},
      read_agc);
}

AlgorithmDef ignore_stragglers() {
  return coding_algorithm(
      "ignore_stragglers", "uncoded GD that waits for the first r workers and rescales their sum by k/r", {WAIT_FOR},
      [](const config::Object& o, int k) { return CodingParams::ignore_stragglers(k, read_wait_for(o, k)); });
}

}  // namespace builtin
}  // namespace sgdsim
