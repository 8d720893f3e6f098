// The first-arrivals mechanism shared by the gradient-coding parameter server and the model-averaging aggregator.
#include "arrivals.hpp"

#include <cstdio>

#include "sgdsim/core/trace/trace.hpp"

namespace sgdsim {

Arrivals::Arrivals(Comm& comm, int workers, int first_rank, bool watch)
    : comm_(comm), failed_(static_cast<std::size_t>(workers), 0), last_time_(NOT_EVALUATED) {
  if (!watch) return;
  notices_.resize(static_cast<std::size_t>(workers));
  times_.resize(static_cast<std::size_t>(workers));
  for (int w = 0; w < workers; ++w)
    notices_[w] = comm_.recv_async(first_rank + w, failure_tag(), std::span<double>(&times_[w], 1));
}

std::size_t Arrivals::wait(std::span<Request> pending) {
  if (notices_.empty()) return comm_.wait_any(pending);
  // wait_any over one list: the results, then the notices (Requests are move-only: moved in and back out).
  all_.clear();
  for (auto& r : pending) all_.push_back(std::move(r));
  for (auto& r : notices_) all_.push_back(std::move(r));
  const std::size_t i = comm_.wait_any(all_);
  for (std::size_t j = 0; j < pending.size(); ++j) pending[j] = std::move(all_[j]);
  for (std::size_t j = 0; j < notices_.size(); ++j) notices_[j] = std::move(all_[pending.size() + j]);
  if (i < pending.size()) return i;
  const std::size_t w = i - pending.size();
  failed_[w] = 1;
  last_failed_ = static_cast<int>(w);
  last_time_ = times_[w];
  return pending.size();
}

std::string seconds_text(double t) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g s", t);
  return buffer;
}

void FailureNotice::send(Comm& comm, int to, double time) {
  time_ = time;
  sent_ = true;
  request_ = comm.send_async(to, failure_tag(), std::span<const double>(&time_, 1));
}

void FailureNotice::withdraw(Comm& comm) {
  if (request_.pending() && !comm.test(request_)) comm.cancel(request_);
}

void Arrivals::finish() {
  for (auto& r : notices_)
    if (r.pending()) comm_.cancel(r);
}

}  // namespace sgdsim
