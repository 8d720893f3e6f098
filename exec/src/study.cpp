// MPI pieces of a study spread over ranks: mpirun detection, versions, host names, results sent to rank 0.
#include "sgdsim/exec/study.hpp"

#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "sgdsim/exec/mpi_check.hpp"

namespace sgdsim::exec {
namespace {

constexpr int TAG_SIZE = 7301;  // one uint64: the size of the message that follows
constexpr int TAG_PIECE = 7302;
constexpr std::size_t PIECE = std::size_t{1} << 30;

std::string receive_from(int source) {
  std::uint64_t size = 0;
  SGDSIM_MPI_CHECK(MPI_Recv(&size, 1, MPI_UINT64_T, source, TAG_SIZE, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  std::string bytes(size, '\0');
  for (std::size_t at = 0; at < bytes.size(); at += PIECE) {
    const int n = static_cast<int>(std::min(PIECE, bytes.size() - at));
    SGDSIM_MPI_CHECK(MPI_Recv(bytes.data() + at, n, MPI_BYTE, source, TAG_PIECE, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  }
  return bytes;
}

}  // namespace

bool launched_by_mpirun() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

std::string mpi_library_version() {
  char version[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int length = 0;
  if (MPI_Get_library_version(version, &length) != MPI_SUCCESS) return "unknown";
  std::string text(version, static_cast<std::size_t>(std::max(length, 0)));
  text = text.substr(0, text.find('\n'));
  while (!text.empty() && (text.back() == ' ' || text.back() == '\0')) text.pop_back();
  return text;
}

std::vector<std::string> gather_host_names() {
  char name[MPI_MAX_PROCESSOR_NAME] = {};
  int length = 0;
  SGDSIM_MPI_CHECK(MPI_Get_processor_name(name, &length));
  int rank = 0, size = 0;
  SGDSIM_MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
  SGDSIM_MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &size));
  std::vector<char> all(rank == 0 ? static_cast<std::size_t>(size) * MPI_MAX_PROCESSOR_NAME : 0);
  SGDSIM_MPI_CHECK(MPI_Gather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all.data(), MPI_MAX_PROCESSOR_NAME, MPI_CHAR, 0,
                              MPI_COMM_WORLD));
  std::vector<std::string> hosts;
  for (int r = 0; r < (rank == 0 ? size : 0); ++r) {
    std::string host(all.data() + static_cast<std::size_t>(r) * MPI_MAX_PROCESSOR_NAME);
    if (std::find(hosts.begin(), hosts.end(), host) == hosts.end()) hosts.push_back(host);
  }
  return hosts;
}

void send_to_root(std::string_view bytes) {
  const std::uint64_t size = bytes.size();
  SGDSIM_MPI_CHECK(MPI_Send(&size, 1, MPI_UINT64_T, 0, TAG_SIZE, MPI_COMM_WORLD));
  for (std::size_t at = 0; at < bytes.size(); at += PIECE) {
    const int n = static_cast<int>(std::min(PIECE, bytes.size() - at));
    SGDSIM_MPI_CHECK(MPI_Send(bytes.data() + at, n, MPI_BYTE, 0, TAG_PIECE, MPI_COMM_WORLD));
  }
}

std::optional<std::string> poll_at_root() {
  int arrived = 0;
  MPI_Status status;
  SGDSIM_MPI_CHECK(MPI_Iprobe(MPI_ANY_SOURCE, TAG_SIZE, MPI_COMM_WORLD, &arrived, &status));
  if (arrived == 0) return std::nullopt;
  return receive_from(status.MPI_SOURCE);
}

std::string receive_at_root() {
  MPI_Status status;
  SGDSIM_MPI_CHECK(MPI_Probe(MPI_ANY_SOURCE, TAG_SIZE, MPI_COMM_WORLD, &status));
  return receive_from(status.MPI_SOURCE);
}

}  // namespace sgdsim::exec
