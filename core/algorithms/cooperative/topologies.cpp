// Graphs over the workers (complete, ring, torus, hypercube, Erdős–Rényi) and their mixing matrices with uniform or
// Metropolis weights.
#include <algorithm>
#include <boost/random/bernoulli_distribution.hpp>
#include <cmath>
#include <cstdio>

#include "sgdsim/core/algorithms/cooperative/mixing.hpp"
#include "sgdsim/core/data/rng.hpp"
#include "sgdsim/core/scenario/config.hpp"

namespace sgdsim {
namespace {

std::string text(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

void add_edge(std::vector<std::vector<int>>& adjacency, int i, int j) {
  if (i == j) return;
  adjacency[static_cast<std::size_t>(i)].push_back(j);
  adjacency[static_cast<std::size_t>(j)].push_back(i);
}

// Sorted, each neighbour once.
void normalise(std::vector<std::vector<int>>& adjacency) {
  for (auto& list : adjacency) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
}

int components(const std::vector<std::vector<int>>& adjacency) {
  std::vector<char> seen(adjacency.size(), 0);
  std::vector<int> stack;
  int count = 0;
  for (std::size_t start = 0; start < adjacency.size(); ++start) {
    if (seen[start]) continue;
    ++count;
    seen[start] = 1;
    stack.assign(1, static_cast<int>(start));
    while (!stack.empty()) {
      const int v = stack.back();
      stack.pop_back();
      for (int u : adjacency[static_cast<std::size_t>(v)])
        if (!seen[static_cast<std::size_t>(u)]) {
          seen[static_cast<std::size_t>(u)] = 1;
          stack.push_back(u);
        }
    }
  }
  return count;
}

std::string graph_description(const TopologySpec& spec, int m) {
  std::string d = graph_name(spec.graph);
  if (spec.graph == Graph::TORUS) {
    const int rows = spec.rows > 0 ? spec.rows : torus_rows(m);
    d.append(" ").append(std::to_string(rows)).append("x").append(std::to_string(m / rows));
  }
  if (spec.graph == Graph::ERDOS_RENYI)
    d.append(" (p = ").append(text(spec.p)).append(", seed ").append(std::to_string(spec.seed)).append(")");
  return d.append(" over ").append(std::to_string(m)).append(" workers");
}

}  // namespace

const char* graph_name(Graph graph) {
  switch (graph) {
    case Graph::COMPLETE: return "complete";
    case Graph::RING: return "ring";
    case Graph::TORUS: return "torus";
    case Graph::HYPERCUBE: return "hypercube";
    case Graph::ERDOS_RENYI: return "erdos_renyi";
  }
  return "unknown";
}

const char* weights_name(Weights weights) { return weights == Weights::UNIFORM ? "uniform" : "metropolis"; }

int torus_rows(int workers) {
  int rows = 1;
  for (int r = 1; static_cast<long long>(r) * r <= workers; ++r)
    if (workers % r == 0) rows = r;
  return rows;
}

std::vector<std::vector<int>> build_graph(const TopologySpec& spec, int m, const std::string& path) {
  std::vector<std::vector<int>> adjacency(static_cast<std::size_t>(m));
  switch (spec.graph) {
    case Graph::COMPLETE:
      for (int i = 0; i < m; ++i)
        for (int j = i + 1; j < m; ++j) add_edge(adjacency, i, j);
      break;
    case Graph::RING:
      for (int i = 0; i < m; ++i) add_edge(adjacency, i, (i + 1) % m);
      break;
    case Graph::TORUS: {
      const int rows = spec.rows > 0 ? spec.rows : torus_rows(m);
      if (m % rows != 0)
        config::fail(path + ".rows", "must divide cluster.workers (" + std::to_string(m) + "), got " + std::to_string(rows));
      const int cols = m / rows;
      for (int a = 0; a < rows; ++a)
        for (int b = 0; b < cols; ++b) {
          add_edge(adjacency, a * cols + b, ((a + 1) % rows) * cols + b);
          add_edge(adjacency, a * cols + b, a * cols + (b + 1) % cols);
        }
      break;
    }
    case Graph::HYPERCUBE:
      if ((m & (m - 1)) != 0)
        config::fail(path, "a hypercube needs a power of two workers, cluster.workers is " + std::to_string(m));
      for (int i = 0; i < m; ++i)
        for (int bit = 1; bit < m; bit <<= 1) add_edge(adjacency, i, i ^ bit);
      break;
    case Graph::ERDOS_RENYI: {
      // Every pair i < j in order, one draw each, from the graph's own stream: the same graph on every rank.
      Rng rng = make_rng(spec.seed, 0, -1, Purpose::TOPOLOGY);
      boost::random::bernoulli_distribution<double> edge(spec.p);
      for (int i = 0; i < m; ++i)
        for (int j = i + 1; j < m; ++j)
          if (edge(rng)) add_edge(adjacency, i, j);
      break;
    }
  }
  normalise(adjacency);
  const int parts = components(adjacency);
  if (parts > 1) {
    config::fail(path, graph_description(spec, m) + " is not connected (" + std::to_string(parts) +
                           " components): raise p or change the seed");
  }
  return adjacency;
}

namespace {

// Row i of the graph's W: its neighbours' weights and its own, in node order. Uniform: 1/(deg+1) everywhere; Metropolis:
// 1/(1 + max(deg_i, deg_j)) on each edge and the rest of the row on the diagonal (summed in neighbour order).
std::vector<MixingMatrix::Entry> weighted_row(const std::vector<std::vector<int>>& adjacency, Weights weights,
                                              std::size_t i) {
  const std::size_t degree = adjacency[i].size();
  const double uniform = 1.0 / static_cast<double>(degree + 1);
  std::vector<MixingMatrix::Entry> row;
  double off_diagonal = 0;
  for (int j : adjacency[i]) {
    const double weight =
        weights == Weights::UNIFORM
            ? uniform
            : 1.0 / static_cast<double>(1 + std::max(degree, adjacency[static_cast<std::size_t>(j)].size()));
    row.push_back({j, weight});
    off_diagonal += weight;
  }
  const int own = static_cast<int>(i);
  const auto at = std::lower_bound(row.begin(), row.end(), own, [](const auto& e, int node) { return e.node < node; });
  row.insert(at, {own, weights == Weights::UNIFORM ? uniform : 1.0 - off_diagonal});
  return row;
}

// The cycles whose Cartesian product the graph is: a ring {m}, an r×c torus {r, c}, a hypercube d × {2}.
std::vector<int> cycles_of(const TopologySpec& spec, int m) {
  switch (spec.graph) {
    case Graph::RING: return {m};
    case Graph::TORUS: {
      const int rows = spec.rows > 0 ? spec.rows : torus_rows(m);
      return {rows, m / rows};
    }
    case Graph::HYPERCUBE: {
      std::vector<int> cycles;
      for (int n = 1; n < m; n <<= 1) cycles.push_back(2);
      return cycles;
    }
    default: return {};
  }
}

}  // namespace

MixingMatrix topology_matrix(const TopologySpec& spec, int m, const std::string& path) {
  const std::string described = graph_description(spec, m) + ", " + weights_name(spec.weights) + " weights";
  // A complete graph with either weights is J (1/m everywhere): no need to form it, whatever m.
  if (spec.graph == Graph::COMPLETE) return MixingMatrix::average(m);
  const bool product_of_cycles = spec.graph != Graph::ERDOS_RENYI;
  if (!product_of_cycles && m > MAX_MIXING_NODES)
    config::fail(path, "an erdos_renyi graph over " + std::to_string(m) + " workers is more than sgdsim handles (" +
                           std::to_string(MAX_MIXING_NODES) +
                           "): its W is kept dense and its eigenvalues are computed when the scenario is read "
                           "(rings, tori and hypercubes have no such limit)");
  const auto adjacency = build_graph(spec, m, path);
  std::vector<std::size_t> degree(adjacency.size());
  for (std::size_t i = 0; i < adjacency.size(); ++i) degree[i] = adjacency[i].size();
  const auto [low, high] = std::minmax_element(degree.begin(), degree.end());
  if (spec.weights == Weights::UNIFORM && *low != *high)
    config::fail(path, "uniform weights 1/(deg+1) need every worker to have the same degree, " +
                           graph_description(spec, m) + " has degrees " + std::to_string(*low) + " to " +
                           std::to_string(*high) + ": use \"weights\": \"metropolis\"");

  const auto n = static_cast<std::size_t>(m);
  std::vector<std::vector<MixingMatrix::Entry>> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = weighted_row(adjacency, spec.weights, i);
  // Rings, tori and hypercubes are regular: both weights give (I + A)/(deg + 1), symmetric, doubly stochastic, with ζ
  // in closed form; kept sparse at any size. (Only when the graph is complete, m ≤ 3, is W = J: checked() finds it.)
  if (product_of_cycles && *low + 1 < n) {
    const std::vector<int> cycles = cycles_of(spec, m);
    return MixingMatrix::from_columns(std::move(rows), product_of_cycles_zeta(cycles), described);
  }
  std::vector<double> w(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& e : rows[i]) w[i * n + static_cast<std::size_t>(e.node)] = e.weight;
  return MixingMatrix::checked(std::move(w), m, path, described);
}

}  // namespace sgdsim
