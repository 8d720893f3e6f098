// What `mpirun -np N sgdsim simulate STUDY` needs from MPI: knowing it runs under mpirun, versions and host names for
// the provenance, and handing each rank's results to rank 0.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sgdsim::exec {

// Whether mpirun / mpiexec started this process (Open MPI, PMIx or MPICH Hydra environment variables), so that MPI
// is initialised only then and a plain `sgdsim simulate` never touches MPI.
bool launched_by_mpirun();

// The MPI library's version (MPI_Get_library_version, first line, e.g. "Open MPI v4.1.4, ..."); works before MPI_Init.
std::string mpi_library_version();

// Collective over MPI_COMM_WORLD: every rank's host name, to rank 0 (each once, in rank order); other ranks get {}.
std::vector<std::string> gather_host_names();

// Byte strings from any rank to rank 0, point-to-point on MPI_COMM_WORLD (in pieces of at most 1 GiB). send_to_root
// blocks until rank 0 takes the message; poll_at_root returns a message that has arrived, or nothing; receive_at_root
// waits for one. Messages from one rank arrive in the order they were sent.
void send_to_root(std::string_view bytes);
std::optional<std::string> poll_at_root();
std::string receive_at_root();

}  // namespace sgdsim::exec
