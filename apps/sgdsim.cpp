// The sgdsim program: the command line of the cli library with the built-in algorithms.
#include "sgdsim/cli/cli.hpp"

int main(int argc, char** argv) { return sgdsim::cli::main(argc, argv); }
