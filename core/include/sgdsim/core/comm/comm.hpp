// Comm, Clock and Compute: the three interfaces an algorithm runs against; sim/ and exec/ implement them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "sgdsim/kernels/kernels.hpp"

namespace sgdsim {

// A pending point-to-point operation. Move-only; empty once waited on, completed through wait_any, or cancelled.
// The backend defines Impl; a Request is only ever handed back to the Comm that made it.
class Request {
 public:
  struct Impl {
    virtual ~Impl() = default;
  };
  Request() = default;
  explicit Request(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
  Request(Request&&) noexcept = default;
  Request& operator=(Request&&) noexcept = default;
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;

  bool pending() const { return impl_ != nullptr; }
  Impl* impl() const { return impl_.get(); }
  void reset() { impl_.reset(); }

 private:
  std::unique_ptr<Impl> impl_;
};

// One object per participant (rank), MPI-shaped. Messages match on (source, destination, tag) exactly; a message
// sent with tag t is never received by a recv posted with another tag. Sizes on the wire are the true payload sizes
// (data.size() × sizeof(double)).
class Comm {
 public:
  virtual ~Comm() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;

  virtual void send(int dst, int tag, std::span<const double> data) = 0;
  virtual void recv(int src, int tag, std::span<double> data) = 0;
  // The buffer must stay valid (and, for send, unchanged) until the request completes or is cancelled.
  virtual Request send_async(int dst, int tag, std::span<const double> data) = 0;
  virtual Request recv_async(int src, int tag, std::span<double> data) = 0;

  // Waiting on an empty request returns at once (a send to a rank that has left, below, is handed back empty: over);
  // testing one returns false, as there is nothing to complete.
  virtual void wait(Request& request) = 0;
  // Blocks until one of the pending requests completes; returns its index and empties it. Empty (non-pending)
  // entries are skipped; at least one must be pending.
  virtual std::size_t wait_any(std::span<Request> requests) = 0;
  // True (and the request emptied) if it has completed; never blocks.
  virtual bool test(Request& request) = 0;
  // Withdraws a pending operation: its buffer is released and the message is never delivered to anyone.
  // A recv whose message already arrived is drained and discarded. Empties the request.
  virtual void cancel(Request& request) = 0;

  // A failed rank's end (cluster.failures), on backends where it can end: a simulation ends the rank's actor, as a
  // crashed host would end. `outgoing` are the rank's own sends still pending (its failure notice): those already
  // matched to a receive are in flight and are waited for; the others stay posted, held by the simulation, for a
  // receive posted later (a failure at time 0, before the aggregator listens), until the simulation ends. From then
  // on every message addressed to this rank is dropped at its sender, in no time and without a word to the sender
  // (its request ends as if delivered; only deliver() below reports it), and the rank counts in monitoring gathers as
  // having contributed zeros. The caller then returns at once: its receives still posted are withdrawn as their
  // requests go (their messages dropped like the rest). Returns false and does nothing on backends where a failed
  // rank stays alive (mpirun: a rank cannot die without aborting the job), whose caller then goes on silently,
  // taking what is sent to it.
  virtual bool leave(std::span<Request> /*outgoing*/) { return false; }
  // send(), and whether the message reached `dst`: false only when it was dropped because `dst` had left. A relay (a
  // tree broadcast) uses it to take over the share of a relay that has left, as a network routes around a dead host:
  // `as` is then that rank, which the receiver expects the message from (matching is by source); it travels from this
  // rank. Only backends whose ranks leave take `as` ≠ rank().
  virtual bool deliver(int dst, int tag, std::span<const double> data, int as);

  // Collectives. Defaults are built from point-to-point messages (so a simulation models their time); a backend
  // may override them (MPI_Allreduce, MPI_Bcast). Every rank calls them with the same tag.
  //
  // allreduce_mean: vectors under SMALL_ALLREDUCE_BYTES use recursive doubling (log2 n exchanges of the whole
  // vector, latency-bound sizes, as MPI libraries do), larger ones a ring (reduce-scatter + all-gather, 2(n−1) steps of
  // ~m/n elements: bandwidth-optimal). Both leave bit-identical results on every rank.
  static constexpr std::size_t SMALL_ALLREDUCE_BYTES = 4096;
  // Whether allreduce_mean of `elements` doubles takes recursive doubling (else the ring).
  static bool recursive_doubling(std::size_t elements) { return elements * sizeof(double) < SMALL_ALLREDUCE_BYTES; }
  virtual void allreduce_mean(std::span<double> data, int tag);
  virtual void broadcast(int root, std::span<double> data, int tag);
  virtual void barrier(int tag);
  // Payload bytes this rank sends in the default allreduce_mean of `elements` doubles. Backends that override the
  // collective count this same volume (count_allreduce), so traces report the same bytes whatever runs them.
  std::uint64_t allreduce_bytes(std::size_t elements) const;
  // The same for any rank of a communicator of `size` ranks (what every rank sends in one all-reduce, for a count of
  // all ranks' traffic kept on one rank).
  static std::uint64_t allreduce_bytes_of(int rank, int size, std::size_t elements);

  // Neighbour exchange, the communication of a sparse mixing round: sends `out` to every rank of `peers` and receives
  // one message of out.size() values from each into `in` (peers.size() × out.size() values, in the order of `peers`),
  // all at once. Every peer must call it with this rank among its peers and the same tag. The default posts every
  // receive and every send before waiting for any, so the flows are concurrent (a simulation shares links among them).
  virtual void neighbor_exchange(std::span<const int> peers, std::span<const double> out, std::span<double> in,
                                 int tag);
  // One entry of a mixing matrix row: this rank's model receives weight × the model of `rank`.
  struct NeighborWeight {
    int rank = 0;
    double weight = 0;
  };
  // x ← Σ weight·x_rank over `row` (this rank's own entry uses x itself), summed in the order of `row`, after a
  // neighbor_exchange with the other ranks of the row. Built on neighbor_exchange; a rank alone in its row only scales.
  void neighbor_mix(std::span<const NeighborWeight> row, std::span<double> x, int tag);

  // Monitoring gathers: values that are bookkeeping, not part of the modelled run (e.g. a distance between the
  // workers' models for the trace). They take no simulated time, are not counted in bytes_sent(), and contributing
  // never waits for another rank. Every rank contributes under the same keys in the same order, each time the same
  // number of values; rank 0 then collects them. The defaults throw: a backend provides them (SimComm from the
  // simulation's shared memory, MpiComm by MPI_Igather on a communicator of its own).
  virtual void monitor_contribute(std::int64_t key, std::span<const double> values);
  // Rank 0: true once every rank has contributed under `key`, with rank r's values at [r·n, (r+1)·n) of `all`; false
  // while some have not. `wait` = true is for the end of a run, when every rank is known to have contributed (e.g.
  // after a gather): MpiComm then completes the gather, SimComm throws if it is incomplete (it could only wait in
  // simulated time). A collected key is gone.
  virtual bool monitor_collect(std::int64_t key, std::vector<double>& all, bool wait);
  // Every rank, past the last row of a run: rank 0 returns once every rank has contributed all it will (the others
  // may return at once), so that its monitor_collect(wait = true) is complete. Not part of the modelled run. Default:
  // barrier(tag); a simulation waits in shared memory, in no simulated time, and counts ranks that left as arrived.
  virtual void monitor_fence(int tag) { barrier(tag); }

  // Bytes this rank has sent so far (payload only), and point-to-point messages sent.
  std::uint64_t bytes_sent() const { return bytes_sent_; }
  std::uint64_t messages_sent() const { return messages_sent_; }

 protected:
  void count_sent(std::size_t elements) {
    bytes_sent_ += elements * sizeof(double);
    ++messages_sent_;
  }
  // Counts the messages the default allreduce_mean of `elements` doubles would send from this rank.
  void count_allreduce(std::size_t elements);

 private:
  std::uint64_t bytes_sent_ = 0;
  std::uint64_t messages_sent_ = 0;
  std::vector<double> scratch_;  // the default ring all-reduce's receive buffer, reused across calls
  std::vector<double> mix_in_;   // neighbor_mix's receive buffer, reused across calls
  std::vector<int> mix_peers_;
};

// Seconds: simulated (SimGrid) or wall (MPI), counted from the start of the run.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual double now() const = 0;
};

// The compute of one worker: numerics through kernels/, and the time that compute takes.
class Compute {
 public:
  virtual ~Compute() = default;

  // f_S(x) and ∇f_S(x) over rows S of this worker's data (see kernels::loss_grad). Takes no simulated time; in a real
  // run it takes the real time it takes. With numerics off (runtime-only studies) returns 0 and zeroes grad.
  virtual double gradient(kernels::SampleSet rows, std::span<const double> x, std::span<double> grad) = 0;

  // Accounts for a task of `load` (fraction of the whole data set) at `iteration`, started at clock time `started`:
  // the simulation waits the modelled time ℓ·(s + X)·slowdown + delay; a real run sleeps the injected delay (or, with
  // inject = model, until `started` + the modelled time). If `interrupt` is given and completes first, returns
  // false at once (the task is abandoned and `interrupt` is emptied); otherwise returns true when the task is done.
  virtual bool spend(double load, std::int64_t iteration, double started, Request* interrupt = nullptr) = 0;

  // The modelled duration of the last task spend() was asked for (seconds), for the workers trace.
  virtual double last_modelled() const = 0;
};

}  // namespace sgdsim
