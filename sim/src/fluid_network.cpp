// FluidNetwork: latency phase, weighted max-min sharing with per-transfer bounds, transfer ends, all in closed form.
#include "fluid_network.hpp"

#include <algorithm>

#include "sgdsim/error.hpp"

namespace sgdsim::sim {

namespace {
constexpr double IDEAL_BANDWIDTH = 1e15;  // bytes/s, as the SimGrid platform builder's ideal links
// Two links are equally loaded when their fair shares agree to this relative tolerance (equal flows give equal bits;
// this only groups shares that differ by rounding, so one pass fixes them together).
constexpr double SAME_SHARE = 1e-12;
}  // namespace

FluidNetwork::FluidNetwork(const NetworkSpec& network, int hosts) {
  if (!network.platform_file.empty())
    SGDSIM_THROW(ConfigError, "the analytic engine models generated networks only, not platform files");
  const bool ideal = network.topology == Topology::IDEAL;
  shared_links_ = network.topology != Topology::CLUSTER;
  links_per_host_ = shared_links_ ? 1 : 2;
  const auto links = static_cast<std::size_t>(hosts * links_per_host_);
  capacity_.assign(links, ideal ? IDEAL_BANDWIDTH : network.bandwidth);
  // A cluster link's halves carry latency/2 each, so that a message takes latency + S/bandwidth (as in platform.cpp).
  latency_.assign(links, ideal ? 0.0 : (shared_links_ ? network.latency : network.latency / 2));
  left_.assign(links, 0);
  weights_.assign(links, 0);
  counts_.assign(links, 0);
  saturated_.assign(links, 0);
  load_.assign(links, 0);
}

FluidNetwork::FlowId FluidNetwork::start(int src, int dst, double bytes) {
  FlowId id;
  if (free_.empty()) {
    id = static_cast<FlowId>(flows_.size());
    flows_.emplace_back();
  } else {
    id = free_.back();
    free_.pop_back();
  }
  Flow& f = flows_[static_cast<std::size_t>(id)];
  f = Flow{};
  f.live = true;
  f.seq = seq_++;
  f.remaining = bytes;
  if (shared_links_) {
    f.links[0] = src;
    f.links[1] = dst == src ? -1 : dst;
  } else {
    f.links[0] = 2 * src;
    f.links[1] = 2 * dst + 1;
  }
  double latency = 0;
  double bandwidth = NEVER;
  for (int l : f.links) {
    if (l < 0) continue;
    latency += latency_[static_cast<std::size_t>(l)];
    bandwidth = std::min(bandwidth, capacity_[static_cast<std::size_t>(l)]);
  }
  // CM02: the sharing penalty is the route latency (1 without latency); the rate is bounded by the route's smallest
  // bandwidth and by the TCP window over the round trip.
  f.weight = latency > 0 ? 1.0 / latency : 1.0;
  f.bound = latency > 0 ? std::min(bandwidth, TCP_GAMMA / (2.0 * latency)) : bandwidth;
  if (first_weight_ < 0) {
    first_weight_ = f.weight;
    first_bound_ = f.bound;
  }
  if (f.weight != first_weight_ || f.bound != first_bound_ || f.links[1] < 0) uniform_possible_ = false;
  if (latency > 0) {
    f.latency_end = now_ + latency;
    latency_events_.push({f.latency_end, id, f.seq});
  } else {
    add_sharing(id);
  }
  return id;
}

void FluidNetwork::add_sharing(FlowId id) {
  Flow& f = flows_[static_cast<std::size_t>(id)];
  f.sharing = true;
  f.pos = sharing_.size();
  sharing_.push_back(id);
  for (int l : f.links) {
    if (l < 0) continue;
    if (++load_[static_cast<std::size_t>(l)] == 2) {
      ++crowded_;
      crowded_links_.push_back(l);
    }
  }
  if (crowded_links_.size() > 4 * load_.size() + 64) {  // drop the links that are no longer crowded
    crowded_links_.clear();
    for (std::size_t l = 0; l < load_.size(); ++l)
      if (load_[l] >= 2) crowded_links_.push_back(static_cast<int>(l));
  }
  if (uniform_) {
    f.finish = service_ + f.remaining;
    finishes_.push({f.finish, f.seq, id});
  }
  choose_mode();
}

void FluidNetwork::remove_sharing(FlowId id) {
  Flow& f = flows_[static_cast<std::size_t>(id)];
  f.sharing = false;
  const FlowId moved = sharing_.back();
  sharing_[f.pos] = moved;
  flows_[static_cast<std::size_t>(moved)].pos = f.pos;
  sharing_.pop_back();
  for (int l : f.links)
    if (l >= 0 && load_[static_cast<std::size_t>(l)]-- == 2) --crowded_;
  choose_mode();  // a heap entry of a removed flow is recognised as stale (not sharing, or another sequence number)
}

void FluidNetwork::choose_mode() {
  // One rate for all: no link carries two transfers, or exactly one link does and it carries all of them (then, with
  // one capacity for all links, every other link leaves room for more than that link's share).
  int hub = -1;
  if (crowded_ == 1) {
    while (load_[static_cast<std::size_t>(crowded_links_.back())] < 2) crowded_links_.pop_back();
    hub = crowded_links_.back();
  }
  const auto n = static_cast<int>(sharing_.size());
  if (crowded_ == 0) crowded_links_.clear();
  const bool uniform =
      uniform_possible_ && n > 0 && (crowded_ == 0 || (crowded_ == 1 && load_[static_cast<std::size_t>(hub)] == n));
  if (uniform && !uniform_) {
    // From general: what is left of each transfer becomes its end of service.
    finishes_ = {};
    service_ = 0;
    for (FlowId id : sharing_) {
      Flow& f = flows_[static_cast<std::size_t>(id)];
      f.finish = f.remaining;
      finishes_.push({f.finish, f.seq, id});
    }
  } else if (!uniform && uniform_) {
    for (FlowId id : sharing_) {
      Flow& f = flows_[static_cast<std::size_t>(id)];
      f.remaining = std::max(0.0, f.finish - service_);
    }
    finishes_ = {};
  }
  uniform_ = uniform;
  if (uniform_) {
    const double capacity = capacity_[0];
    uniform_rate_ = std::min(first_bound_, crowded_ == 0 ? capacity : capacity / n);
    dirty_ = false;
  } else {
    dirty_ = true;
  }
}

void FluidNetwork::abort(FlowId id) {
  Flow& f = flows_[static_cast<std::size_t>(id)];
  if (!f.live) return;
  if (f.sharing) remove_sharing(id);
  f.live = false;  // a pending latency event of this flow is recognised as stale by its sequence number
  free_.push_back(id);
}

void FluidNetwork::share() {
  dirty_ = false;
  next_end_ = NEVER;
  if (sharing_.empty()) return;
  touched_.clear();
  for (FlowId id : sharing_) {
    const Flow& f = flows_[static_cast<std::size_t>(id)];
    for (int l : f.links) {
      if (l < 0) continue;
      const auto li = static_cast<std::size_t>(l);
      if (counts_[li] == 0) {
        touched_.push_back(l);
        left_[li] = capacity_[li];
        weights_[li] = 0;
      }
      ++counts_[li];
      weights_[li] += f.weight;
    }
  }
  // Progressive filling: raise the common level λ (rate = weight·λ) until a link saturates or a transfer hits its
  // bound; fix those transfers and go on with the rest.
  unfixed_ = sharing_;
  while (!unfixed_.empty()) {
    double level = NEVER;
    for (int l : touched_) {
      const auto li = static_cast<std::size_t>(l);
      if (counts_[li] > 0) level = std::min(level, left_[li] / weights_[li]);
    }
    for (FlowId id : unfixed_) {
      const Flow& f = flows_[static_cast<std::size_t>(id)];
      level = std::min(level, f.bound / f.weight);
    }
    const double limit = level * (1 + SAME_SHARE);
    for (int l : touched_) {
      const auto li = static_cast<std::size_t>(l);
      saturated_[li] = counts_[li] > 0 && left_[li] / weights_[li] <= limit;
    }
    std::size_t kept = 0;
    for (FlowId id : unfixed_) {
      Flow& f = flows_[static_cast<std::size_t>(id)];
      bool fixed = f.bound / f.weight <= limit;
      for (int l : f.links) fixed = fixed || (l >= 0 && saturated_[static_cast<std::size_t>(l)]);
      if (!fixed) {
        unfixed_[kept++] = id;
        continue;
      }
      f.rate = std::min(f.weight * level, f.bound);
      for (int l : f.links) {
        if (l < 0) continue;
        const auto li = static_cast<std::size_t>(l);
        left_[li] -= f.rate;
        weights_[li] -= f.weight;
        --counts_[li];
      }
    }
    unfixed_.resize(kept);
  }
  for (int l : touched_) counts_[static_cast<std::size_t>(l)] = 0;
  for (FlowId id : sharing_) {
    Flow& f = flows_[static_cast<std::size_t>(id)];
    f.end = now_ + f.remaining / f.rate;
    next_end_ = std::min(next_end_, f.end);
  }
}

double FluidNetwork::next_event() {
  if (dirty_) share();
  if (uniform_) {
    while (!finishes_.empty()) {
      const Finish& top = finishes_.top();
      const Flow& f = flows_[static_cast<std::size_t>(top.flow)];
      if (f.live && f.sharing && f.seq == top.seq) break;
      finishes_.pop();  // stale: ended or withdrawn
    }
    next_end_ = finishes_.empty() ? NEVER : now_ + std::max(0.0, finishes_.top().service - service_) / uniform_rate_;
  }
  while (!latency_events_.empty()) {
    const LatencyEvent& e = latency_events_.top();
    const Flow& f = flows_[static_cast<std::size_t>(e.flow)];
    if (f.live && f.seq == e.seq && !f.sharing) break;
    latency_events_.pop();  // stale: the transfer was aborted
  }
  const double latency = latency_events_.empty() ? NEVER : latency_events_.top().time;
  return std::min(latency, next_end_);
}

void FluidNetwork::progress(double t) {
  const double dt = t - now_;
  if (uniform_) {
    if (dt > 0) service_ += uniform_rate_ * dt;
    now_ = t;
    return;
  }
  if (dt > 0)
    for (FlowId id : sharing_) {
      Flow& f = flows_[static_cast<std::size_t>(id)];
      f.remaining = std::max(0.0, f.remaining - f.rate * dt);
    }
  now_ = t;
}

void FluidNetwork::advance(double t, std::vector<FlowId>& ended) {
  if (t < now_ || t > next_event()) SGDSIM_THROW(SimulationError, "FluidNetwork: advance past the next event or back");
  const bool ending = next_end_ <= t;
  progress(t);
  const std::size_t first = ended.size();
  if (ending && uniform_) {
    // The transfer this event time was computed for ends (whatever rounding left of its service), and so does every
    // other whose end of service has been reached.
    const double reached = service_ * (1 + 1e-14) + 1e-9;
    bool first_end = true;
    while (!finishes_.empty()) {
      const Finish top = finishes_.top();
      const Flow& f = flows_[static_cast<std::size_t>(top.flow)];
      if (f.live && f.sharing && f.seq == top.seq) {
        if (!first_end && top.service > reached) break;
        first_end = false;
        ended.push_back(top.flow);
      }
      finishes_.pop();
    }
  } else if (ending) {
    for (FlowId id : sharing_)
      if (flows_[static_cast<std::size_t>(id)].end <= t) ended.push_back(id);
  }
  // Transfers that ended together are reported in the order they started.
  std::sort(ended.begin() + static_cast<std::ptrdiff_t>(first), ended.end(), [&](FlowId a, FlowId b) {
    return flows_[static_cast<std::size_t>(a)].seq < flows_[static_cast<std::size_t>(b)].seq;
  });
  for (std::size_t i = first; i < ended.size(); ++i) {
    Flow& f = flows_[static_cast<std::size_t>(ended[i])];
    remove_sharing(ended[i]);
    f.live = false;
    free_.push_back(ended[i]);
  }
  while (!latency_events_.empty() && latency_events_.top().time <= t) {
    const LatencyEvent e = latency_events_.top();
    latency_events_.pop();
    const Flow& f = flows_[static_cast<std::size_t>(e.flow)];
    if (!f.live || f.seq != e.seq || f.sharing) continue;
    add_sharing(e.flow);
  }
}

}  // namespace sgdsim::sim
