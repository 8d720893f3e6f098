// agree_to_start: every rank's start-up outcome and scenario fingerprint compared before any algorithm traffic.
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <string>
#include <thread>
#include <vector>

#include "sgdsim/core/scenario/fingerprint.hpp"
#include "sgdsim/exec/mpi_check.hpp"
#include "sgdsim/exec/run.hpp"
#include "sgdsim/interrupt.hpp"

namespace sgdsim::exec {
namespace {

// Waits for a non-blocking collective, sleeping between tests: ranks that finished loading their data early must not
// take the cores from those still loading. An interrupt checkpoint, like every wait of a real run.
void wait_sleeping(MPI_Request& request) {
  for (;;) {
    int done = 0;
    SGDSIM_MPI_CHECK(MPI_Test(&request, &done, MPI_STATUS_IGNORE));
    if (done != 0) return;
    interrupt::check();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

std::vector<int> allgather(int value) {
  int world = 0;
  SGDSIM_MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &world));
  std::vector<int> all(static_cast<std::size_t>(world));
  MPI_Request request = MPI_REQUEST_NULL;
  SGDSIM_MPI_CHECK(MPI_Iallgather(&value, 1, MPI_INT, all.data(), 1, MPI_INT, MPI_COMM_WORLD, &request));
  wait_sleeping(request);
  return all;
}

// `text` of rank `root` on every rank.
std::string broadcast(const std::string& text, int root) {
  unsigned long long size = text.size();
  MPI_Request request = MPI_REQUEST_NULL;
  SGDSIM_MPI_CHECK(MPI_Ibcast(&size, 1, MPI_UNSIGNED_LONG_LONG, root, MPI_COMM_WORLD, &request));
  wait_sleeping(request);
  if (size > static_cast<unsigned long long>(INT_MAX))
    SGDSIM_THROW(MpiError, "scenario of " + std::to_string(size) + " bytes exceeds the MPI count limit");
  std::string out = text;
  out.resize(size);
  SGDSIM_MPI_CHECK(MPI_Ibcast(out.data(), static_cast<int>(size), MPI_CHAR, root, MPI_COMM_WORLD, &request));
  wait_sleeping(request);
  return out;
}

std::string ranks_text(const std::vector<int>& flags) {
  std::string text;
  int count = 0;
  for (std::size_t r = 0; r < flags.size(); ++r) {
    if (flags[r] == 0) continue;
    text += (text.empty() ? "" : ", ") + std::to_string(r);
    ++count;
  }
  return (count == 1 ? "rank " : "ranks ") + text;
}

}  // namespace

StartVerdict agree_to_start(int failure, const std::string& fingerprint) {
  int rank = 0;
  SGDSIM_MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
  const std::vector<int> failures = allgather(failure);
  const int worst = *std::max_element(failures.begin(), failures.end());
  if (worst != 0) {
    // A failing rank has printed its own error; the others say whose it was.
    const std::string whose = std::count_if(failures.begin(), failures.end(), [](int f) { return f != 0; }) == 1
                                  ? " rejected the scenario (see its error); nothing was run"
                                  : " rejected the scenario (see their errors); nothing was run";
    return {worst, failure != 0 ? std::string() : ranks_text(failures) + whose};
  }
  const std::string reference = broadcast(fingerprint, 0);
  const std::string mine = rank == 0 ? std::string() : first_difference(reference, fingerprint);
  const std::vector<int> differs = allgather(mine.empty() ? 0 : 1);
  const auto first = std::find(differs.begin(), differs.end(), 1);
  if (first == differs.end()) return {};
  const int first_rank = static_cast<int>(first - differs.begin());
  const std::string where = broadcast(mine, first_rank);
  return {2, "the ranks were given different scenarios: " + ranks_text(differs) + " differ from rank 0; first difference (rank 0 against rank " +
                 std::to_string(first_rank) + ") at " + where};
}

}  // namespace sgdsim::exec
