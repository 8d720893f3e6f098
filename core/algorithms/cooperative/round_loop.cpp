// The round loop of Cooperative SGD A(τ, W, v), X ← (X − ηG)·W at the end of each round, the one implementation every
// preset runs: local steps, the mixing step, ADA-LUPA's loss rule, the trace (bytes, τ, consensus distance), stopping.
#include "round_loop.hpp"

#include <algorithm>
#include <cmath>

#include "consensus.hpp"
#include "local_gradient.hpp"
#include "mixing_step.hpp"
#include "sgdsim/core/algorithms/run_book.hpp"
#include "sgdsim/core/comm/failures.hpp"
#include "sgdsim/core/data/assignment.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim::cooperative {
namespace {

// What all ranks together sent, counted on every rank from the plans of the operations (rank 0 reports it). It is
// checked against the all-reduce's own measurement whenever a round measures it.
struct Traffic {
  std::uint64_t total = 0;     // everything sent so far
  std::uint64_t reported = 0;  // what the rows show: the total as of the last averaging round's row
};

std::uint64_t allreduce_total(int ranks, std::size_t elements) {
  std::uint64_t bytes = 0;
  for (int r = 0; r < ranks; ++r) bytes += Comm::allreduce_bytes_of(r, ranks, elements);
  return bytes;
}

// F(x̄), x̄ the workers' average model, computed as a real system would and charged to the run: the average (already
// on every worker when W = J; otherwise an all-reduce of the models), each worker's loss on its part of the data set
// (a task of that load, with its modelled time), and an all-reduce of the weighted losses. A server contributes zeros.
class DistributedLoss {
 public:
  DistributedLoss(const RunContext& c, LocalGradient* gradient, bool consensus)
      : c_(c), gradient_(gradient), consensus_(consensus), average_(static_cast<std::size_t>(c.problem.dimension())),
        grad_(average_.size()) {}

  double evaluate(std::int64_t t, std::span<const double> own, Traffic& traffic) {
    const int ranks = c_.comm.size();
    const int workers = c_.scenario.cluster.workers;
    const int tag = message_tag(t, MessageKind::LOSS);  // collectives in sequence: their messages match in order
    if (gradient_ != nullptr) {
      std::copy(own.begin(), own.end(), average_.begin());
    } else {
      std::fill(average_.begin(), average_.end(), 0.0);
    }
    if (!consensus_ && t > 0) {  // at t = 0 every model is still the common starting point
      c_.comm.allreduce_mean(average_, tag);
      if (ranks != workers) kernels::scale(static_cast<double>(ranks) / workers, average_);
      traffic.total += allreduce_total(ranks, average_.size());
    }
    double weighted = 0;
    if (gradient_ != nullptr) {
      const auto rows = gradient_->partition();
      const double share = static_cast<double>(rows.size()) / static_cast<double>(c_.problem.samples());
      const double start = c_.clock.now();
      // f over the worker's rows includes l2/2‖x‖²; weighting by |rows|/N makes the workers' sum exactly F(x̄).
      weighted = share * c_.compute.gradient(kernels::SampleSet::list(rows), average_, grad_);
      c_.compute.spend(share, t, start);
    }
    c_.comm.allreduce_mean(std::span<double>(&weighted, 1), tag);
    traffic.total += allreduce_total(ranks, 1);
    return weighted * ranks;
  }

 private:
  const RunContext& c_;
  LocalGradient* gradient_;
  bool consensus_;
  std::vector<double> average_, grad_;
};

// RI-SGD's offline phase, when charged (replication_cost): every worker sends the rows of its shard to each worker that
// holds some of them (as dense rows: features + label, 8 bytes each), all transfers at once, then a barrier, so that
// iteration 1 starts with every chunk in place. Returns the bytes all ranks sent (the plan, the same on every rank).
std::uint64_t replicate(const RunContext& c, const Redundancy& r, int worker) {
  const int p = c.scenario.cluster.workers;
  const auto shards = Shards::shared(c.problem.samples(), p, c.scenario.seed, c.repetition);
  const std::vector<double> mu = worker_redundancy(c, r);
  const auto row = static_cast<std::size_t>(c.problem.data().cols + 1);
  const int tag = message_tag(0, MessageKind::REPLICA);
  std::uint64_t bytes = 0;
  std::vector<Request> requests;
  std::vector<std::vector<double>> buffers;  // one per transfer: contents are not used, sizes are what is modelled
  for (int to = 0; to < p; ++to) {
    for (int from = 0; from < p; ++from) {
      if (from == to) continue;
      const auto rows = static_cast<std::size_t>(held_rows(*shards, to, mu[static_cast<std::size_t>(to)], from));
      if (rows == 0) continue;
      bytes += rows * row * sizeof(double);
      if (from == worker) {
        buffers.emplace_back(rows * row, 0.0);
        requests.push_back(c.comm.send_async(to, tag, buffers.back()));
      } else if (to == worker) {
        buffers.emplace_back(rows * row, 0.0);
        requests.push_back(c.comm.recv_async(from, tag, buffers.back()));
      }
    }
  }
  for (auto& request : requests) c.comm.wait(request);
  c.comm.barrier(message_tag(0, MessageKind::CONTROL));
  return bytes;
}

}  // namespace

RunOutcome run_cooperative(const RunContext& c, const CooperativeParams& p) {
  const Scenario& s = c.scenario;
  const int m = s.cluster.workers;
  const int ranks = c.comm.size();
  const int rank = c.comm.rank();
  const int worker = worker_of_rank(s, rank);  // −1: the server of the auxiliary model
  const auto d = static_cast<std::size_t>(c.problem.dimension());

  auto gradient = worker >= 0 ? make_local_gradient(c, p, worker) : nullptr;
  auto mixing = make_mixing_step(p, c.comm, c.clock, d, !s.cluster.failures.empty());
  // This worker's failure (cluster.failures): from then on it computes and sends nothing, and only takes the averages.
  const WorkerFailure failure = worker >= 0 ? failure_of(s, c.repetition, worker) : WorkerFailure{};
  bool failed = false;
  // This rank's node of X (a worker's model, or the server's auxiliary model) and its copies of replicated ones.
  // Every node starts from the same point (all zeros for the linear objectives), auxiliary models included.
  std::vector<double> own = c.problem.initial_point(s.seed, c.repetition), grad(d, 0.0);
  std::vector<std::vector<double>> replicas;
  if (p.mixing.auxiliary() > 0 && p.anchor == AnchorPlacement::REPLICATED)
    replicas.assign(static_cast<std::size_t>(p.mixing.auxiliary()), own);

  // Rank 0's rows wait in `rows` for their consensus distance, and for ‖∇F‖ at the average of all models when rank 0's
  // is not that average; the book reports through it. Without an aggregator every rank holds a node of X (a worker,
  // or the server's auxiliary model); replicated auxiliary models come from rank 0's copies.
  AverageOf average;
  if (p.reports_average() && !p.aggregated) average = {&c.problem, ranks, p.mixing.nodes()};
  ConsensusRows rows(c.trace, m, d, average);
  std::vector<double> contribution;  // this rank's consensus contribution, reused
  const RunContext book_context{c.scenario, c.problem, c.repetition, c.comm, c.compute, c.clock, rows};
  RunBook book(book_context, own);  // rank 0 reports the start as iteration 0
  DistributedLoss loss(c, gradient.get(), mixing->consensus());
  Traffic traffic;
  std::int64_t rounds = 0;
  // Rank 0 with W = J, once its loss has diverged while the model is still finite: the model of that round, the result.
  std::vector<double> diverged_model;
  const std::int64_t last = book.max_iterations();

  double replication_time = NOT_EVALUATED;
  if (p.redundancy && p.redundancy->replication_cost) {
    const double start = c.clock.now();
    traffic.total += replicate(c, *p.redundancy, worker);
    replication_time = c.clock.now() - start;
  }
  const std::uint64_t replication_bytes = traffic.total;
  traffic.reported = traffic.total;

  // ADA-LUPA's loss rule measures F at the start (charged like every later evaluation).
  const double f0 = p.tau.needs_loss() ? loss.evaluate(0, own, traffic) : NOT_EVALUATED;
  std::int64_t tau = p.tau.tau(0);
  bool stop = false;
  for (std::int64_t t = 0; !stop && t < last;) {
    const std::int64_t begin = t;
    const std::int64_t end = tau >= last - t ? last : t + tau;
    WorkerRecord w{};
    // A request that completes when the round ends without this worker (wait_for): it interrupts the local steps.
    Request* left_behind = worker >= 0 ? mixing->round_started(end, c.comm) : nullptr;
    bool stepping = worker >= 0 && !failed;
    for (t = begin + 1;; ++t) {
      bool failing = false;  // the worker fails at this step: before it, or cutting it short
      if (stepping && failure.before_start(c.clock.now(), t)) {
        mixing->fail(t, failure.reported(c.clock.now()), c.comm);
        stepping = false;
        failed = failing = true;
      }
      if (stepping) {
        const double start = c.clock.now();
        const double load = gradient->compute(own, grad);
        bool done = c.compute.spend(load, t, start, left_behind);
        if (done && failure.during_task(c.clock.now())) {  // the failure cut this step short: nothing more is sent
          mixing->fail(t, failure.time, c.comm);
          done = false;
          failed = failing = true;
        }
        w = {c.repetition, t, worker, start, c.compute.last_modelled(), NOT_EVALUATED, done, done, !done};
        if (done && !p.average_gradients) kernels::axpy(-s.algorithm.step.at(t - 1), grad, own);
        stepping = done;
      } else if (failed) {
        w = gone_row(c.repetition, t, worker);
      } else if (worker >= 0) {
        // Left behind (the round ended without it): no step.
        w = {c.repetition, t, worker, c.clock.now(), 0, NOT_EVALUATED, false, false, true};
      }
      // A simulation ends the failed worker here (rank 0 stays: it keeps the trace): its row of this step is its last,
      // the later ones are written for it.
      if (failing && rank != 0 && mixing->leave(c.comm)) {
        c.trace.worker(w);
        c.trace.worker_gone(c.repetition, worker, t + 1);
        return {};
      }
      if (t == end) break;
      if (worker >= 0) c.trace.worker(w);
      if (rank == 0) {
        IterationRecord r{c.repetition, t, c.clock.now(), NOT_EVALUATED, NOT_EVALUATED, rounds, traffic.reported, m};
        r.live = mixing->live();
        book.record(r, own, /*decide=*/false);
      }
    }

    // The averaging round at t. The consensus distance is of the models entering it (after their τ-th step): sync SGD
    // keeps one model everywhere, so it is 0 there.
    const bool evaluate = book.evaluate_at(t);
    if (evaluate && !p.average_gradients) {
      ConsensusRows::contribute(c.comm, t, own, /*present=*/!failed, contribution);
      if (rank == 0) rows.expect(t, replicas);
    }
    // Rank 0 tells the others of a divergence only it has seen by mixing in NaN: every rank's averaged model is then
    // non-finite, and every rank stops at this round on its own (no extra message, the same bytes).
    if (!diverged_model.empty()) {
      auto& mixed = p.average_gradients ? grad : own;
      std::fill(mixed.begin(), mixed.end(), NOT_EVALUATED);
    }
    if (p.average_gradients) {
      // Sync SGD: W = J applied to the gradients, one step with their mean.
      mixing->mix(t, grad, replicas, c.comm);
      kernels::axpy(-s.algorithm.step.at(t - 1), grad, own);
    } else {
      mixing->mix(t, own, replicas, c.comm);
    }
    // wait_for's aggregator tells each worker when its model arrived and whether it was used.
    if (worker >= 0) w.arrival = c.clock.now();
    if (const auto verdict = mixing->verdict(); verdict && worker >= 0) {
      w.arrival = verdict->arrival;
      w.used = verdict->used;
      w.dropped = !verdict->used;
    }
    if (mixing->stalled()) {
      // Every rank learns it from the round's message: the run ends where it stood, this round unrecorded.
      if (worker >= 0) c.trace.worker(w);
      if (rank == 0) book.stall(mixing->stall_reason());
      break;
    }
    traffic.total += mixing->round_bytes();
    if (const auto measured = mixing->measured_total(); measured && *measured != traffic.total)
      SGDSIM_THROW(Error, "rank " + std::to_string(rank) + ", iteration " + std::to_string(t) + ": the all-reduce " +
                              "measured " + std::to_string(*measured) + " bytes sent by all ranks, the count says " +
                              std::to_string(traffic.total) + " (internal error)");
    ++rounds;
    if (worker >= 0) c.trace.worker(w);
    if (p.tau.needs_loss()) {
      // Only for a round to come: at the iteration limit there is none.
      if (t < last) tau = loss_rule_tau(f0, loss.evaluate(t, own, traffic), p.tau.tau0, last - t);
    } else {
      tau = p.tau.tau(rounds);
    }
    traffic.reported = traffic.total;

    if (rank == 0) {
      IterationRecord r{c.repetition, t, c.clock.now(), NOT_EVALUATED, NOT_EVALUATED, rounds, traffic.reported,
                        mixing->used() > 0 ? mixing->used() : m};
      r.tau = end - begin;
      r.live = mixing->live();
      if (evaluate) {
        book.evaluate(r, own);
        if (p.average_gradients) r.consensus = 0;
      }
      stop = book.record(r, own);
      rows.collect(c.comm, /*wait=*/false);
    }
    if (book.needs_stop_broadcast()) {
      // Time and target-loss stops are known only to rank 0: it tells the others.
      double flag = stop ? 1.0 : 0.0;
      c.comm.broadcast(0, std::span<double>(&flag, 1), message_tag(t, MessageKind::CONTROL));
      traffic.total += static_cast<std::uint64_t>(ranks - 1) * sizeof(double);
      stop = flag != 0.0;
    } else if (!mixing->consensus()) {
      // Without a broadcast all ranks must stop together: at the iteration limit. (A model that diverged on rank 0
      // alone cannot stop the others without telling them; the run is reported diverged at its end.)
      stop = t == last;
    } else if (rank != 0) {
      stop = !all_finite(own) || t == last;  // the decision rank 0 makes, from the identical averaged model
    } else if (!diverged_model.empty()) {
      // Rank 0 has mixed in NaN since the loss diverged. The others stop when that NaN reaches them, so rank 0 stops
      // then too, not before: with wait_for its model may be left out of a round (and a rank that left alone would
      // leave the aggregator waiting on it). A round without its NaN gives a finite average and the run goes on.
      stop = !all_finite(own) || t == last;
    } else if (stop && t != last && all_finite(own)) {
      // Only the loss diverged: the others cannot know yet. They learn it from the next round (see above).
      diverged_model = own;
      stop = false;
    }
  }

  RunOutcome outcome;
  const std::vector<double>& result = diverged_model.empty() ? own : diverged_model;
  // Every rank's last contribution to the consensus distance is in once all have left the loop: rank 0 collects after
  // a fence (past the last row, so it is not part of the run's time or bytes).
  mixing->finish(c.comm);
  c.comm.monitor_fence(message_tag(0, MessageKind::GATHER));
  if (rank == 0) {
    rows.collect(c.comm, /*wait=*/true);
    outcome.summary = book.finish(result);
    outcome.summary.zeta = p.mixing.zeta();
    outcome.summary.replication_time = replication_time;
    outcome.summary.replication_bytes = replication_bytes;
  }
  outcome.model = result;
  return outcome;
}

}  // namespace sgdsim::cooperative
