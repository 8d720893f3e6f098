// The constants of the theorems, computed once (or taken from the scenario's `theory` overrides), and the
// measurements on a run's trace.
#include "theory_context.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sgdsim/core/algorithms/gradient_coding.hpp"
#include "sgdsim/core/data/assignment.hpp"

namespace sgdsim::analysis {

namespace {

// Data sets with more stored entries than this get Monte Carlo variances instead of exact passes per point.
constexpr double EXACT_VARIANCE_ENTRIES = 5e7;
constexpr int MONTE_CARLO_DRAWS = 64;

double squared(std::span<const double> v) { return std::inner_product(v.begin(), v.end(), v.begin(), 0.0); }

double stored_entries(const Problem& p) {
  const Dataset& d = p.data();
  return d.sparse ? static_cast<double>(d.values.size()) : static_cast<double>(d.rows) * static_cast<double>(d.cols);
}

}  // namespace

std::optional<AveragingView> averaging_view(const Scenario& scenario) {
  const auto* a = scenario.algorithm.params_if<CooperativeParams>();
  if (a == nullptr) return std::nullopt;
  AveragingView v;
  v.params = a;
  v.p = scenario.cluster.workers;
  v.batch = a->batch_size;
  // Sync SGD: one step on the mean gradient = averaging after every step.
  v.tau = a->average_gradients ? 1 : a->tau.tau0;
  v.constant_tau = a->average_gradients || a->tau.kind == TauSchedule::Kind::CONSTANT;
  v.auxiliary = a->mixing.auxiliary();
  v.full_averaging = a->mixing.is_average();
  v.sample_data_set = a->sample_data_set;
  v.averaged = a->wait_for > 0 ? a->wait_for : v.p;
  if (a->redundancy) {
    const Redundancy& r = *a->redundancy;
    v.mu = r.mu;
    const double chunks = r.mu * v.p;  // the other workers' shards held, whole or in part
    // Within rounding of an integer (mu is read as a decimal): whole shards.
    v.whole_chunks = std::abs(chunks - std::round(chunks)) < 1e-9;
    v.q = 1 + static_cast<int>(v.whole_chunks ? std::round(chunks) : std::floor(chunks));
    v.uniform_q = r.replication == Redundancy::Replication::CYCLIC;
    v.chunk_sum = r.sum;
  }
  return v;
}

bool is_frc_coding(const Scenario& scenario) {
  const auto* c = scenario.algorithm.params_if<CodingParams>();
  return c != nullptr && !c->rescale;
}

TheoryContext::TheoryContext(const Scenario& scenario, const Problem& problem, const RunResults* run)
    : scenario_(scenario), problem_(problem), run_(run) {}

int TheoryContext::repetitions_measured() const {
  if (run_ == nullptr) return 0;
  int n = 0;
  for (const auto& r : run_->iterations) n = std::max(n, r.run + 1);
  return n;
}

Constant TheoryContext::given(std::string symbol, std::string meaning, double value, const std::string& key) {
  Constant c;
  c.symbol = std::move(symbol);
  c.meaning = std::move(meaning);
  c.value = value;
  c.origin = Origin::GIVEN;
  c.how = "scenario.theory." + key;
  return c;
}

void TheoryContext::use(const Constant& c) {
  for (const auto& u : used_) {
    if (u.symbol == c.symbol && u.meaning == c.meaning) return;
  }
  used_.push_back(c);
}

// ---------------------------------------------------------------------------------------------------------------
// Constants.

const Optimum& TheoryContext::optimum() {
  if (!optimum_) optimum_ = solve_optimum(problem_);
  return *optimum_;
}

Constant TheoryContext::f_star() {
  Constant c;
  if (scenario_.theory.f_star) {
    c = given("F*", "minimum of F", *scenario_.theory.f_star, "f_star");
  } else {
    const Optimum& o = optimum();
    c = {"F*", "minimum of F", o.loss, Origin::COMPUTED, o.how + (o.converged ? "" : " (NOT converged)")};
  }
  use(c);
  return c;
}

Constant TheoryContext::delta0() {
  const std::vector<double> x0(static_cast<std::size_t>(problem_.dimension()), 0.0);
  const Constant fs = f_star();
  Constant c{"Delta_0", "F(x_0) - F*, x_0 = 0", objective(problem_, x0, {}) - fs.value, Origin::COMPUTED,
             "F(0) over the data set minus F*"};
  use(c);
  return c;
}

Constant TheoryContext::smoothness() {
  if (auto it = cache_.find("L"); it != cache_.end()) return it->second;
  Constant c;
  if (scenario_.theory.smoothness) {
    c = given("L", "smoothness of F (AGC: beta)", *scenario_.theory.smoothness, "smoothness");
  } else {
    const Estimate e = estimate_smoothness(problem_);
    const bool exact = problem_.dimension() <= DENSE_DIMENSION_LIMIT;
    c = {"L", "smoothness of F (AGC: beta)", e.value, exact ? Origin::CLOSED_FORM : Origin::ESTIMATED, e.how};
  }
  cache_["L"] = c;
  use(c);
  return c;
}

const std::vector<std::vector<double>>& TheoryContext::region_points() {
  if (!region_) {
    const std::vector<double> x0(static_cast<std::size_t>(problem_.dimension()), 0.0);
    region_ = sublevel_set_points(problem_, optimum(), x0, 12, scenario_.seed);
    points_ = region_->points;
    // The run's path: x_0 and each repetition's final model, with the segments between them.
    path_.push_back(x0);
    if (run_ != nullptr) {
      for (const auto& model : run_->models) {
        if (std::ssize(model) != problem_.dimension()) continue;
        for (const double f : {0.25, 0.5, 0.75, 1.0}) {
          std::vector<double> p(model.size());
          for (std::size_t j = 0; j < p.size(); ++j) p[j] = f * model[j];
          path_.push_back(std::move(p));
        }
      }
    }
    points_.insert(points_.end(), path_.begin() + 1, path_.end());
    region_->how += "; " + std::to_string(path_.size() - 1) + " points on the run's path (its final models and the " +
                    "segments from x_0 to them)";
  }
  return points_;
}

const std::vector<std::vector<double>>& TheoryContext::path_points() {
  region_points();
  return path_;
}

std::string TheoryContext::region_how() {
  return "the " + std::to_string(region_points().size()) + " points of the region (see Points)";
}

const std::string& TheoryContext::region_description() {
  region_points();
  return region_->how;
}

Constant TheoryContext::pl_constant() {
  if (auto it = cache_.find("mu"); it != cache_.end()) return it->second;
  Constant c;
  c.symbol = "mu";
  c.meaning = "PL constant of F over {F <= F(x_0)}";
  if (scenario_.theory.pl_constant) {
    c = given(c.symbol, c.meaning, *scenario_.theory.pl_constant, "pl_constant");
  } else if (problem_.objective() == kernels::Loss::LEAST_SQUARES && problem_.dimension() <= DENSE_DIMENSION_LIMIT) {
    // A quadratic: ||grad F||^2 >= 2 lambda_min(H) (F - F*) everywhere, with equality along the eigenvector.
    const Estimate e = estimate_pl_constant(problem_, {});
    c.value = e.value;
    c.origin = Origin::CLOSED_FORM;
    c.how = e.how;
  } else {
    const Estimate e = estimate_pl_ratio(problem_, f_star().value, region_points());
    c.value = e.value;
    c.origin = Origin::ESTIMATED;
    c.sample_size = e.sample_size;
    c.conditional = true;
    c.how = e.how + " of the region (see Points); certified lower bound: l2 = " + number(problem_.l2()) +
            " (strong convexity)";
  }
  cache_["mu"] = c;
  use(c);
  return c;
}

int TheoryContext::shard_repetitions() const { return std::max(1, scenario_.repetitions); }

Constant TheoryContext::gradient_bound() {
  if (auto it = cache_.find("sigma2_agc"); it != cache_.end()) return it->second;
  Constant c;
  const std::string meaning = "bound on ||grad f_i||^2 of the n task functions (AGC)";
  if (scenario_.theory.gradient_bound) {
    c = given("sigma^2", meaning, *scenario_.theory.gradient_bound, "gradient_bound");
  } else {
    const int k = scenario_.cluster.workers;
    std::vector<Shards> shards;
    std::vector<std::span<const std::int64_t>> parts;
    for (int r = 0; r < shard_repetitions(); ++r) shards.emplace_back(problem_.samples(), k, scenario_.seed, r);
    for (const auto& s : shards) {
      for (int i = 0; i < s.count(); ++i) parts.push_back(s.shard(i));
    }
    const Estimate e = estimate_partition_gradient_bound(problem_, parts, region_points());
    c = {"sigma^2", meaning, e.value, Origin::ESTIMATED,
         e.how + ": the k shards of " + std::to_string(shard_repetitions()) + " repetition(s), at " + region_how()};
    c.sample_size = static_cast<std::int64_t>(region_points().size());
    c.conditional = true;
  }
  cache_["sigma2_agc"] = c;
  use(c);
  return c;
}

const TheoryContext::PointVariances& TheoryContext::point_variances(int batch) {
  const bool exact = stored_entries(problem_) <= EXACT_VARIANCE_ENTRIES;
  const int key = exact ? 0 : batch;
  if (auto it = variances_.find(key); it != variances_.end()) return it->second;
  PointVariances out;
  out.exact = exact;
  for (const auto& x : region_points()) {
    std::vector<double> g(x.size());
    objective(problem_, x, g);
    out.squared_gradient.push_back(squared(g));
    if (exact) {
      out.v.push_back(gradient_variance(problem_, {}, x));
      out.error.push_back(0.0);
    } else {
      const Estimate e = minibatch_variance_monte_carlo(problem_, {}, x, batch, MONTE_CARLO_DRAWS, scenario_.seed);
      out.v.push_back(e.value);
      out.error.push_back(e.standard_error);
    }
  }
  return variances_.emplace(key, std::move(out)).first->second;
}

Constant TheoryContext::relative_variance(int batch) {
  const std::string key = "C1/" + std::to_string(batch);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  Constant c;
  const std::string meaning = "relative variance of a mini-batch gradient (E||g~ - g||^2 <= C1 ||g||^2 + sigma^2/B)";
  if (scenario_.theory.relative_variance) {
    c = given("C1", meaning, *scenario_.theory.relative_variance, "relative_variance");
  } else if (scenario_.theory.sample_variance) {
    c = {"C1", meaning, 0.0, Origin::CLOSED_FORM,
         "0: scenario.theory.sample_variance is given without relative_variance (the bounded-variance form)"};
  } else {
    const PointVariances& pv = point_variances(batch);
    const VarianceSplit split = split_variance(pv.v, pv.error, pv.squared_gradient, batch);
    c = {"C1", meaning, split.c1.value, Origin::ESTIMATED,
         split.c1.how + ", B = " + std::to_string(batch) + "; v(x) " +
             (pv.exact ? "exact over all N samples" : "by Monte Carlo (64 mini-batches each)") + ", at " +
             region_how()};
    c.sample_size = split.c1.sample_size;
    c.standard_error = split.c1.standard_error;
    c.conditional = true;
  }
  cache_[key] = c;
  use(c);
  return c;
}

Constant TheoryContext::sample_variance(int batch, double c1) {
  const std::string key = "sigma2_sample/" + std::to_string(batch) + "/" + number(c1);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  Constant c;
  const std::string meaning = "one sample's gradient variance (E||g~ - g||^2 <= C1 ||g||^2 + sigma^2/B)";
  if (scenario_.theory.sample_variance) {
    c = given("sigma^2", meaning, *scenario_.theory.sample_variance, "sample_variance");
  } else {
    const PointVariances& pv = point_variances(batch);
    double best = 0, se = NO_VALUE;
    for (std::size_t k = 0; k < pv.v.size(); ++k) {
      // Fitted with C1: sigma^2 >= v(x) - B C1 ||g(x)||^2 at every point.
      const double fitted = pv.v[k] - batch * c1 * pv.squared_gradient[k];
      if (fitted > best) best = fitted, se = pv.error[k];
    }
    c = {"sigma^2", meaning, best, Origin::ESTIMATED,
         std::string(pv.exact ? "max over points of the exact variance over all N samples, "
                              : "max over points of a Monte Carlo variance (64 mini-batches each), ") +
             "minus B C1 |grad F|^2, at " + region_how()};
    c.sample_size = static_cast<std::int64_t>(pv.v.size());
    c.standard_error = pv.exact ? 0.0 : se;
    c.conditional = true;
  }
  cache_[key] = c;
  use(c);
  return c;
}

const std::vector<std::vector<ChunkStatistics>>& TheoryContext::chunk_stats() {
  if (!chunk_stats_) {
    chunk_stats_.emplace();
    const int k = scenario_.cluster.workers;
    for (int r = 0; r < shard_repetitions(); ++r) {
      const Shards shards(problem_.samples(), k, scenario_.seed, r);
      std::vector<std::span<const std::int64_t>> chunks;
      for (int i = 0; i < shards.count(); ++i) chunks.push_back(shards.shard(i));
      std::vector<ChunkStatistics> per_point;
      for (const auto& x : region_points()) per_point.push_back(chunk_statistics(problem_, chunks, x));
      chunk_stats_->push_back(std::move(per_point));
    }
  }
  return *chunk_stats_;
}

double TheoryContext::g_tilde(int, int q, int live) {
  double best = UNBOUNDED;
  for (const auto& per_point : chunk_stats()) {
    for (const auto& stats : per_point) best = std::min(best, g_tilde_at(stats, q, live));
  }
  return best;
}

TheoryContext::ChunkConstants TheoryContext::chunk_constants(int p, int q, int batch, double c1) {
  ChunkConstants out;
  const auto& t = scenario_.theory;
  const std::string where = "; the shards of " + std::to_string(shard_repetitions()) + " repetition(s), at " +
                            region_how();
  const auto points = static_cast<std::int64_t>(region_points().size());
  auto estimated = [&](std::string symbol, std::string meaning, double value, std::string how, std::int64_t n) {
    Constant c{std::move(symbol), std::move(meaning), value, Origin::ESTIMATED, std::move(how) + where, n};
    c.conditional = true;
    return c;
  };
  const std::string c2_meaning = "chunk mini-batch variance bound (eq. 4: C1 ||g_ji||^2 + C2^2/p)";
  if (t.chunk_variance) {
    out.c2sq = given("C2^2", c2_meaning, *t.chunk_variance, "chunk_variance");
  } else {
    double best = 0;
    for (const auto& per_point : chunk_stats()) {
      for (const auto& stats : per_point) {
        for (std::size_t i = 0; i < stats.variances.size(); ++i) {
          best = std::max(best, p * (stats.variances[i] / batch - c1 * squared(stats.gradients[i])));
        }
      }
    }
    out.c2sq = estimated("C2^2", c2_meaning, best,
                         "p max over chunks and points of (v_i/B - C1 |g_i|^2), v_i the exact within-chunk variance",
                         points);
  }
  const std::string beta_meaning = "bound on |<g_ji, g_j'i'>|, chunks i != i' (Assumption 4)";
  if (t.gradient_inner_product) {
    out.beta = given("beta", beta_meaning, *t.gradient_inner_product, "gradient_inner_product");
  } else {
    double best = 0;
    for (const auto& per_point : chunk_stats()) {
      for (const auto& stats : per_point) best = std::max(best, largest_inner_product(stats));
    }
    out.beta = estimated("beta", beta_meaning, best,
                         "max over points and pairs of chunks of |<g_i, g_i'>| (workers' models taken equal)", points);
  }
  const std::string g_meaning = "(1/T) sum_t G~^(t), G~_j = min over chunks not held of ||g_ji||^2";
  if (t.g_tilde) {
    out.g_tilde = given("G~", g_meaning, *t.g_tilde, "g_tilde");
  } else {
    out.g_tilde = estimated("G~", g_meaning, g_tilde(p, q, p),
                            "min over points (a lower estimate of the run's average, which eq. (6) subtracts)", points);
  }
  const std::string rho_meaning = "min_t rho^(t): ||sum_i g_i||^2 >= rho sum_i ||g_i||^2 (Theorem 4.2)";
  if (t.rho) {
    out.rho = given("rho", rho_meaning, *t.rho, "rho");
  } else {
    // On the path only: at x* the sum of the chunk gradients vanishes and so does rho.
    const std::size_t first_path = region_points().size() - (path_.size() - 1);
    double best = UNBOUNDED;
    std::int64_t n = 0;
    for (const auto& per_point : chunk_stats()) {
      for (std::size_t k = 0; k < per_point.size(); ++k) {
        if (k != 0 && k < first_path) continue;  // point 0 is x_0
        const double rho = rho_at(per_point[k]);
        if (!std::isnan(rho)) best = std::min(best, rho), ++n;
      }
    }
    out.rho = estimated("rho", rho_meaning, best,
                        "min over x_0 and the run's path of |sum_i g_i|^2 / sum_i |g_i|^2 (the workers' models taken "
                        "equal; our reading of the printed condition, whose inner sums run over all chunks)",
                        n);
  }
  for (const Constant* c : {&out.c2sq, &out.beta, &out.g_tilde, &out.rho}) use(*c);
  return out;
}

Constant TheoryContext::zeta(const AveragingView& view) {
  Constant c;
  const std::string meaning = "max(|lambda_2(W)|, |lambda_min(W)|) of the mixing matrix";
  if (scenario_.theory.zeta) {
    c = given("zeta", meaning, *scenario_.theory.zeta, "zeta");
  } else {
    // The one computation of zeta: the scenario's mixing matrix, when it was read.
    c = {"zeta", meaning, view.params->mixing.zeta(), Origin::CLOSED_FORM,
         "eigenvalues of W (MixingMatrix::zeta): " + view.params->mixing.description()};
  }
  use(c);
  return c;
}

// ---------------------------------------------------------------------------------------------------------------
// Measurements.

std::vector<const IterationRecord*> TheoryContext::rows(int rep) const {
  std::vector<const IterationRecord*> out;
  if (run_ == nullptr) return out;
  for (const auto& r : run_->iterations) {
    if (r.run == rep) out.push_back(&r);
  }
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->iteration < b->iteration; });
  return out;
}

std::optional<Measurement> TheoryContext::gap_at_end(std::int64_t& T) {
  const int reps = repetitions_measured();
  if (reps == 0) return std::nullopt;
  T = -1;
  for (int r = 0; r < reps; ++r) {
    std::int64_t last = 0;
    for (const auto* row : rows(r)) {
      if (!std::isnan(row->loss)) last = row->iteration;
    }
    T = T < 0 ? last : std::min(T, last);
  }
  const double fs = f_star().value;
  std::vector<double> values;
  std::int64_t earliest = T;
  for (int r = 0; r < reps; ++r) {
    const IterationRecord* at = nullptr;
    for (const auto* row : rows(r)) {
      if (!std::isnan(row->loss) && row->iteration <= T) at = row;
    }
    if (at == nullptr) return std::nullopt;
    earliest = std::min(earliest, at->iteration);
    values.push_back(at->loss - fs);
  }
  std::string how = "trace.csv: loss at iteration " + std::to_string(T) + " minus F*";
  if (earliest < T) how += " (some repetitions last evaluated at iteration " + std::to_string(earliest) + ")";
  return measurement("F(x_T) - F*, T = " + std::to_string(T), how, values);
}

std::optional<Measurement> TheoryContext::time_to_gap(double eps) {
  const int reps = repetitions_measured();
  if (reps == 0) return std::nullopt;
  const double fs = f_star().value;
  std::vector<double> values;
  std::vector<bool> censored;
  for (int r = 0; r < reps; ++r) {
    double when = NO_VALUE, last = 0;
    for (const auto* row : rows(r)) {
      last = row->time;
      if (!std::isnan(row->loss) && row->loss - fs <= eps) {
        when = row->time;
        break;
      }
    }
    censored.push_back(std::isnan(when));
    values.push_back(std::isnan(when) ? last : when);
  }
  return measurement("time to F - F* <= epsilon [s]",
                     "trace.csv: time of the first evaluated iteration within epsilon of F* (censored at the run's end "
                     "when never)",
                     values, censored);
}

bool TheoryContext::has_average_gradients() const {
  if (run_ == nullptr) return false;
  return std::any_of(run_->iterations.begin(), run_->iterations.end(),
                     [](const IterationRecord& r) { return r.iteration > 0 && !std::isnan(r.average_grad_norm); });
}

std::optional<Measurement> TheoryContext::mean_squared_gradient(std::int64_t& K, bool of_average) {
  const int reps = repetitions_measured();
  if (reps == 0) return std::nullopt;
  std::vector<double> x0(static_cast<std::size_t>(problem_.dimension()), 0.0), g0(x0.size());
  objective(problem_, x0, g0);
  const double at_start = squared(g0);
  std::vector<double> values;
  std::size_t points = 0;
  K = 0;
  for (int r = 0; r < reps; ++r) {
    double sum = 0;
    std::size_t n = 0;
    bool has_start = false;
    for (const auto* row : rows(r)) {
      K = std::max(K, row->iteration);
      const double norm = of_average ? row->average_grad_norm : row->grad_norm;
      if (std::isnan(norm)) continue;
      has_start = has_start || row->iteration == 0;
      sum += norm * norm;
      ++n;
    }
    if (!has_start) sum += at_start, ++n;
    values.push_back(sum / static_cast<double>(n));
    points = std::max(points, n);
  }
  if (of_average)
    return measurement("(1/K) sum_k ||grad F(u_k)||^2, K = " + std::to_string(K),
                       "trace.csv: mean of average_grad_norm^2 (at u, the average of all m + v models) over x_0 and "
                       "the " + std::to_string(points - 1) + " evaluated rounds",
                       values);
  return measurement("(1/K) sum_k ||grad F(x_k)||^2, K = " + std::to_string(K),
                     "trace.csv: mean of grad_norm^2 over x_0 and the " + std::to_string(points - 1) +
                         " evaluated iterates (the averaged model exists at averaging rounds only)",
                     values);
}

TheoryContext::Bracket TheoryContext::mean_squared_gradient_of_average(std::int64_t& K, int workers, double L,
                                                                       double zeta) {
  const int reps = repetitions_measured();
  if (reps == 0) return {};
  std::vector<double> x0(static_cast<std::size_t>(problem_.dimension()), 0.0), g0(x0.size());
  objective(problem_, x0, g0);
  const double at_start = squared(g0);
  std::vector<double> lows, highs;
  std::size_t points = 0;
  K = 0;
  for (int r = 0; r < reps; ++r) {
    double low = 0, high = 0;
    std::size_t n = 0;
    bool has_start = false;
    for (const auto* row : rows(r)) {
      K = std::max(K, row->iteration);
      if (std::isnan(row->grad_norm)) continue;
      // Every model starts at x_0: no spread there. A round without its distance bounds nothing from above.
      const double spread = row->iteration == 0 ? 0.0 : row->consensus;
      const double e = std::isnan(spread) ? UNBOUNDED : L * zeta * std::sqrt(workers * spread);
      has_start = has_start || row->iteration == 0;
      const double below = std::max(0.0, row->grad_norm - e);
      low += below * below;
      high += (row->grad_norm + e) * (row->grad_norm + e);
      ++n;
    }
    if (!has_start) low += at_start, high += at_start, ++n;
    lows.push_back(low / static_cast<double>(n));
    highs.push_back(high / static_cast<double>(n));
    points = std::max(points, n);
  }
  const std::string quantity = "(1/K) sum_k ||grad F(u_k)||^2, K = " + std::to_string(K);
  const std::string how = " over x_0 and the " + std::to_string(points - 1) +
                          " evaluated rounds, from trace.csv's grad_norm of worker 0's model x and the consensus "
                          "distance C entering the round: ||grad F(u)|| within L zeta sqrt(m C) of ||grad F(x)||";
  return {measurement(quantity, "a lower bound: mean of (||grad F(x)|| - L zeta sqrt(m C))_+^2" + how, lows,
                      std::vector<bool>(lows.size(), true)),
          measurement(quantity, "an upper bound: mean of (||grad F(x)|| + L zeta sqrt(m C))^2" + how, highs)};
}

double TheoryContext::mean_consensus() const {
  double sum = 0;
  std::int64_t n = 0;
  for (int r = 0; r < repetitions_measured(); ++r) {
    for (const auto* row : rows(r)) {
      if (row->iteration > 0 && !std::isnan(row->consensus)) sum += row->consensus, ++n;
    }
  }
  return n == 0 ? NO_VALUE : sum / static_cast<double>(n);
}

std::vector<std::int64_t> TheoryContext::tau_schedule(int rep) const {
  std::vector<std::int64_t> taus;
  std::int64_t rounds = 0, previous = 0;
  for (const auto* row : rows(rep)) {
    if (row->comm_rounds > rounds) {
      taus.push_back(row->iteration - previous);
      previous = row->iteration;
      rounds = row->comm_rounds;
    }
  }
  return taus;
}

}  // namespace sgdsim::analysis
