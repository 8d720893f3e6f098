// Helpers shared by the MPI test programs.
#pragma once

#include <utility>

#include "sgdsim/core/models/problem.hpp"

namespace sgdsim::test {

// A one-row, one-feature least-squares problem: for tests that need a Problem but not its numbers.
inline Problem tiny_problem() {
  Dataset data;
  data.rows = 1;
  data.cols = 1;
  data.dense = {1.0};
  data.labels = {1.0};
  return Problem(std::move(data), kernels::Loss::LEAST_SQUARES, 0.0);
}

}  // namespace sgdsim::test
