// Platform builder: generated star / cluster / ideal zones through the S4U zone API, or a SimGrid XML file.
#include "platform.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include "sgdsim/error.hpp"

namespace sgdsim::sim {

namespace s4u = simgrid::s4u;

namespace {

constexpr double IDEAL_BANDWIDTH = 1e15;  // bytes/s: an 8 MB message takes 8 ns

std::string rank_host_name(int rank) { return "rank-" + std::to_string(rank); }

}  // namespace

bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0;
  std::size_t j = 0;
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t ei = i;
      std::size_t ej = j;
      while (ei < a.size() && digit(a[ei])) ++ei;
      while (ej < b.size() && digit(b[ej])) ++ej;
      // Compare the runs by value: strip leading zeros, then the longer is larger, else lexicographic.
      std::size_t zi = i;
      std::size_t zj = j;
      while (zi + 1 < ei && a[zi] == '0') ++zi;
      while (zj + 1 < ej && b[zj] == '0') ++zj;
      if (ei - zi != ej - zj) return ei - zi < ej - zj;
      const int c = a.compare(zi, ei - zi, b, zj, ej - zj);
      if (c != 0) return c < 0;
      i = ei;
      j = ej;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  if (a.size() - i != b.size() - j) return a.size() - i < b.size() - j;
  return a < b;  // equal up to leading zeros: fall back to a total order
}

std::vector<std::string> platform_config_args(const NetworkSpec& network) {
  if (!network.platform_file.empty()) return {};
  return {"--cfg=network/model:CM02", "--cfg=network/crosstraffic:0"};
}

std::vector<s4u::Host*> build_platform(s4u::Engine& engine, const NetworkSpec& network, int ranks) {
  if (ranks < 1) SGDSIM_THROW(ConfigError, "platform: need at least one rank, got " + std::to_string(ranks));
  std::vector<s4u::Host*> hosts;
  if (!network.platform_file.empty()) {
    const std::string file = network.platform_file.string();
    if (!std::filesystem::is_regular_file(network.platform_file)) {
      SGDSIM_THROW(ConfigError, "scenario.cluster.network: platform file " + file + " does not exist");
    }
    check_platform_file(engine, network.platform_file, ranks);
    engine.load_platform(file);
    hosts = engine.get_all_hosts();
    std::sort(hosts.begin(), hosts.end(),
              [](const s4u::Host* a, const s4u::Host* b) { return natural_less(a->get_name(), b->get_name()); });
    if (static_cast<int>(hosts.size()) < ranks) {
      SGDSIM_THROW(ConfigError, "scenario.cluster.network: platform file " + file + " has " +
                                    std::to_string(hosts.size()) + " hosts, but the scenario needs " +
                                    std::to_string(ranks) + " ranks");
    }
    hosts.resize(static_cast<std::size_t>(ranks));
    return hosts;
  }

  auto* zone = s4u::create_star_zone("sgdsim");
  hosts.reserve(static_cast<std::size_t>(ranks));
  for (int r = 0; r < ranks; ++r) {
    s4u::Host* host = zone->create_host(rank_host_name(r), REFERENCE_HOST_SPEED)->seal();
    const std::string link_name = "link-" + std::to_string(r);
    switch (network.topology) {
      case Topology::CLUSTER: {
        // Private split-duplex link: sending to the right neighbour and receiving from the left one do not compete.
        s4u::Link* link =
            zone->create_split_duplex_link(link_name, network.bandwidth)->set_latency(network.latency / 2)->seal();
        zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr,
                        {s4u::LinkInRoute(link, s4u::LinkInRoute::Direction::UP)}, false);
        zone->add_route(nullptr, host->get_netpoint(), nullptr, nullptr,
                        {s4u::LinkInRoute(link, s4u::LinkInRoute::Direction::DOWN)}, false);
        break;
      }
      case Topology::STAR:
      case Topology::IDEAL: {
        const bool ideal = network.topology == Topology::IDEAL;
        s4u::Link* link = zone->create_link(link_name, ideal ? IDEAL_BANDWIDTH : network.bandwidth)
                              ->set_latency(ideal ? 0.0 : network.latency)
                              ->seal();
        // One shared link for both directions: what a rank sends and receives competes for it.
        zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, {s4u::LinkInRoute(link)}, false);
        zone->add_route(nullptr, host->get_netpoint(), nullptr, nullptr, {s4u::LinkInRoute(link)}, false);
        break;
      }
    }
    hosts.push_back(host);
  }
  zone->seal();
  return hosts;
}

}  // namespace sgdsim::sim
