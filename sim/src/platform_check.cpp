// A platform file checked before a simulation runs on it: that it loads, has the hosts, and routes between them.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <simgrid/s4u/Link.hpp>
#include <string>
#include <utility>

#include "child_process.hpp"
#include "platform.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim::sim {

namespace s4u = simgrid::s4u;

namespace {

constexpr int ALL_PAIRS_UP_TO = 256;  // ranks; beyond, the pairs our collectives and the parameter server use

// The ordered pairs of ranks whose route is asked for.
std::vector<std::pair<int, int>> pairs_to_check(int ranks) {
  std::vector<std::pair<int, int>> pairs;
  if (ranks <= ALL_PAIRS_UP_TO) {
    for (int a = 0; a < ranks; ++a)
      for (int b = 0; b < ranks; ++b)
        if (a != b) pairs.emplace_back(a, b);
    return pairs;
  }
  // Rank 0 with every rank (parameter server, broadcast, barrier), ring neighbours, and the partners of recursive
  // doubling (rank xor 2^j, and rank ± p for the ranks beyond the largest power of two p).
  std::set<std::pair<int, int>> wanted;
  const auto both = [&](int a, int b) {
    if (a == b || a < 0 || b < 0 || a >= ranks || b >= ranks) return;
    wanted.emplace(a, b);
    wanted.emplace(b, a);
  };
  int p = 1;
  while (p * 2 <= ranks) p *= 2;
  for (int r = 0; r < ranks; ++r) {
    both(0, r);
    both(r, (r + 1) % ranks);
    both(r, r + p);
    for (int mask = 1; mask < p; mask <<= 1) both(r, r ^ mask);
  }
  return {wanted.begin(), wanted.end()};
}

// In the child: loads the platform and asks for each route, writing "pair A B" before each question, so that the
// parent knows the pair even when SimGrid aborts the process on it (a Dijkstra zone without a path does).
[[noreturn]] void probe(s4u::Engine& engine, const std::string& file, int ranks, int out_fd) {
  FILE* out = fdopen(out_fd, "w");
  const int null = open("/dev/null", O_WRONLY);
  if (null >= 0) dup2(null, STDERR_FILENO);  // SimGrid's own report of an abort would only repeat ours
  try {
    engine.load_platform(file);
    auto hosts = engine.get_all_hosts();
    std::sort(hosts.begin(), hosts.end(),
              [](const s4u::Host* a, const s4u::Host* b) { return natural_less(a->get_name(), b->get_name()); });
    if (static_cast<int>(hosts.size()) < ranks) {
      std::fprintf(out, "hosts %zu\n", hosts.size());
    } else {
      bool ok = true;
      for (const auto& [a, b] : pairs_to_check(ranks)) {
        const std::string& from = hosts[static_cast<std::size_t>(a)]->get_name();
        const std::string& to = hosts[static_cast<std::size_t>(b)]->get_name();
        std::fprintf(out, "pair %d %d %s %s\n", a, b, from.c_str(), to.c_str());
        std::fflush(out);
        std::vector<s4u::Link*> links;
        double latency = 0;
        try {
          hosts[static_cast<std::size_t>(a)]->route_to(hosts[static_cast<std::size_t>(b)], links, &latency);
        } catch (const std::exception&) {
          links.clear(), latency = 0;  // Floyd zones throw "No route from ..."
        }
        if (links.empty() && latency <= 0) {  // Full zones return an empty route; a transfer on it would abort
          std::fprintf(out, "noroute %d %d %s %s\n", a, b, from.c_str(), to.c_str());
          ok = false;
          break;
        }
      }
      if (ok) std::fprintf(out, "ok\n");
    }
  } catch (const std::exception& e) {
    std::string what = e.what();
    std::replace(what.begin(), what.end(), '\n', ' ');
    std::fprintf(out, "error %s\n", what.c_str());
  }
  std::fflush(out);
  _exit(0);
}

}  // namespace

void check_platform_file(s4u::Engine& engine, const std::filesystem::path& path, int ranks) {
  const std::string file = path.string();
  const std::string where = "scenario.cluster.network: platform file " + file;
  const ChildOutput child = run_in_child([&](int fd) { probe(engine, file, ranks, fd); }, 0, file);
  std::string report = child.text;
  const int status = child.status;
  // The last line is the verdict, or the pair the child was asking about when it died.
  while (!report.empty() && report.back() == '\n') report.pop_back();
  const std::string last = report.substr(report.rfind('\n') == std::string::npos ? 0 : report.rfind('\n') + 1);
  if (last == "ok") return;
  int a = -1, b = -1;
  std::size_t count = 0;
  char from[256] = "", to[256] = "";
  if (std::sscanf(last.c_str(), "noroute %d %d %255s %255s", &a, &b, from, to) == 4) {
    SGDSIM_THROW(ConfigError, where + " has no route from host " + from + " (rank " + std::to_string(a) + ") to host " +
                                  to + " (rank " + std::to_string(b) + "), which the algorithm may need");
  }
  if (std::sscanf(last.c_str(), "pair %d %d %255s %255s", &a, &b, from, to) == 4) {
    SGDSIM_THROW(ConfigError, where + ": SimGrid aborted while routing from host " + from + " (rank " +
                                  std::to_string(a) + ") to host " + to + " (rank " + std::to_string(b) +
                                  "): its routing does not connect the hosts");
  }
  if (std::sscanf(last.c_str(), "hosts %zu", &count) == 1)
    SGDSIM_THROW(ConfigError, where + " has " + std::to_string(count) + " hosts, but the scenario needs " +
                                  std::to_string(ranks) + " ranks");
  if (last.rfind("error ", 0) == 0) SGDSIM_THROW(ConfigError, where + ": " + last.substr(6));
  SGDSIM_THROW(ConfigError,
               where + ": SimGrid failed while loading it" +
                   (WIFSIGNALED(status) ? " (signal " + std::to_string(WTERMSIG(status)) + ")" : std::string()));
}

}  // namespace sgdsim::sim
