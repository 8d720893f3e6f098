// A check run in a forked child process (SimGrid aborts or hangs the process on some inputs), and what it wrote.
#pragma once

#include <functional>
#include <string>

namespace sgdsim::sim {

struct ChildOutput {
  std::string text;        // what the child wrote to the descriptor it was given
  int status = 0;          // its waitpid() status
  bool timed_out = false;  // killed (SIGKILL) for running past the timeout
};

// Runs body(fd) in a forked child, which must end with _exit(), and reads what it writes to fd until it exits. With
// timeout_seconds > 0 a child still running after that much wall-clock time is killed. `what` names the check in the
// SimulationError of a failed pipe() or fork().
ChildOutput run_in_child(const std::function<void(int fd)>& body, int timeout_seconds, const std::string& what);

}  // namespace sgdsim::sim
