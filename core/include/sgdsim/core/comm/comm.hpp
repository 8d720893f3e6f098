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

  virtual void wait(Request& request) = 0;
  // Blocks until one of the pending requests completes; returns its index and empties it. Empty (non-pending)
  // entries are skipped; at least one must be pending.
  virtual std::size_t wait_any(std::span<Request> requests) = 0;
  // True (and the request emptied) if it has completed; never blocks.
  virtual bool test(Request& request) = 0;
  // Withdraws a pending operation: its buffer is released and the message is never delivered to anyone.
  // A recv whose message already arrived is drained and discarded. Empties the request.
  virtual void cancel(Request& request) = 0;

  // Collectives. Defaults are built from point-to-point messages (so a simulation models their time); a backend
  // may override them (MPI_Allreduce, MPI_Bcast). Every rank calls them with the same tag.
  //
  // allreduce_mean: vectors under SMALL_ALLREDUCE_BYTES use recursive doubling (log2 n exchanges of the whole
  // vector, latency-bound sizes, as MPI libraries do), larger ones a ring (reduce-scatter + all-gather, 2(n−1) steps of
  // ~m/n elements: bandwidth-optimal). Both leave bit-identical results on every rank.
  static constexpr std::size_t SMALL_ALLREDUCE_BYTES = 4096;
  virtual void allreduce_mean(std::span<double> data, int tag);
  virtual void broadcast(int root, std::span<double> data, int tag);
  virtual void barrier(int tag);
  // Payload bytes this rank sends in the default allreduce_mean of `elements` doubles. Backends that override the
  // collective count this same volume (count_allreduce), so traces report the same bytes whatever runs them.
  std::uint64_t allreduce_bytes(std::size_t elements) const;

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
