// Mixing matrices: ζ against the closed forms of known spectra, the graphs, and the checks with their locations.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "sgdsim/core/algorithms/cooperative/mixing.hpp"
#include "sgdsim/error.hpp"

using namespace sgdsim;

namespace {

TopologySpec graph(Graph g, Weights w = Weights::UNIFORM) {
  TopologySpec spec;
  spec.graph = g;
  spec.weights = w;
  return spec;
}

std::string error_of(std::vector<double> w, int workers) {
  try {
    MixingMatrix::checked(std::move(w), workers, "scenario.algorithm.mixing", "test");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("zeta of a ring with uniform weights is 1/3 + (2/3) cos(2 pi / m)") {
  // W = (I + A)/3 on a cycle: eigenvalues 1/3 + (2/3) cos(2πk/m); the second largest is k = 1, and the smallest,
  // 1/3 + (2/3) cos(π·…) ≥ −1/3, is smaller in modulus for m ≥ 4.
  for (int m : {4, 5, 6, 7, 8, 12, 16, 31, 64}) {
    CAPTURE(m);
    const MixingMatrix w = topology_matrix(graph(Graph::RING), m, "t");
    CHECK_FALSE(w.is_average());
    CHECK(w.zeta() == doctest::Approx(1.0 / 3 + 2.0 / 3 * std::cos(2 * std::numbers::pi / m)).epsilon(1e-12));
    CHECK(w.at(0, 1) == 1.0 / 3);
    CHECK(w.at(0, m - 1) == 1.0 / 3);
    CHECK(w.at(0, 2 % m) == (m > 3 ? 0.0 : 1.0 / 3));
  }
}

TEST_CASE("a complete graph is J, with zeta 0, whatever the weights, the solver agrees on J formed densely") {
  for (int m : {1, 2, 5, 16, 5000}) {
    CHECK(topology_matrix(graph(Graph::COMPLETE), m, "t").is_average());
    CHECK(topology_matrix(graph(Graph::COMPLETE, Weights::METROPOLIS), m, "t").zeta() == 0.0);
  }
  std::vector<double> j(36, 1.0 / 6);
  CHECK(mixing_zeta(j, 6) < 1e-14);
  // A ring of 3 (every worker a neighbour of both others) and the matrix of 1/m entries are recognised as J.
  CHECK(topology_matrix(graph(Graph::RING), 3, "t").is_average());
  CHECK(MixingMatrix::checked(j, 6, "t", "J").is_average());
}

TEST_CASE("hypercube, torus and EASGD's W_alpha have the zeta of their closed forms") {
  // Hypercube of dimension n: adjacency eigenvalues n − 2k, so W = (I + A)/(n + 1) has ζ = (n − 1)/(n + 1).
  for (int n : {2, 3, 4, 6}) CHECK(topology_matrix(graph(Graph::HYPERCUBE), 1 << n, "t").zeta() == doctest::Approx((n - 1.0) / (n + 1)));
  // Torus r×c (r, c ≥ 3): eigenvalues (1 + 2cos(2πa/r) + 2cos(2πb/c))/5; λ2 at (a, b) = (0, 1) for r ≤ c.
  TopologySpec torus = graph(Graph::TORUS);
  torus.rows = 4;
  CHECK(topology_matrix(torus, 32, "t").zeta() == doctest::Approx((3 + 2 * std::cos(2 * std::numbers::pi / 8)) / 5));
  CHECK(torus_rows(16) == 4);
  CHECK(torus_rows(64) == 8);
  CHECK(torus_rows(12) == 3);
  CHECK(torus_rows(13) == 1);
  // W_α: 1 − α on the workers' differences, 1 and 1 − (m + 1)α on span{1, e_z}.
  for (double alpha : {0.01, 0.05, 0.1, 0.12}) {
    const MixingMatrix w = elastic_matrix(8, alpha);
    CHECK(w.auxiliary() == 1);
    CHECK(w.zeta() == doctest::Approx(std::max(1 - alpha, std::fabs(1 - 9 * alpha))));
    CHECK(w.at(8, 8) == doctest::Approx(1 - 8 * alpha));
  }
  CHECK(elastic_matrix(4, 0.0).zeta() == doctest::Approx(1.0));  // α = 0: independent workers
}

TEST_CASE("Metropolis weights make any connected graph doubly stochastic, uniform weights need a regular graph") {
  TopologySpec er = graph(Graph::ERDOS_RENYI, Weights::METROPOLIS);
  er.p = 0.3;
  er.seed = 11;
  const MixingMatrix w = topology_matrix(er, 20, "t");  // checked() would throw if it were not
  CHECK(w.zeta() > 0);
  CHECK(w.zeta() < 1);
  const auto adjacency = build_graph(er, 20, "t");
  for (int i = 0; i < 20; ++i)
    for (int j : adjacency[static_cast<std::size_t>(i)])
      CHECK(w.at(i, j) == doctest::Approx(1.0 / (1 + std::max(adjacency[static_cast<std::size_t>(i)].size(),
                                                                 adjacency[static_cast<std::size_t>(j)].size()))));
  // The same seed gives the same graph; another seed another one.
  CHECK(build_graph(er, 20, "t") == adjacency);
  er.seed = 12;
  CHECK(build_graph(er, 20, "t") != adjacency);
  er.weights = Weights::UNIFORM;
  CHECK_THROWS_WITH_AS(topology_matrix(er, 20, "scenario.algorithm.topology"),
                       doctest::Contains("uniform weights 1/(deg+1) need every worker to have the same degree"),
                       ConfigError);
}

TEST_CASE("graphs that cannot be built are errors naming the key") {
  TopologySpec sparse = graph(Graph::ERDOS_RENYI, Weights::METROPOLIS);
  sparse.p = 0.05;
  sparse.seed = 1;
  CHECK_THROWS_WITH_AS(topology_matrix(sparse, 16, "scenario.algorithm.topology"),
                       doctest::Contains("scenario.algorithm.topology: erdos_renyi (p = 0.05, seed 1) over 16 workers "
                                         "is not connected"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(topology_matrix(graph(Graph::HYPERCUBE), 12, "scenario.algorithm.topology"),
                       "scenario.algorithm.topology: a hypercube needs a power of two workers, cluster.workers is 12",
                       ConfigError);
  TopologySpec torus = graph(Graph::TORUS);
  torus.rows = 5;
  CHECK_THROWS_WITH_AS(topology_matrix(torus, 16, "scenario.algorithm.topology"),
                       "scenario.algorithm.topology.rows: must divide cluster.workers (16), got 5", ConfigError);
}

TEST_CASE("a matrix that is not symmetric and doubly stochastic is an error naming the row or column and the amount") {
  // Row 1 sums to 0.9.
  CHECK(error_of({0.5, 0.5, 0.0, 0.5, 0.3, 0.1, 0.0, 0.2, 0.8}, 3) ==
        "scenario.algorithm.mixing: row 1 sums to 0.9 (off by -0.1): a mixing matrix is doubly stochastic, every row "
        "and column sums to 1");
  // Every row sums to 1, column 0 to 0.8.
  CHECK(error_of({0.5, 0.3, 0.2, 0.3, 0.3, 0.4, 0.0, 0.4, 0.6}, 3) ==
        "scenario.algorithm.mixing: column 0 sums to 0.8 (off by -0.2): a mixing matrix is doubly stochastic, every "
        "row and column sums to 1");
  // Doubly stochastic but not symmetric (a cyclic permutation mixed with I).
  CHECK(error_of({0.5, 0.5, 0.0, 0.0, 0.5, 0.5, 0.5, 0.0, 0.5}, 3) ==
        "scenario.algorithm.mixing: is not symmetric: W[0][1] = 0.5 but W[1][0] = 0 (they differ by 0.5)");
  CHECK(error_of({1.5, -0.5, -0.5, 1.5}, 2) ==
        "scenario.algorithm.mixing: W[0][1] = -0.5 is negative: a mixing matrix has entries >= 0");
  CHECK(error_of({1.0, 0.0, 0.0, 1.0}, 3).find("at least cluster.workers (3) rows") != std::string::npos);
  // Within 1e-9 of 1 passes (1/3 written to 16 digits).
  CHECK(error_of({0.3333333333333333, 0.6666666666666667, 0.6666666666666667, 0.3333333333333333}, 2) == "(no error)");
}

TEST_CASE("a column of W lists the nodes a node mixes, in node order, with their weights") {
  const MixingMatrix w = elastic_matrix(3, 0.1);
  const auto column = w.column(3);  // the anchor: every worker's α and its own 1 − 3α
  REQUIRE(column.size() == 4);
  for (int i = 0; i < 3; ++i) CHECK(column[static_cast<std::size_t>(i)].node == i);
  CHECK(column[0].weight == 0.1);
  CHECK(column[3].weight == doctest::Approx(0.7));
  const auto worker = w.column(1);
  REQUIRE(worker.size() == 2);
  CHECK(worker[0].node == 1);
  CHECK(worker[0].weight == doctest::Approx(0.9));
  CHECK(worker[1].node == 3);
}

namespace {

// The graph's W formed densely by the rule docs/scenario.md states (uniform 1/(deg+1); Metropolis 1/(1 + max deg) on
// an edge, the rest of the row on the diagonal), checked, with ζ from Eigen's eigensolver.
MixingMatrix dense_reference(const TopologySpec& spec, int m) {
  const auto adjacency = build_graph(spec, m, "t");
  const auto n = static_cast<std::size_t>(m);
  std::vector<double> w(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    double off = 0;
    for (int j : adjacency[i]) {
      const std::size_t deg = std::max(adjacency[i].size(), adjacency[static_cast<std::size_t>(j)].size());
      const double weight = spec.weights == Weights::UNIFORM ? 1.0 / static_cast<double>(adjacency[i].size() + 1)
                                                             : 1.0 / static_cast<double>(1 + deg);
      w[i * n + static_cast<std::size_t>(j)] = weight;
      off += weight;
    }
    w[i * n + i] = spec.weights == Weights::UNIFORM ? 1.0 / static_cast<double>(adjacency[i].size() + 1) : 1.0 - off;
  }
  return MixingMatrix::checked(std::move(w), m, "t", "dense");
}

}  // namespace

TEST_CASE("rings, tori and hypercubes kept sparse: the same entries, bit for bit, and zeta as Eigen finds it densely") {
  struct Case {
    Graph graph;
    int rows;
    int m;
  };
  const Case cases[] = {{Graph::RING, 0, 4},   {Graph::RING, 0, 5},     {Graph::RING, 0, 16},   {Graph::RING, 0, 33},
                        {Graph::TORUS, 0, 16}, {Graph::TORUS, 2, 8},    {Graph::TORUS, 2, 2 * 9}, {Graph::TORUS, 3, 12},
                        {Graph::TORUS, 4, 4},  {Graph::TORUS, 1, 7},    {Graph::TORUS, 5, 35},  {Graph::HYPERCUBE, 0, 4},
                        {Graph::HYPERCUBE, 0, 8}, {Graph::HYPERCUBE, 0, 64}};
  for (const Case& c : cases) {
    for (Weights weights : {Weights::UNIFORM, Weights::METROPOLIS}) {
      TopologySpec spec = graph(c.graph, weights);
      spec.rows = c.rows;
      CAPTURE(graph_name(c.graph));
      CAPTURE(c.rows);
      CAPTURE(c.m);
      CAPTURE(weights_name(weights));
      const MixingMatrix sparse = topology_matrix(spec, c.m, "t");
      const MixingMatrix dense = dense_reference(spec, c.m);
      REQUIRE_FALSE(sparse.is_average());
      CHECK(sparse.zeta() == doctest::Approx(dense.zeta()).epsilon(1e-12));
      CHECK(sparse.links(c.m) == dense.links(c.m));
      for (int i = 0; i < c.m; ++i) {
        const auto a = sparse.column(i), b = dense.column(i);
        REQUIRE(a.size() == b.size());
        for (std::size_t k = 0; k < a.size(); ++k) {
          CHECK(a[k].node == b[k].node);
          CHECK(a[k].weight == b[k].weight);  // bit for bit: the iterates stay what they were with dense W
        }
        for (int j = 0; j < c.m; ++j) CHECK(sparse.at(i, j) == dense.at(i, j));
      }
    }
  }
}

TEST_CASE("a ring, a torus and a hypercube over 16384 workers: sparse, zeta in closed form") {
  const int m = 16384;
  const MixingMatrix ring = topology_matrix(graph(Graph::RING), m, "t");
  CHECK(ring.zeta() == doctest::Approx(1.0 / 3 + 2.0 / 3 * std::cos(2 * std::numbers::pi / m)).epsilon(1e-15));
  CHECK(ring.links(m) == 2 * m);
  CHECK(ring.column(0).size() == 3);
  CHECK(ring.at(m - 1, 0) == 1.0 / 3);
  CHECK(ring.at(5, 7) == 0.0);
  // 128×128 torus: λ2 = (1 + 2 + 2cos(2π/128))/5.
  const MixingMatrix torus = topology_matrix(graph(Graph::TORUS), m, "t");
  CHECK(torus.zeta() == doctest::Approx((3 + 2 * std::cos(2 * std::numbers::pi / 128)) / 5).epsilon(1e-15));
  CHECK(torus.links(m) == 4 * m);
  // Hypercube of dimension 14: (14 − 1)/(14 + 1).
  CHECK(topology_matrix(graph(Graph::HYPERCUBE, Weights::METROPOLIS), m, "t").zeta() ==
        doctest::Approx(13.0 / 15).epsilon(1e-15));
  // Erdős–Rényi graphs (irregular) are still formed densely, up to MAX_MIXING_NODES.
  TopologySpec er = graph(Graph::ERDOS_RENYI, Weights::METROPOLIS);
  er.p = 0.5;
  CHECK_THROWS_WITH_AS(topology_matrix(er, MAX_MIXING_NODES + 1, "scenario.algorithm.topology"),
                       doctest::Contains("scenario.algorithm.topology: an erdos_renyi graph over 2049 workers is more "
                                         "than sgdsim handles (2048)"),
                       ConfigError);
}
