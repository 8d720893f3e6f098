// The consensus distance and the model average over gathered contributions (each model followed by its presence
// flag): a failed worker's contribution is left out of both the mean and the count. Hand-computed values.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "consensus.hpp"

using namespace sgdsim;

TEST_CASE("the consensus distance is over the workers present: a failed worker's contribution is left out") {
  // d = 2; worker 2 failed (flag 0, its values whatever they are).
  const std::vector<double> gathered{0, 0, 1, 2, 0, 1, 100, 100, 0, 1, 3, 1};
  // Present: (0,0), (2,0), (1,3); mean (1,1); squared distances 2, 2, 4.
  CHECK(cooperative::consensus_distance(gathered, 4, 2) == doctest::Approx(8.0 / 3.0).epsilon(1e-15));
  // The same with worker 2 present: the plain (1/m) Σ ‖x_i − x̄‖², mean (25.75, 25.75).
  std::vector<double> all = gathered;
  all[8] = 1;
  CHECK(cooperative::consensus_distance(all, 4, 2) ==
        doctest::Approx((1326.125 + 1227.125 + 11026.125 + 1130.125) / 4).epsilon(1e-15));
  // Only the first `workers` contributions count (a server's comes after them): (0,0), (2,0).
  CHECK(cooperative::consensus_distance(all, 2, 2) == doctest::Approx(1.0).epsilon(1e-15));
  const std::vector<double> none{5, 5, 0, 7, 7, 0};
  CHECK(std::isnan(cooperative::consensus_distance(none, 2, 2)));
}

TEST_CASE("the average of all models reads each contribution's model past its flag") {
  const std::vector<double> gathered{1, 2, 1, 3, 4, 1, 5, 6, 1};
  const std::vector<double> replicas_sum{9, 9};
  // (1+3+5+9)/4, (2+4+6+9)/4
  CHECK(cooperative::average_of_all(gathered, 3, replicas_sum, 4, 2) == std::vector<double>{4.5, 5.25});
  CHECK(cooperative::average_of_all(gathered, 2, {}, 2, 2) == std::vector<double>{2, 3});
}
