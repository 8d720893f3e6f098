// Running tasks in child processes, a few at a time: SimGrid allows one engine per process, so every simulated
// repetition of a study gets a process of its own.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace sgdsim::cli {

// What run_in_children does with each task. `body` runs in the child; the others run in the parent.
struct ChildTasks {
  std::function<int(int)> body;        // the child's exit status (an exception: see report_exception)
  std::function<void(int)> started;    // a child for the task was started
  std::function<void(int, int)> done;  // the task's child ended with this status (killed by a signal: 1)
  std::function<void()> idle;          // about every 20 ms while children run (receive messages, draw progress)
};

// Runs each task in a forked child process, at most `parallel` at once, starting them in the order given. A child gets
// SIGTERM when this process dies. After an interrupt (SIGINT, SIGTERM) no more tasks start; a SIGTERM is passed on to
// the running ones; it returns once they have ended.
void run_in_children(const std::vector<int>& tasks, int parallel, const ChildTasks& hooks);

// Call inside a catch block: prints "error: <prefix><what the exception says>" on stderr and returns the exit status
// for it (2 for bad input: ConfigError, DataError; 1 otherwise).
int report_exception(const std::string& prefix = "");

// A private temporary directory (under $TMPDIR or /tmp), removed with everything in it when this goes away.
class ScratchDirectory {
 public:
  ScratchDirectory();
  ~ScratchDirectory();
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace sgdsim::cli
