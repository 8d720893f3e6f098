// The scenario (SCENARIO.md) parsed once into plain structs; nothing past core/scenario sees JSON.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sgdsim/kernels/kernels.hpp"

namespace sgdsim {

struct SyntheticData {
  std::int64_t samples = 0;
  std::int64_t features = 0;
  double separation = 1.0;  // logistic: distance between the class means, in units of the noise
  double noise = 0.1;       // least squares: std. deviation of the label noise
  double density = 1.0;     // fraction of non-zeros; sparse (CSR) when < 1
};
struct LibsvmData {
  std::filesystem::path path;  // resolved against the scenario file's folder
  std::optional<std::int64_t> features;
  // Whether the file counts feature indices from 0 (scikit-learn's export) or from 1 (LIBSVM's convention). Unset
  // ("auto", the default): from 0 exactly when the file holds an index 0, as scikit-learn's zero_based="auto".
  std::optional<bool> zero_based;
};
struct CsvData {
  std::filesystem::path path;
  std::variant<std::int64_t, std::string> label_column = std::int64_t{0};
  bool header = false;
};
struct IdxData {
  std::filesystem::path images;  // resolved against the scenario file's folder
  std::filesystem::path labels;
  std::optional<std::int64_t> limit;  // the first `limit` items only
  std::optional<double> scale;        // feature = value·scale; default 1/255 for unsigned bytes, else 1
};
using DataSource = std::variant<SyntheticData, LibsvmData, CsvData, IdxData>;

struct ModelDef;
struct ModelParams;
// `problem.model`: a registered model (core/models) and its parsed keys.
struct ModelChoice {
  const ModelDef* def = nullptr;
  std::shared_ptr<const ModelParams> params;
};

struct ProblemSpec {
  kernels::Loss objective = kernels::Loss::LOGISTIC;  // the linear objective (no model)
  double l2 = 0.0;
  DataSource data;
  std::optional<ModelChoice> model;  // absent: the linear objective; present: cross-entropy classifier
  std::optional<DataSource> test;    // a held-out test set (models only)
  std::optional<double> holdout;     // or: this fraction of `data` held out as the test set
  bool has_test() const { return test.has_value() || holdout.has_value(); }
};

enum class Topology { STAR, CLUSTER, IDEAL };
// How the parameter server sends the model to its k workers: k transfers at once (unicast), or a binomial tree whose
// ranks forward it, one transfer at a time each (tree).
enum class Broadcast { UNICAST, TREE };

struct NetworkSpec {
  std::filesystem::path platform_file;  // non-empty: a SimGrid platform XML file; otherwise generated
  Topology topology = Topology::STAR;
  double bandwidth = 1.25e8;  // bytes per second (parsed from "1Gbps")
  double latency = 50e-6;     // seconds (parsed from "50us")
  std::string bandwidth_text = "1Gbps";
  std::string latency_text = "50us";
  Broadcast broadcast = Broadcast::UNICAST;
};

enum class Inject { NONE, MODEL };

struct ComputeSpec {
  double seconds_per_pass = 1.0;             // s: one worker, whole data set, one pass
  std::optional<double> straggling_rate;     // λ: ℓ·(s + X), X ~ Exp(λ)
  std::optional<double> delay_mean;          // additive Exp delay with this mean, per worker per iteration
  std::map<int, double> slowdown;            // worker -> multiplicative factor
  Inject inject = Inject::NONE;              // real runs: sleep until the modelled time has passed
  kernels::Device device = kernels::Device::CPU;
  bool numerics = true;                      // false: runtime-only study, gradients are not computed
};

// cluster.failures: workers that fail for good (they stop computing and sending; nobody is told).
struct FailureSpec {
  int worker = 0;
  std::optional<double> time;             // "at": seconds (simulated or wall) since the run started
  std::optional<std::int64_t> iteration;  // or "at": {"iteration": t}: at the start of iteration t
};
struct FailuresSpec {
  std::vector<FailureSpec> listed;
  std::optional<double> rate;  // {"rate": r}: every worker fails after an Exp(r) time, seeded
  bool empty() const { return listed.empty() && !rate; }
};

struct ClusterSpec {
  int workers = 1;
  NetworkSpec network;
  ComputeSpec compute;
  FailuresSpec failures;
};

struct StepSize {
  bool inverse = false;  // η_t = eta0 / (t + a) when true, else constant eta
  double eta = 0.0;
  double eta0 = 0.0;
  double a = 1.0;
  double at(std::int64_t t) const { return inverse ? eta0 / (static_cast<double>(t) + a) : eta; }
};

struct AlgorithmDef;     // sgdsim/core/algorithms/registry.hpp
struct AlgorithmParams;  // idem

// The `algorithm` object: the registry entry its name selects, the step size every algorithm takes, and the
// algorithm's own keys as its definition parsed them.
struct AlgorithmSpec {
  const AlgorithmDef* def = nullptr;
  StepSize step;
  std::shared_ptr<const AlgorithmParams> params;

  const std::string& name() const;  // def->name ("" without a definition)
  // The parameters as the algorithm's own type (ConfigError when they are of another type); defined in registry.hpp.
  template <class P>
  const P& params_as() const;
  // nullptr when they are of another type (e.g. analysis asking "is this a gradient-coding scenario?").
  template <class P>
  const P* params_if() const {
    return dynamic_cast<const P*>(params.get());
  }

 private:
  [[noreturn]] void throw_params_mismatch() const;
};

struct StopSpec {
  std::optional<std::int64_t> iterations;
  std::optional<double> time;
  std::optional<double> target_loss;
  std::optional<double> target_accuracy;  // test accuracy, in (0, 1]
};

struct OutputSpec {
  std::filesystem::path dir;  // default results/<name>
  int every = 1;
  int workers_every = 1;  // output.workers: workers.csv keeps every N-th iteration (true = 1, false = 0: no rows)
};

// `theory` (extension): constants of the theorems that `sgdsim bounds` takes as given instead of computing or
// estimating them (docs/theory.md names each constant in each paper). Only analysis/ reads them.
struct TheoryOverrides {
  std::optional<double> smoothness;              // L (LUPA, RI-SGD, Cooperative SGD), β (AGC)
  std::optional<double> pl_constant;             // μ
  std::optional<double> f_star;                  // F*
  std::optional<double> gradient_bound;          // AGC's σ²: a bound on ‖∇f_i(x)‖² of the n task functions
  std::optional<double> sample_variance;         // σ² of one sample's gradient (LUPA Assumption 2: σ²/B per batch)
  std::optional<double> relative_variance;       // C1 (LUPA Assumption 2, RI-SGD eq. 4)
  std::optional<double> chunk_variance;          // C2² (RI-SGD eq. 4)
  std::optional<double> gradient_inner_product;  // β of RI-SGD Assumption 4
  std::optional<double> g_tilde;                 // (1/T) Σ_t G̃^(t) (RI-SGD eq. 6)
  std::optional<double> rho;                     // min_t ρ^(t) (RI-SGD Theorem 4.2)
  std::optional<double> zeta;                    // ζ of the mixing matrix (Cooperative SGD)
  std::optional<double> epsilon;                 // ε of AGC Theorem 2
  bool empty() const;
};

// Every repetition of a study is a process of its own, with a task and a summary kept for the statistics: the
// repetitions of a scenario, the runs of a study (variants x sweep points) and all their repetitions together are at
// most this many (a sweep of 1000^3 points allocated until the machine ran out of memory).
constexpr int MAX_STUDY_REPETITIONS = 100000;

struct Scenario {
  std::string name;
  std::string description;  // free text (what the scenario shows, how it is scaled); no effect on a run
  std::uint64_t seed = 1;
  int repetitions = 1;
  ProblemSpec problem;
  ClusterSpec cluster;
  AlgorithmSpec algorithm;
  StopSpec stop;
  OutputSpec output;
  TheoryOverrides theory;
  std::filesystem::path source;  // the file it was read from (empty for a string)
  std::filesystem::path base_dir;  // the folder its relative paths are read against (an algorithm's files too)
  std::string resolved_json;     // the resolved scenario, defaults filled in, pretty-printed
};

// Parses and validates; `overrides` are "path=value" strings applied before validation
// (path like cluster.workers; value parsed as JSON, else taken as a string). Throws ConfigError naming
// the JSON path ("scenario.algorithm.wait_for: ...") and what was expected.
Scenario parse_scenario(const std::string& json_text, const std::vector<std::string>& overrides = {},
                        const std::filesystem::path& base_dir = ".");
Scenario load_scenario(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});

// The files a problem reads, each with the JSON key that names it (scenario.problem.data.libsvm.path,
// scenario.problem.data.idx.images, ..., and the same under scenario.problem.test).
std::vector<std::pair<std::string, std::filesystem::path>> data_files(const ProblemSpec& problem);

// The data set's `rows` against problem.holdout (at least one training and one test row) and cluster.workers (one
// shard per worker, so at least one training row each). Throws ConfigError naming the key. Checked when the
// scenario is read for synthetic data (so `sgdsim check` sees it without generating it), and by load_problem_data
// once a file's rows are known.
void check_data_rows(std::int64_t rows, const Scenario& s);

// SimGrid-style quantities: "1Gbps", "100MBps", "10Mbps" -> bytes/s; "50us", "1ms", "0.1s" -> seconds.
double parse_bandwidth(const std::string& text);
double parse_duration(const std::string& text);

}  // namespace sgdsim
