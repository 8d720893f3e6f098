// A tiny MPI program for the abort test: rank 1 throws while rank 0 waits for a message that never comes.
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "sgdsim/exec/mpi_comm.hpp"
#include "sgdsim/exec/run.hpp"

int main(int argc, char** argv) {
  sgdsim::exec::MpiSession session(&argc, &argv);
  try {
    sgdsim::exec::MpiComm comm;
    if (comm.rank() == 1) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      throw std::runtime_error("rank 1 failed on purpose");
    }
    double never = 0;
    comm.recv(1, 0, std::span(&never, 1));  // without MPI_Abort this would wait forever
    comm.finish();
  } catch (const std::exception& e) {
    // What apps/sgdsim does: print the rank's message, then take every rank down with it.
    std::fprintf(stderr, "sgdsim: rank %d: %s\n", session.rank(), e.what());
    session.abort(3);
  }
  return 0;
}
