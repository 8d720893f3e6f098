// Heavy-ball momentum GD with a parameter server: the server broadcasts x, every worker returns the gradient of its
// shard weighted by its share of the data (so the k results sum to ∇F), the server waits for all of them and steps
// v ← βv + g, x ← x − ηv. Written only against sgdsim's public API: Comm / Compute / Clock, RunBook, Shards.
#include "heavy_ball.hpp"

#include <algorithm>

#include "sgdsim/core/algorithms/run_book.hpp"
#include "sgdsim/core/data/assignment.hpp"

namespace example {
namespace {

using sgdsim::MessageKind;
using sgdsim::message_tag;

// The parameter server: rank 0. A model message carries x and a stop flag.
sgdsim::RunOutcome run_server(const sgdsim::RunContext& c, const HeavyBallParams& p) {
  const int k = c.scenario.cluster.workers;
  const auto d = static_cast<std::size_t>(c.problem.dimension());
  std::vector<double> x = c.problem.initial_point(c.scenario.seed, c.repetition), v(d, 0.0), g(d), message(d + 1);
  std::vector<std::vector<double>> results(static_cast<std::size_t>(k), std::vector<double>(d));
  std::vector<sgdsim::Request> pending(static_cast<std::size_t>(k));
  sgdsim::RunBook book(c, x);

  auto send_model = [&](std::int64_t t, bool stop) {
    std::copy(x.begin(), x.end(), message.begin());
    message[d] = stop ? 1.0 : 0.0;
    for (int w = 0; w < k; ++w) c.comm.send(w + 1, message_tag(t, MessageKind::MODEL), message);
  };
  std::int64_t t = 0;
  for (bool stop = false; !stop;) {
    ++t;
    for (int w = 0; w < k; ++w) pending[w] = c.comm.recv_async(w + 1, message_tag(t, MessageKind::RESULT), results[w]);
    send_model(t, false);
    for (auto& request : pending) c.comm.wait(request);
    // Summed in worker order, whatever the arrival order: the same bits in a simulation and a real run.
    std::fill(g.begin(), g.end(), 0.0);
    for (const auto& r : results) sgdsim::kernels::axpy(1.0, r, g);
    sgdsim::kernels::scale(p.momentum, v);
    sgdsim::kernels::axpy(1.0, g, v);
    sgdsim::kernels::axpy(-c.scenario.algorithm.step.at(t - 1), v, x);

    sgdsim::IterationRecord r{c.repetition, t, c.clock.now(), sgdsim::NOT_EVALUATED, sgdsim::NOT_EVALUATED, t,
                              c.comm.bytes_sent() + static_cast<std::uint64_t>(t * k) * d * sizeof(double), k};
    if (book.evaluate_at(t)) book.evaluate(r, x);
    stop = book.record(r, x);
  }
  send_model(t + 1, true);
  return {book.finish(x), x};
}

// Worker w = rank − 1 computes on shard w.
sgdsim::RunOutcome run_worker(const sgdsim::RunContext& c) {
  const int worker = c.comm.rank() - 1;
  const sgdsim::Shards shards(c.problem.samples(), c.scenario.cluster.workers, c.scenario.seed, c.repetition);
  const auto rows = shards.shard(worker);
  const double load = static_cast<double>(rows.size()) / static_cast<double>(c.problem.samples());
  const auto d = static_cast<std::size_t>(c.problem.dimension());
  std::vector<double> message(d + 1), result(d);
  c.comm.recv(0, message_tag(1, MessageKind::MODEL), message);
  for (std::int64_t t = 1; message[d] == 0.0; ++t) {
    const double start = c.clock.now();
    c.compute.gradient(sgdsim::kernels::SampleSet::list(rows), std::span<const double>(message).first(d), result);
    sgdsim::kernels::scale(load, result);
    c.compute.spend(load, t, start);
    c.comm.send(0, message_tag(t, MessageKind::RESULT), result);
    // arrival: when the send completed; every result is used.
    c.trace.worker({c.repetition, t, worker, start, c.compute.last_modelled(), c.clock.now(), true, true, false});
    c.comm.recv(0, message_tag(t + 1, MessageKind::MODEL), message);
  }
  return {};
}

}  // namespace

sgdsim::AlgorithmDef heavy_ball_algorithm() {
  return sgdsim::make_algorithm<HeavyBallParams>(
      "heavy_ball", "heavy-ball momentum GD: the server waits for every worker's shard gradient, v = bv + g, x -= eta v",
      sgdsim::CommShape::PARAMETER_SERVER, {{"momentum", "0.9", "b in [0, 1): weight of the previous step"}},
      [](const sgdsim::config::Object& o, const sgdsim::Scenario&) {
        HeavyBallParams p;
        p.momentum = o.number_or("momentum", p.momentum, sgdsim::config::Bound::NON_NEGATIVE);
        if (p.momentum >= 1.0) sgdsim::config::fail_got(o.at("momentum"), "must be in [0, 1)", *o.get("momentum"));
        return p;
      },
      [](const HeavyBallParams& p, sgdsim::config::ordered_json& out) { out["momentum"] = p.momentum; },
      [](const sgdsim::RunContext& c, const HeavyBallParams& p) {
        return c.comm.rank() == 0 ? run_server(c, p) : run_worker(c);
      });
}

}  // namespace example
