// SimGrid options: the user's --cfg/--log tried on a 2-host test simulation in a child process before a run
// uses them, and --cfg=help.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Mailbox.hpp>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "platform.hpp"
#include "sgdsim/error.hpp"
#include "sgdsim/sim/simulate.hpp"

namespace sgdsim::sim {

namespace s4u = simgrid::s4u;

namespace {

constexpr double PROBE_BYTES = 1e6;
constexpr int PROBE_SECONDS = 10;  // wall clock: the probe itself takes a few milliseconds

// In the child: the engine with every argument, the scenario's network for 2 ranks, one transfer and one sleep.
// SimGrid's own messages (and ours) go to `err_fd`; exit 0 if the transfer arrived.
[[noreturn]] void probe(std::vector<std::string> args, const NetworkSpec& network, int err_fd) {
  dup2(err_fd, STDERR_FILENO);
  dup2(err_fd, STDOUT_FILENO);
  try {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int argc = static_cast<int>(args.size());
    s4u::Engine engine(&argc, argv.data());
    const auto hosts = build_platform(engine, network, 2);
    static int payload = 0;
    static bool arrived = false;
    s4u::Actor::create("probe-0", hosts[0], [] {
      s4u::Mailbox::by_name("probe")->put(&payload, static_cast<std::uint64_t>(PROBE_BYTES));
      s4u::this_actor::sleep_for(1e-3);
    });
    s4u::Actor::create("probe-1", hosts[1], [] {
      s4u::Mailbox::by_name("probe")->get<int>();
      arrived = true;
      s4u::this_actor::sleep_for(1e-3);
    });
    engine.run();
    if (!arrived) std::fprintf(stderr, "the test transfer never arrived\n");
    std::fflush(nullptr);
    _exit(arrived ? 0 : 3);
  } catch (const std::exception& e) {
    const std::string what = e.what();  // SimGrid's option errors go on to list every key: the first line says it
    std::fprintf(stderr, "%s\n", what.substr(0, what.find('\n')).c_str());
    std::fflush(nullptr);
    _exit(4);
  }
}

// What SimGrid said, in one line of at most 300 characters: the message of its first CRITICAL log line (or the line
// after it when that is empty: an invalid option value), else the first non-empty line (a crash's own report).
std::string simgrid_said(const std::string& text) {
  std::vector<std::string> lines;
  for (std::size_t begin = 0; begin < text.size();) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(begin, end - begin);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (!line.empty()) lines.push_back(line);
    begin = end + 1;
  }
  std::string said = lines.empty() ? "" : lines.front();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string marker = "CRITICAL]";
    const std::size_t at = lines[i].find(marker);
    if (at == std::string::npos) continue;
    said = lines[i].substr(at + marker.size());
    said.erase(0, said.find_first_not_of(' '));
    if (said.empty() && i + 1 < lines.size()) said = lines[i + 1];
    break;
  }
  if (said.size() > 300) said = said.substr(0, 300) + "...";
  return said;
}

}  // namespace

void print_simgrid_options() {
  // SimGrid prints the description of every option for --help, then exits the process (status 0) itself.
  std::string program = "sgdsim", help = "--help";
  char* argv[] = {program.data(), help.data(), nullptr};
  int argc = 2;
  std::fflush(nullptr);
  s4u::Engine engine(&argc, argv);
}

void check_simgrid_options(const std::vector<std::string>& args, const std::vector<std::string>& user_args,
                           const NetworkSpec& network) {
  std::string given;
  for (const auto& a : user_args) given += (given.empty() ? "" : " ") + a;
  const std::string where = "SimGrid options " + given;
  const ChildOutput child = run_in_child([&](int fd) { probe(args, network, fd); }, PROBE_SECONDS, where);
  const int status = child.status;
  if (!child.timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  const std::string test = "a test simulation (one " + std::to_string(static_cast<int>(PROBE_BYTES / 1e6)) +
                           " MB transfer between 2 hosts of the scenario's network)";
  if (child.timed_out)
    SGDSIM_THROW(ConfigError, where + ": SimGrid did not finish " + test + " within " + std::to_string(PROBE_SECONDS) +
                                  " s of wall-clock time; a value out of its range (e.g. a precision <= 0) makes its "
                                  "solver loop forever");
  const std::string said = simgrid_said(child.text);
  if (WIFSIGNALED(status))
    SGDSIM_THROW(ConfigError, where + ": SimGrid crashed (signal " + std::to_string(WTERMSIG(status)) + ") in " + test +
                                  (said.empty() ? std::string() : ": " + said));
  SGDSIM_THROW(ConfigError, where + ": SimGrid failed in " + test + (said.empty() ? std::string() : ": " + said));
}

}  // namespace sgdsim::sim
