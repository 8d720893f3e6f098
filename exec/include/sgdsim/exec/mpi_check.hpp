// The one macro every MPI call goes through: a failed call becomes an MpiError naming the call and the rank.
#pragma once

#include <mpi.h>

#include <string_view>

namespace sgdsim::exec {

// Throws MpiError("<call> failed on rank <r>: <MPI error string>"). `call` is the text of the call expression; only
// the function name (up to the first '(') is kept.
[[noreturn]] void throw_mpi_error(const char* file, int line, std::string_view call, int code);

}  // namespace sgdsim::exec

// Communicators used by sgdsim have MPI_ERRORS_RETURN set, so errors come back as codes and end up here.
#define SGDSIM_MPI_CHECK(call)                                                    \
  do {                                                                            \
    const int sgdsim_mpi_rc_ = (call);                                            \
    if (sgdsim_mpi_rc_ != MPI_SUCCESS) {                                          \
      ::sgdsim::exec::throw_mpi_error(__FILE__, __LINE__, #call, sgdsim_mpi_rc_); \
    }                                                                             \
  } while (false)
