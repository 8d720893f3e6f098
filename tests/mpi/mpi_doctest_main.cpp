// The doctest runner of the MPI tests: every rank runs every case; the exit code is non-zero if a case failed anywhere.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <mpi.h>

#include "sgdsim/exec/run.hpp"

int main(int argc, char** argv) {
  sgdsim::exec::MpiSession session(&argc, &argv);
  doctest::Context context(argc, argv);
  // Ranks other than 0 print only their failures, so the log stays readable.
  if (session.rank() != 0) context.setOption("minimal", true);
  int failed = context.run() != 0 ? 1 : 0;
  int any = failed;
  MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return any;
}
