// run_mpi under mpirun -np 2: a scenario needing another number of ranks fails with a ConfigError on every rank.
#include <doctest/doctest.h>

#include "sgdsim/core/algorithms/gradient_coding.hpp"
#include "sgdsim/core/algorithms/cooperative/params.hpp"
#include "sgdsim/error.hpp"
#include "sgdsim/exec/run.hpp"

#include "mpi_test_util.hpp"

using namespace sgdsim;

namespace {

using test::tiny_problem;

}  // namespace

TEST_CASE("a model-averaging scenario for 3 workers under 2 ranks is a ConfigError on every rank") {
  Scenario s;
  s.cluster.workers = 3;
  s.algorithm = algorithm_spec("sync_sgd", CooperativeParams{});
  s.stop.iterations = 1;
  const Problem problem = tiny_problem();
  CHECK_THROWS_WITH_AS(exec::run_mpi(s, problem),
                       "this scenario needs 3 ranks (3 workers, one per rank), mpirun started 2: run mpirun -np 3",
                       ConfigError);
}

TEST_CASE("a parameter-server scenario for 30 workers under 2 ranks names the 31 ranks it needs on every rank") {
  Scenario s;
  s.cluster.workers = 30;
  s.algorithm = algorithm_spec("agc", CodingParams::agc(30, 2, 25));
  s.stop.iterations = 1;
  const Problem problem = tiny_problem();
  CHECK_THROWS_WITH_AS(
      exec::run_mpi(s, problem),
      "this scenario needs 31 ranks (1 parameter server + 30 workers), mpirun started 2: run mpirun -np 31",
      ConfigError);
}
