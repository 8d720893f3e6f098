// MpiComm: point-to-point over MPI_Isend/MPI_Irecv with polled waits, collectives, cancel/detach and the final drain.
#include "sgdsim/exec/mpi_comm.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <string>
#include <thread>

#include "sgdsim/error.hpp"
#include "sgdsim/exec/mpi_check.hpp"
#include "sgdsim/interrupt.hpp"

namespace sgdsim::exec {

[[noreturn]] void throw_mpi_error(const char* file, int line, std::string_view call, int code) {
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
  int rank = -1;
  int initialized = 0;
  int finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const std::string_view name = call.substr(0, call.find('('));
  throw MpiError(
      file, line,
      std::string(name) + " failed on rank " + std::to_string(rank) + ": " +
          (length > 0 ? std::string(text, static_cast<std::size_t>(length)) : "error " + std::to_string(code)));
}

// The Request::Impl of this backend. The MPI_Request is MPI_REQUEST_NULL once completed, cancelled or detached.
struct MpiComm::Pending final : Request::Impl {
  MpiComm* owner = nullptr;
  MPI_Request request = MPI_REQUEST_NULL;
  bool is_send = false;
  bool copied = false;  // send_async: MPI reads `payload`, not the caller's buffer
  int peer = 0;
  std::vector<double> payload;  // send_async: the private copy the send reads

  ~Pending() override {
    // A Request dropped while pending is withdrawn as if cancelled, so its buffer is never touched afterwards.
    if (owner != nullptr) {
      owner->abandon(*this);
      owner->live_.erase(this);
    }
  }
};

namespace {

// Back-off of every wait: busy tests first (a reply that is microseconds away), then tests between yields of the core
// (another rank may need it), then tests between sleeps (a long wait, e.g. for a straggler: costs no CPU, and the
// arrival is noticed within about one slice).
constexpr auto SPIN = std::chrono::microseconds(20);
constexpr auto YIELD = std::chrono::microseconds(500);
constexpr auto SLICE = std::chrono::microseconds(50);

}  // namespace

template <class Done>
bool MpiComm::poll(Done&& done, double seconds) {
  const auto start = std::chrono::steady_clock::now();
  while (!done()) {
    progress_detached();
    interrupt::check();
    const auto waited = std::chrono::steady_clock::now() - start;
    if (std::chrono::duration<double>(waited).count() >= seconds) return false;
    if (waited > YIELD) {
      std::this_thread::sleep_for(SLICE);
    } else if (waited > SPIN) {
      std::this_thread::yield();
    }
  }
  return true;
}

MpiComm::MpiComm(MPI_Comm parent) {
  SGDSIM_MPI_CHECK(MPI_Comm_dup(parent, &comm_));
  SGDSIM_MPI_CHECK(MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN));
  SGDSIM_MPI_CHECK(MPI_Comm_dup(parent, &monitor_comm_));
  SGDSIM_MPI_CHECK(MPI_Comm_set_errhandler(monitor_comm_, MPI_ERRORS_RETURN));
  SGDSIM_MPI_CHECK(MPI_Comm_rank(comm_, &rank_));
  SGDSIM_MPI_CHECK(MPI_Comm_size(comm_, &size_));
  void* value = nullptr;
  int flag = 0;
  SGDSIM_MPI_CHECK(MPI_Comm_get_attr(comm_, MPI_TAG_UB, &value, &flag));
  if (flag != 0 && value != nullptr) tag_ub_ = *static_cast<int*>(value);
  sent_to_.assign(static_cast<std::size_t>(size_), 0);
  received_from_.assign(static_cast<std::size_t>(size_), 0);
}

MpiComm::~MpiComm() {
  if (finished_) return;
  // Error path (an exception is unwinding, the run will be aborted): settle what can be settled locally.
  for (Pending* p : std::vector<Pending*>(live_.begin(), live_.end())) {
    abandon(*p);
    p->owner = nullptr;
  }
  live_.clear();
  // Incomplete monitoring gathers may not be freed (MPI forbids it for collectives) and MPI may still read their
  // buffers: leak them with the communicator.
  if (!monitors_.empty()) {
    auto* leaked = new std::deque<Monitor>(std::move(monitors_));
    (void)leaked;
  }
  // Incomplete detached sends may still be read by MPI: release the requests but deliberately leak their payloads
  // (freeing them could let MPI read freed memory if a receiver matches later).
  if (!detached_.empty()) {
    auto* leaked = new std::vector<Detached>(std::move(detached_));
    for (auto& d : *leaked)
      if (d.request != MPI_REQUEST_NULL) MPI_Request_free(&d.request);
  }
}

void MpiComm::check_peer_tag(int peer, int tag) const {
  if (peer < 0 || peer >= size_)
    SGDSIM_THROW(MpiError,
                 "rank " + std::to_string(peer) + " is outside the communicator (size " + std::to_string(size_) + ")");
  if (tag < 0 || tag > tag_ub_)
    SGDSIM_THROW(MpiError, "message tag " + std::to_string(tag) +
                               " is outside [0, MPI_TAG_UB = " + std::to_string(tag_ub_) + "]");
}

int MpiComm::count_of(std::size_t elements) {
  if (elements > static_cast<std::size_t>(INT_MAX))
    SGDSIM_THROW(MpiError, "message of " + std::to_string(elements) + " doubles exceeds the MPI count limit");
  return static_cast<int>(elements);
}

MpiComm::Pending& MpiComm::pending_of(const Request& request) const {
  auto* p = dynamic_cast<Pending*>(request.impl());
  if (p == nullptr || p->owner != this) SGDSIM_THROW(MpiError, "request handed to an MpiComm that did not make it");
  return *p;
}

Request MpiComm::post_send(int dst, int tag, std::span<const double> data, bool copy) {
  if (finished_) SGDSIM_THROW(MpiError, "send on a finished MpiComm");
  check_peer_tag(dst, tag);
  const int count = count_of(data.size());
  auto p = std::make_unique<Pending>();
  p->is_send = true;
  p->peer = dst;
  const double* buffer = data.data();
  if (copy) {
    p->copied = true;
    p->payload.assign(data.begin(), data.end());
    buffer = p->payload.data();
  }
  SGDSIM_MPI_CHECK(MPI_Isend(buffer, count, MPI_DOUBLE, dst, tag, comm_, &p->request));
  p->owner = this;
  live_.insert(p.get());
  ++sent_to_[static_cast<std::size_t>(dst)];
  count_sent(data.size());
  return Request(std::move(p));
}

void MpiComm::send(int dst, int tag, std::span<const double> data) {
  Request r = post_send(dst, tag, data, false);  // blocking: the caller's buffer outlives the wait
  wait(r);
}

Request MpiComm::send_async(int dst, int tag, std::span<const double> data) {
  progress_detached();
  return post_send(dst, tag, data, true);
}

Request MpiComm::recv_async(int src, int tag, std::span<double> data) {
  if (finished_) SGDSIM_THROW(MpiError, "recv on a finished MpiComm");
  check_peer_tag(src, tag);
  const int count = count_of(data.size());
  auto p = std::make_unique<Pending>();
  p->peer = src;
  SGDSIM_MPI_CHECK(MPI_Irecv(data.data(), count, MPI_DOUBLE, src, tag, comm_, &p->request));
  p->owner = this;
  live_.insert(p.get());
  return Request(std::move(p));
}

void MpiComm::recv(int src, int tag, std::span<double> data) {
  Request r = recv_async(src, tag, data);
  wait(r);
}

void MpiComm::completed(Pending& pending, const MPI_Status& status) {
  if (!pending.is_send) {
    const int source = status.MPI_SOURCE >= 0 && status.MPI_SOURCE < size_ ? status.MPI_SOURCE : pending.peer;
    ++received_from_[static_cast<std::size_t>(source)];
  }
  live_.erase(&pending);
  pending.owner = nullptr;
}

void MpiComm::wait_request(MPI_Request& request, MPI_Status& status) {
  poll([&] {
    int flag = 0;
    SGDSIM_MPI_CHECK(MPI_Test(&request, &flag, &status));
    return flag != 0;
  });
}

void MpiComm::wait(Request& request) {
  if (!request.pending()) return;
  Pending& p = pending_of(request);
  if (p.is_send && p.copied) {
    cancel(request);  // for a send: complete now, or detached and completed in the background (see the header)
    return;
  }
  MPI_Status status{};
  wait_request(p.request, status);
  completed(p, status);
  request.reset();
}

std::size_t MpiComm::wait_any(std::span<Request> requests) {
  return *wait_any_for(requests, std::numeric_limits<double>::infinity());
}

std::optional<std::size_t> MpiComm::wait_any_for(std::span<Request> requests, double seconds) {
  handles_.clear();
  slots_.clear();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (!requests[i].pending()) continue;
    handles_.push_back(pending_of(requests[i]).request);
    slots_.push_back(i);
  }
  if (handles_.empty()) SGDSIM_THROW(MpiError, "wait_any over no pending request");
  int index = MPI_UNDEFINED;
  MPI_Status status{};
  const bool done = poll(
      [&] {
        int flag = 0;
        SGDSIM_MPI_CHECK(MPI_Testany(static_cast<int>(handles_.size()), handles_.data(), &index, &flag, &status));
        return flag != 0 && index != MPI_UNDEFINED;
      },
      seconds);
  if (!done) return std::nullopt;
  const std::size_t slot = slots_[static_cast<std::size_t>(index)];
  Pending& p = pending_of(requests[slot]);
  p.request = MPI_REQUEST_NULL;  // MPI freed it in handles_; the copy in p is stale
  completed(p, status);
  requests[slot].reset();
  return slot;
}

bool MpiComm::test(Request& request) {
  if (!request.pending()) return false;
  Pending& p = pending_of(request);
  int flag = 0;
  MPI_Status status{};
  SGDSIM_MPI_CHECK(MPI_Test(&p.request, &flag, &status));
  if (flag == 0) return false;
  completed(p, status);
  request.reset();
  return true;
}

void MpiComm::abandon(Pending& p) noexcept {
  if (p.request == MPI_REQUEST_NULL) return;
  if (!p.is_send) {
    // Cancelling a recv is local and reliable; the wait that follows returns at once. If the message had already
    // matched, the cancel fails and the message (now in the caller's buffer) is simply discarded.
    MPI_Status status{};
    if (MPI_Cancel(&p.request) == MPI_SUCCESS && MPI_Wait(&p.request, &status) == MPI_SUCCESS) {
      int cancelled = 0;
      MPI_Test_cancelled(&status, &cancelled);
      if (!cancelled) ++received_from_[static_cast<std::size_t>(p.peer)];
    }
    p.request = MPI_REQUEST_NULL;
    return;
  }
  int flag = 0;
  if (MPI_Test(&p.request, &flag, MPI_STATUS_IGNORE) == MPI_SUCCESS && flag != 0) return;
  // Sends cannot be withdrawn reliably: keep the request (and the payload it reads) until it completes.
  try {
    detached_.push_back(Detached{p.request, std::move(p.payload)});
  } catch (...) {
    MPI_Request_free(&p.request);  // out of memory: let MPI complete it in the background
  }
  p.request = MPI_REQUEST_NULL;
}

void MpiComm::cancel(Request& request) {
  if (!request.pending()) return;
  Pending& p = pending_of(request);
  abandon(p);
  live_.erase(&p);
  p.owner = nullptr;
  request.reset();
}

void MpiComm::monitor_contribute(std::int64_t key, std::span<const double> values) {
  if (finished_) SGDSIM_THROW(MpiError, "monitor_contribute on a finished MpiComm");
  Monitor& m = monitors_.emplace_back();
  m.key = key;
  m.sent.assign(values.begin(), values.end());
  const int count = count_of(values.size());
  if (rank_ == 0) m.gathered.resize(values.size() * static_cast<std::size_t>(size_));
  SGDSIM_MPI_CHECK(MPI_Igather(m.sent.data(), count, MPI_DOUBLE, rank_ == 0 ? m.gathered.data() : nullptr, count,
                               MPI_DOUBLE, 0, monitor_comm_, &m.request));
  progress_detached();
}

bool MpiComm::monitor_collect(std::int64_t key, std::vector<double>& all, bool wait) {
  if (rank_ != 0) SGDSIM_THROW(MpiError, "monitor_collect on rank " + std::to_string(rank_) + ": only rank 0 collects");
  auto it = std::find_if(monitors_.begin(), monitors_.end(), [key](const Monitor& m) { return m.key == key; });
  if (it == monitors_.end()) SGDSIM_THROW(MpiError, "monitor_collect: no gather under key " + std::to_string(key));
  if (it->request != MPI_REQUEST_NULL) {
    if (wait) {
      MPI_Status status{};
      wait_request(it->request, status);
    } else {
      int flag = 0;
      SGDSIM_MPI_CHECK(MPI_Test(&it->request, &flag, MPI_STATUS_IGNORE));
      if (flag == 0) return false;
    }
  }
  all = std::move(it->gathered);
  monitors_.erase(it);
  return true;
}

void MpiComm::progress_detached() {
  // Contributions of ranks other than 0 are settled here: nobody collects them.
  if (rank_ != 0 && !monitors_.empty()) {
    std::erase_if(monitors_, [](Monitor& m) {
      int flag = 0;
      SGDSIM_MPI_CHECK(MPI_Test(&m.request, &flag, MPI_STATUS_IGNORE));
      return flag != 0;
    });
  }
  if (detached_.empty()) return;
  std::erase_if(detached_, [](Detached& d) {
    int flag = 0;
    SGDSIM_MPI_CHECK(MPI_Test(&d.request, &flag, MPI_STATUS_IGNORE));
    return flag != 0;
  });
}

void MpiComm::allreduce_mean(std::span<double> data, int /*tag: MPI collectives never match point-to-point*/) {
  if (finished_) SGDSIM_THROW(MpiError, "allreduce on a finished MpiComm");
  count_allreduce(data.size());  // the traffic of the default schedule, as the simulation counts it
  if (size_ > 1) {
    MPI_Request request = MPI_REQUEST_NULL;
    SGDSIM_MPI_CHECK(
        MPI_Iallreduce(MPI_IN_PLACE, data.data(), count_of(data.size()), MPI_DOUBLE, MPI_SUM, comm_, &request));
    MPI_Status status{};
    wait_request(request, status);
  }
  const double inv = 1.0 / size_;
  for (double& v : data) v *= inv;
}

void MpiComm::broadcast(int root, std::span<double> data, int /*tag*/) {
  if (finished_) SGDSIM_THROW(MpiError, "broadcast on a finished MpiComm");
  check_peer_tag(root, 0);
  if (rank_ == root)
    for (int i = 1; i < size_; ++i) count_sent(data.size());
  if (size_ < 2) return;
  MPI_Request request = MPI_REQUEST_NULL;
  SGDSIM_MPI_CHECK(MPI_Ibcast(data.data(), count_of(data.size()), MPI_DOUBLE, root, comm_, &request));
  MPI_Status status{};
  wait_request(request, status);
}

void MpiComm::barrier(int /*tag*/) {
  if (finished_) SGDSIM_THROW(MpiError, "barrier on a finished MpiComm");
  // Counted as Comm::barrier: an empty message to rank 0 from each other rank, then an empty broadcast from rank 0.
  if (rank_ == 0) {
    for (int i = 1; i < size_; ++i) count_sent(0);
  } else {
    count_sent(0);
  }
  if (size_ < 2) return;
  MPI_Request request = MPI_REQUEST_NULL;
  SGDSIM_MPI_CHECK(MPI_Ibarrier(comm_, &request));
  MPI_Status status{};
  wait_request(request, status);
}

void MpiComm::finish(double timeout) {
  if (finished_) return;
  // Monitoring gathers: every rank made the same ones, so they all complete; what rank 0 did not collect is dropped.
  std::deque<Monitor> monitors = std::move(monitors_);  // waiting polls progress_detached(), which edits monitors_
  monitors_.clear();
  for (auto& m : monitors) {
    if (m.request == MPI_REQUEST_NULL) continue;
    MPI_Status status{};
    wait_request(m.request, status);
  }
  SGDSIM_MPI_CHECK(MPI_Comm_free(&monitor_comm_));
  for (Pending* p : std::vector<Pending*>(live_.begin(), live_.end())) {
    abandon(*p);
    p->owner = nullptr;
  }
  live_.clear();

  // sent_by[s]: messages rank s sent to this rank; what no recv took is still on its way (or waiting unmatched).
  std::vector<std::int64_t> sent_by(static_cast<std::size_t>(size_), 0);
  SGDSIM_MPI_CHECK(MPI_Alltoall(sent_to_.data(), 1, MPI_INT64_T, sent_by.data(), 1, MPI_INT64_T, comm_));
  std::vector<std::int64_t> late(static_cast<std::size_t>(size_), 0);
  std::int64_t remaining = 0;
  for (std::size_t s = 0; s < late.size(); ++s) {
    late[s] = std::max<std::int64_t>(0, sent_by[s] - received_from_[s]);
    remaining += late[s];
  }

  std::vector<double> scratch;
  const auto start = std::chrono::steady_clock::now();
  const auto limit = std::chrono::duration<double>(timeout);
  poll([&] {
    while (remaining > 0) {
      int flag = 0;
      MPI_Message message = MPI_MESSAGE_NULL;
      MPI_Status status{};
      SGDSIM_MPI_CHECK(MPI_Improbe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm_, &flag, &message, &status));
      if (flag == 0) break;
      int count = 0;
      SGDSIM_MPI_CHECK(MPI_Get_count(&status, MPI_DOUBLE, &count));
      scratch.resize(static_cast<std::size_t>(std::max(count, 0)));
      SGDSIM_MPI_CHECK(MPI_Mrecv(scratch.data(), count, MPI_DOUBLE, &message, MPI_STATUS_IGNORE));
      auto& n = late[static_cast<std::size_t>(status.MPI_SOURCE)];
      if (n > 0) {
        --n;
        --remaining;
      }
      ++received_from_[static_cast<std::size_t>(status.MPI_SOURCE)];
      ++drained_;
    }
    progress_detached();
    if (remaining == 0 && detached_.empty()) return true;
    if (std::chrono::steady_clock::now() - start > limit)
      SGDSIM_THROW(MpiError, "rank " + std::to_string(rank_) + ": final drain did not finish in " +
                                 std::to_string(timeout) + " s (" + std::to_string(remaining) +
                                 " late messages not arrived, " + std::to_string(detached_.size()) +
                                 " sends not taken): did every rank call finish()?");
    return false;
  });
  SGDSIM_MPI_CHECK(MPI_Comm_free(&comm_));
  finished_ = true;
}

}  // namespace sgdsim::exec
