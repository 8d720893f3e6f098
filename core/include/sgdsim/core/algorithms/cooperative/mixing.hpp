// Mixing matrices of Cooperative SGD: W over m workers and v auxiliary models, the graphs it is built from (complete,
// ring, torus, hypercube, Erdős–Rényi) with uniform or Metropolis weights, its validity checks and ζ.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sgdsim {

// A symmetric, doubly stochastic (m+v)×(m+v) matrix. Nodes 0..m−1 are the workers, m..m+v−1 the auxiliary models
// (which take no gradient steps, e.g. EASGD's anchor). Column i of X·W is node i's model after a round:
// x_i ← Σ_j W_ji x_j.
class MixingMatrix {
 public:
  struct Entry {
    int node = 0;
    double weight = 0;
  };

  // J = 11ᵀ/m over m workers: full averaging, ζ = 0. Kept without its m² entries (it is never formed).
  static MixingMatrix average(int workers);
  // An explicit matrix (row-major, n×n with n ≥ workers). Throws ConfigError "<path>: ..." naming the first entry,
  // row or column that fails: a negative entry, an asymmetric pair, a row or column whose sum is not 1 (tolerance
  // 1e-9), with the amount it is off by. `description` says where it came from (for `sgdsim check`).
  static MixingMatrix checked(std::vector<double> w, int workers, const std::string& path, std::string description);
  // W over as many workers as columns (no auxiliary nodes), given by its columns (node order, the diagonal included,
  // W symmetric), with its ζ known (a closed form): kept without its n² entries, so any size. The caller guarantees
  // what checked() checks.
  static MixingMatrix from_columns(std::vector<std::vector<Entry>> columns, double zeta, std::string description);

  int nodes() const { return nodes_; }
  int workers() const { return workers_; }
  int auxiliary() const { return nodes_ - workers_; }
  // W = J: every worker ends a round with the plain average, which an all-reduce computes.
  bool is_average() const { return average_; }
  double at(int i, int j) const;
  // The non-zero entries of column i (= row i, W is symmetric) in node order, i itself included: what node i mixes.
  std::vector<Entry> column(int i) const;
  // Pairs (i, j), i ≠ j, of the first `nodes` nodes (the workers, or all nodes) with W_ij ≠ 0: the messages of one
  // round in which each of those nodes sends its model to every node it mixes with.
  std::int64_t links(int nodes) const { return nodes >= nodes_ ? links_all_ : links_workers_; }
  // ζ = max(|λ2(W)|, |λ_{m+v}(W)|), with the eigenvalues in decreasing order (Eigen's self-adjoint solver, computed
  // once when the matrix is made): 0 for J, 1 for independent workers (W = I).
  double zeta() const { return zeta_; }
  const std::string& description() const { return description_; }

 private:
  int workers_ = 1;
  int nodes_ = 1;
  bool average_ = true;
  std::vector<double> w_;                    // row-major nodes_²; empty for J and for from_columns
  std::vector<std::vector<Entry>> columns_;  // the non-zero entries of each column; empty for J
  std::int64_t links_workers_ = 0;
  std::int64_t links_all_ = 0;
  double zeta_ = 0;
  std::string description_ = "complete averaging (J)";
};

// ζ of a symmetric n×n matrix (row-major): the largest |eigenvalue| after the first of the decreasing list.
double mixing_zeta(std::span<const double> w, int n);

// The largest matrix kept dense, with its eigenvalues computed at parse time: a mixing matrix given by the scenario,
// an Erdős–Rényi graph. Rings, tori and hypercubes are kept sparse with ζ in closed form, at any size.
constexpr int MAX_MIXING_NODES = 2048;

// ζ of the mixing matrix (I + A)/(deg + 1) of the Cartesian product of cycles of the given lengths (a ring: {m}; an
// r×c torus: {r, c}; a hypercube of dimension d: d cycles of length 2). A cycle of length 1 has no edge, of length 2
// one (its two ways round are the same neighbour), else two. The eigenvalues of A are the sums of one eigenvalue
// 2cos(2πk/n) (k < n; for n = 2: ±1, for n = 1: 0) of each cycle; ζ is the largest |1 + Σ|/(deg + 1) over all of them
// but the first (k = 0 everywhere, eigenvalue 1). Enumerates the m combinations: O(m · cycles).
double product_of_cycles_zeta(std::span<const int> cycles);

// Graphs over the m workers, for `topology`.
enum class Graph { COMPLETE, RING, TORUS, HYPERCUBE, ERDOS_RENYI };
// Edge weights: UNIFORM 1/(deg+1) on every edge and the diagonal (regular graphs only); METROPOLIS (Metropolis–
// Hastings) 1/(1 + max(deg_i, deg_j)) on edge ij and the rest of the row on the diagonal (any graph).
enum class Weights { UNIFORM, METROPOLIS };

struct TopologySpec {
  Graph graph = Graph::RING;
  int rows = 0;            // torus: rows × cols = m; 0: torus_rows(m)
  double p = 0;            // Erdős–Rényi: edge probability
  std::uint64_t seed = 0;  // Erdős–Rényi: the graph's random stream
  Weights weights = Weights::UNIFORM;
};

const char* graph_name(Graph graph);
const char* weights_name(Weights weights);
// The torus shape used when `rows` is not given: the largest divisor of m that is at most √m (4×4 for 16, 8×8 for 64,
// 1×m — a ring — for a prime m).
int torus_rows(int workers);

// The neighbours of each worker (sorted, itself excluded; a neighbour reached twice, as up and down on a torus of two
// rows, counts once). ConfigError "<path>: ..." when the graph cannot be built: a hypercube on m not a power of two, an
// Erdős–Rényi draw that is not connected, torus rows that do not divide m.
std::vector<std::vector<int>> build_graph(const TopologySpec& spec, int workers, const std::string& path);
// The graph's mixing matrix with its weights (ConfigError "<path>: ..." for uniform weights on an irregular graph).
MixingMatrix topology_matrix(const TopologySpec& spec, int workers, const std::string& path);
// EASGD's W_α over m workers and the anchor (node m): x_i ← (1−α)x_i + αz, z ← (1−mα)z + αΣx_i. Needs 0 ≤ α ≤ 1/m.
MixingMatrix elastic_matrix(int workers, double alpha);

}  // namespace sgdsim
