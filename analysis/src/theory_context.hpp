// The shared state of one `sgdsim bounds` evaluation (private to analysis/): the scenario, its problem and run, the
// constants computed once on first use (the scenario's `theory` overrides first), and the measurements on the run.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sgdsim/analysis/estimate.hpp"
#include "sgdsim/analysis/theory.hpp"
#include "sgdsim/core/algorithms/cooperative/params.hpp"

namespace sgdsim::analysis {

// The model-averaging family as the theorems see it: Cooperative SGD A(tau, W, v) (core/algorithms/cooperative/), of
// which sync_sgd is A(1, J, 0) and local_sgd A(tau, J, 0). RI-SGD's q chunks extend it here.
struct AveragingView {
  const CooperativeParams* params = nullptr;  // the scenario's (W, its zeta, the tau schedule)
  int p = 1;                     // workers m
  int batch = 1;                 // B
  int tau = 1;                   // local steps per round: the constant tau, or a schedule's first (tau0)
  bool constant_tau = true;      // a fixed tau (not a list, linear or loss schedule)
  int q = 1;                     // chunks each worker samples from (RI-SGD: floor(mu p) + 1; 1: its own shard)
  double mu = 0;                 // RI-SGD's redundancy mu = (q - 1)/p (0: local SGD)
  bool whole_chunks = true;      // mu p an integer: each worker holds q whole shards (no partial one)
  bool uniform_q = true;         // every worker holds the same q (cyclic replication, not heterogeneous)
  bool chunk_sum = true;         // eq. (3): the chunk gradients summed (ri_sgd's combine = sum)
  int averaged = 1;              // models averaged per round: p, or wait_for's r through an aggregator
  int auxiliary = 0;             // v
  bool full_averaging = true;    // W = J over the workers, v = 0: every round averages all models (local SGD)
  bool sample_data_set = false;  // mini-batches from the whole data set (unbiased for grad F)
};
std::optional<AveragingView> averaging_view(const Scenario& scenario);
// The gradient-coding members whose decoder is the fractional repetition code's sum (uncoded, EGC, AGC).
bool is_frc_coding(const Scenario& scenario);

class TheoryContext {
 public:
  TheoryContext(const Scenario& scenario, const Problem& problem, const RunResults* run);

  const Scenario& scenario() const { return scenario_; }
  const Problem& problem() const { return problem_; }
  const RunResults* run() const { return run_; }
  int repetitions_measured() const;

  // Constants, each with how it was obtained; every one returned is also recorded for the report's list.
  const Optimum& optimum();
  Constant f_star();
  Constant delta0();       // F(x_0) - F*, x_0 = 0 (every algorithm starts there)
  Constant smoothness();   // L (AGC: beta)
  Constant pl_constant();  // mu over {F <= F(x_0)}
  Constant gradient_bound();                      // AGC sigma^2: max ||grad f_i||^2 over partitions and points
  // C1 and sigma^2 of E||g~ - g||^2 <= C1 ||g||^2 + sigma^2/B for mini-batches of B rows (split_variance over the
  // region's points, unless given); sigma^2 is fitted to whatever C1 it is called with.
  Constant relative_variance(int batch);
  Constant sample_variance(int batch, double c1);
  struct ChunkConstants {
    Constant c2sq, beta, g_tilde, rho;
  };
  ChunkConstants chunk_constants(int p, int q, int batch, double c1);
  // (1/T) sum_t sum_{j < live} G~_j for cyclic chunk sets of q chunks (section 4.4), min over the points.
  double g_tilde(int p, int q, int live);  // p: the chunks (= the shards of the run's k workers)
  Constant zeta(const AveragingView& view);

  // The points the suprema and infima are taken over: a sample of {F <= F(x_0)} and the run's path (its final
  // models and the segments from x_0 to them); the path alone is where rho is taken (it vanishes at x*).
  const std::vector<std::vector<double>>& region_points();
  const std::vector<std::vector<double>>& path_points();
  std::string region_how();                  // a short reference to them
  const std::string& region_description();   // how they were chosen
  bool has_region() const { return region_.has_value(); }

  // Measurements on the run (nullopt without one).
  // F(x_T) - F* at the last iteration T evaluated in every repetition.
  std::optional<Measurement> gap_at_end(std::int64_t& T);
  // Time to F - F* <= eps; a repetition that never got there is censored at its last time.
  std::optional<Measurement> time_to_gap(double eps);
  // (1/K) sum_k ||grad F(x_k)||^2 over the evaluated iterates (and x_0), K = the last iteration: of rank 0's model x
  // (trace.csv's grad_norm), or, `of_average`, of the average u_k of all m + v models (its average_grad_norm).
  std::optional<Measurement> mean_squared_gradient(std::int64_t& K, bool of_average = false);
  // Whether the trace has ||grad F(u_k)|| at the average of all models (model averaging with W != J or v > 0, in run
  // directories written since the column exists).
  bool has_average_gradients() const;
  // The same at the workers' average u_k from a trace without it, which holds worker 0's model x and the consensus
  // distance C of the models entering the round (W != J, v = 0): after mixing ||x - u|| <= zeta sqrt(m C), so
  // ||grad F(u)|| is within L zeta sqrt(m C) of ||grad F(x)||. Per repetition the means of the lower and the upper
  // ends.
  struct Bracket {
    std::optional<Measurement> lower, upper;
  };
  Bracket mean_squared_gradient_of_average(std::int64_t& K, int workers, double L, double zeta);
  // The mean over repetitions and evaluated rounds of the trace's consensus distance (NaN when it has none).
  double mean_consensus() const;
  // tau_1 .. tau_E of repetition `rep`: the iterations between rises of the trace's communication rounds.
  std::vector<std::int64_t> tau_schedule(int rep) const;

  // A given constant (from the `theory` overrides).
  static Constant given(std::string symbol, std::string meaning, double value, const std::string& key);
  // Records a constant for the report (the first one with its symbol and meaning wins).
  void use(const Constant& c);
  const std::vector<Constant>& used() const { return used_; }

 private:
  std::vector<const IterationRecord*> rows(int rep) const;
  // Per region point: one sample's gradient variance v(x) (exact, or Monte Carlo with mini-batches of `batch` above
  // EXACT_VARIANCE_ENTRIES, with its standard error) and ||grad F(x)||^2.
  struct PointVariances {
    std::vector<double> v, error, squared_gradient;
    bool exact = true;
  };
  const PointVariances& point_variances(int batch);
  // Per repetition r < repetitions and region point, the statistics of the repetition's k shards.
  const std::vector<std::vector<ChunkStatistics>>& chunk_stats();
  int shard_repetitions() const;

  const Scenario& scenario_;
  const Problem& problem_;
  const RunResults* run_;
  std::optional<Optimum> optimum_;
  std::optional<PointSample> region_;
  std::vector<std::vector<double>> points_, path_;
  std::optional<std::vector<std::vector<ChunkStatistics>>> chunk_stats_;
  std::map<std::string, Constant> cache_;
  std::map<int, PointVariances> variances_;  // by batch (the exact ones do not depend on it)
  std::vector<Constant> used_;
};

}  // namespace sgdsim::analysis
