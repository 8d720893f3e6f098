// The sgdsim command line as a library: a program that registers algorithms of its own runs the whole CLI with them.
#pragma once

namespace sgdsim::cli {

// Runs the sgdsim command line on these arguments (argv[0] is the program name) and returns its exit code: 0 ok,
// 2 bad input (scenario, data, options), 1 failure. Every algorithm registered before the call
// (sgdsim::register_algorithm) is known to every command: simulate, run (under mpirun), check, bounds, compare and
// the `algorithms` listing. `run` initialises and finalises MPI itself.
int main(int argc, char** argv);

}  // namespace sgdsim::cli
