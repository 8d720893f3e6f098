// The small design the analysis tests compute by hand: rows (1,1), (1,-1), (2,2), (0,0), labels 1, 2, 3, 0;
// A'A = [[6,4],[4,6]], eigenvalues 10 and 2, N = 4; least squares: x* = (1.7, -0.3), F* = 0.025 (l2 = 0).
#pragma once

#include "sgdsim/core/data/dataset.hpp"
#include "sgdsim/core/models/problem.hpp"

namespace sgdsim::testing {

inline Dataset hand_design(bool sparse = false) {
  Dataset d;
  d.rows = 4;
  d.cols = 2;
  d.labels = {1, 2, 3, 0};
  if (!sparse) {
    d.dense = {1, 1, 1, -1, 2, 2, 0, 0};
  } else {
    d.sparse = true;
    d.row_ptr = {0, 2, 4, 6, 6};
    d.col_index = {0, 1, 0, 1, 0, 1};
    d.values = {1, 1, 1, -1, 2, 2};
  }
  return d;
}

inline Problem hand_least_squares(double l2) {
  return Problem(hand_design(), kernels::Loss::LEAST_SQUARES, l2, kernels::Device::REFERENCE);
}

}  // namespace sgdsim::testing
