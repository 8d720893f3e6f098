// run_in_child: fork, a pipe from the child, an optional wall-clock limit.
#include "child_process.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>

#include "sgdsim/error.hpp"

namespace sgdsim::sim {

ChildOutput run_in_child(const std::function<void(int fd)>& body, int timeout_seconds, const std::string& what) {
  int fds[2];
  if (pipe(fds) != 0) SGDSIM_THROW(SimulationError, "cannot check " + what + ": pipe failed");
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) SGDSIM_THROW(SimulationError, "cannot check " + what + ": fork failed");
  if (pid == 0) {
    close(fds[0]);
    body(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  ChildOutput out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  for (;;) {
    int wait_ms = -1;
    if (timeout_seconds > 0) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        out.timed_out = true;
        break;
      }
      wait_ms = static_cast<int>(left.count());
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, wait_ms);
    if (ready <= 0) continue;  // interrupted, or the deadline (checked above)
    char buffer[4096];
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the child closed its end: it has exited
    if (out.text.size() < (1u << 20)) out.text.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  if (out.timed_out) kill(pid, SIGKILL);
  while (waitpid(pid, &out.status, 0) < 0 && errno == EINTR) {
  }
  return out;
}

}  // namespace sgdsim::sim
