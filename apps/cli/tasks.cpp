// Tasks in child processes (fork, waitpid; they die with their parent and stop starting after an interrupt) and the
// scratch directory their results pass through.
#include "tasks.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <thread>

#include "commands.hpp"
#include "sgdsim/error.hpp"
#include "sgdsim/interrupt.hpp"

namespace sgdsim::cli {
namespace {

[[noreturn]] void run_child(pid_t parent, int task, const std::function<int(int)>& body) {
  // The task dies with the process that started it: if the parent goes (even by SIGKILL), the child gets SIGTERM,
  // which ends it like an interrupt. The parent may have gone before prctl took effect.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) _exit(128 + SIGTERM);
  int code = EXIT_FAILED;
  try {
    code = body(task);
  } catch (...) {
    code = report_exception();
  }
  std::cout.flush();
  std::cerr.flush();
  // _exit: the parent's atexit handlers and buffers (MPI's among them) belong to the parent.
  _exit(code);
}

}  // namespace

int report_exception(const std::string& prefix) {
  try {
    throw;
  } catch (const ConfigError& e) {
    std::cerr << "error: " << prefix << e.what() << "\n";
    return EXIT_BAD_INPUT;
  } catch (const DataError& e) {
    std::cerr << "error: " << prefix << e.what() << "\n";
    return EXIT_BAD_INPUT;
  } catch (const std::exception& e) {
    std::cerr << "error: " << prefix << e.what() << "\n";
    return EXIT_FAILED;
  } catch (...) {
    std::cerr << "error: " << prefix << "unknown exception\n";
    return EXIT_FAILED;
  }
}

void run_in_children(const std::vector<int>& tasks, int parallel, const ChildTasks& hooks) {
  std::map<pid_t, int> running;  // child -> task
  std::size_t next = 0;
  const pid_t parent = getpid();
  bool passed_on = false;
  while (next < tasks.size() || !running.empty()) {
    // After an interrupt no task starts; a SIGTERM sent to this process alone is passed on to the running ones (a
    // Ctrl-C reaches them itself, as they share the terminal's process group).
    if (interrupt::received != 0) {
      next = tasks.size();
      if (interrupt::received == SIGTERM && !passed_on) {
        for (const auto& [pid, task] : running) kill(pid, SIGTERM);
        passed_on = true;
      }
    }
    while (next < tasks.size() && static_cast<int>(running.size()) < std::max(parallel, 1)) {
      std::cout.flush();
      std::cerr.flush();
      const pid_t pid = fork();
      if (pid < 0) SGDSIM_THROW(Error, "fork failed: cannot start a process for the next task");
      if (pid == 0) run_child(parent, tasks[next], hooks.body);
      running.emplace(pid, tasks[next]);
      if (hooks.started) hooks.started(tasks[next]);
      ++next;
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid < 0) SGDSIM_THROW(Error, "waitpid failed while waiting for task processes");
    if (pid == 0) {
      if (hooks.idle) hooks.idle();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const int task = it->second;
    running.erase(it);
    int code = EXIT_FAILED;
    if (WIFEXITED(status)) {
      code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      std::cerr << "error: a simulation process died (signal " << WTERMSIG(status) << ")\n";
    }
    if (hooks.done) hooks.done(task, code);
  }
}

ScratchDirectory::ScratchDirectory() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/sgdsim-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) SGDSIM_THROW(Error, "cannot create a temporary directory " + pattern);
  path_ = pattern;
}

ScratchDirectory::~ScratchDirectory() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);  // errors ignored: a destructor never throws
}

}  // namespace sgdsim::cli
