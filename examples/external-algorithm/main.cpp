// sgdsim's whole command line (simulate, run under mpirun, check, bounds, compare, algorithms) plus heavy_ball.
#include "heavy_ball.hpp"
#include "sgdsim/cli/cli.hpp"

int main(int argc, char** argv) {
  sgdsim::register_algorithm(example::heavy_ball_algorithm());
  return sgdsim::cli::main(argc, argv);
}
