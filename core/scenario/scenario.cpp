// Scenario parsing and validation: JSON text + --set overrides -> plain structs and the resolved JSON.
#include "sgdsim/core/scenario/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>
#include <system_error>

#include "sgdsim/core/algorithms/registry.hpp"
#include "sgdsim/core/models/model.hpp"
#include "sgdsim/core/scenario/config.hpp"
#include "sgdsim/core/scenario/json_text.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim {
namespace {

using namespace config;  // NOLINT: the reading toolkit of config.hpp is this file's vocabulary
using Obj = config::Object;

Obj as_object(const json& v, const std::string& path) { return Obj(v, path); }
void check_keys(const Obj& obj, const Names& allowed) { obj.check_keys(allowed); }
const json& require(const Obj& obj, std::string_view key, const std::string& expected) {
  return obj.require(key, expected);
}

// Physically meaningful ranges of the quantities that reach the simulator (SimGrid aborts on an infinite bandwidth
// or duration; these bounds keep every modelled time far from overflowing). Every modelled duration (a pass, a
// delay's or straggler's mean, a latency) is at most MAX_SECONDS; slowdowns are factors within [1/MAX_FACTOR,
// MAX_FACTOR]; a link carries between 1 bit/s and 1000 TB/s.
constexpr double MAX_SECONDS = 1e6;
constexpr double MAX_FACTOR = 1e6;
constexpr double MIN_BANDWIDTH = 1.0 / 8;  // bytes/s
constexpr double MAX_BANDWIDTH = 1e15;     // bytes/s

// 1e6 rather than 1e+06.
std::string number_text(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  std::string text = buffer;
  const auto e = text.find('e');
  if (e == std::string::npos) return text;
  std::string exponent = text.substr(e + 1);
  const bool negative = exponent[0] == '-';
  exponent.erase(0, exponent.find_first_not_of("+-0"));
  return text.substr(0, e + 1) + (negative ? "-" : "") + exponent;
}

// A finite number in [lo, hi], or in (lo, hi] when lo_open (hi may be infinity: no upper bound).
double read_between(const json& v, const std::string& path, double lo, bool lo_open, double hi,
                    const std::string& unit) {
  const std::string expect = "must be a number " + std::string(lo_open ? "> " : ">= ") + number_text(lo) +
                             (std::isinf(hi) ? "" : " and <= " + number_text(hi)) + unit;
  if (!v.is_number()) fail_got(path, expect, v);
  const double d = v.get<double>();
  if (!std::isfinite(d) || d < lo || (lo_open && d == lo) || d > hi) fail_got(path, expect, v);
  return d;
}

// ---------------------------------------------------------------------------------------------------------------
// Quantities with units.

// The leading number of `text` and the unit after it; false when there is no number.
bool split_quantity(std::string_view text, double& value, std::string_view& unit) {
  const char* first = text.data();
  const char* last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc{} || ptr == first || !std::isfinite(value)) return false;
  unit = std::string_view(ptr, static_cast<std::size_t>(last - ptr));
  return true;
}

double bandwidth_at(const std::string& text, const std::string& path) {
  // Factors to bytes per second: SimGrid's units, bits ("bps") decimal and binary, bytes ("Bps") decimal and binary.
  struct Unit {
    std::string_view name;
    double factor;
  };
  static constexpr Unit UNITS[] = {
      {"bps", 1.0 / 8},
      {"Kbps", 1e3 / 8},
      {"Mbps", 1e6 / 8},
      {"Gbps", 1e9 / 8},
      {"Tbps", 1e12 / 8},
      {"Kibps", 1024.0 / 8},
      {"Mibps", 1048576.0 / 8},
      {"Gibps", 1073741824.0 / 8},
      {"Tibps", 1099511627776.0 / 8},
      {"Bps", 1.0},
      {"KBps", 1e3},
      {"MBps", 1e6},
      {"GBps", 1e9},
      {"TBps", 1e12},
      {"KiBps", 1024.0},
      {"MiBps", 1048576.0},
      {"GiBps", 1073741824.0},
      {"TiBps", 1099511627776.0},
  };
  const std::string expect =
      "must be a bandwidth > 0 with a unit like \"1Gbps\", \"100MBps\" or \"10MiBps\", from 1bps to 1000TBps (" +
      number_text(MAX_BANDWIDTH) + " bytes/s)";
  double value = 0.0;
  std::string_view unit;
  if (split_quantity(text, value, unit) && value > 0.0) {
    for (const auto& u : UNITS) {
      // The range is checked in bytes/s: "1e308TBps" is a finite number but an infinite bandwidth.
      if (u.name == unit && value * u.factor >= MIN_BANDWIDTH && value * u.factor <= MAX_BANDWIDTH) {
        return value * u.factor;
      }
    }
  }
  fail_got(path, expect, json(text));
}

double duration_at(const std::string& text, const std::string& path) {
  const std::string expect =
      "must be a duration >= 0 like \"50us\", \"1ms\" or \"0.1s\" (plain numbers are seconds), at most " +
      number_text(MAX_SECONDS) + "s";
  double value = 0.0;
  std::string_view unit;
  if (split_quantity(text, value, unit) && value >= 0.0) {
    double seconds = -1.0;
    // Division by the exact power of ten rounds once, so "50us" gives exactly the double nearest to 5e-5.
    if (unit.empty() || unit == "s") seconds = value;
    if (unit == "ms") seconds = value / 1e3;
    if (unit == "us") seconds = value / 1e6;
    if (unit == "ns") seconds = value / 1e9;
    if (seconds >= 0.0 && seconds <= MAX_SECONDS) return seconds;
  }
  fail_got(path, expect, json(text));
}

// ---------------------------------------------------------------------------------------------------------------
// JSON text and overrides.

void apply_override(json& root, const std::string& text) {
  if (const auto bad = invalid_utf8_at(text); bad != std::string::npos) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(text[bad])));
    fail("--set", "is not valid UTF-8 (byte " + std::string(byte) + " at offset " + std::to_string(bad) + " of \"" +
                      text.substr(0, bad) + "...\")");
  }
  const std::string name = "--set " + text;
  const auto eq = text.find('=');
  if (eq == std::string::npos) fail(name, "must be path=value (e.g. cluster.workers=64)");
  const std::string path = text.substr(0, eq);
  const std::string value_text = text.substr(eq + 1);

  std::vector<std::string> keys;
  std::size_t start = 0;
  while (true) {
    auto dot = path.find('.', start);
    keys.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  for (const auto& key : keys) {
    if (key.empty()) fail(name, "must be path=value with a path like cluster.workers, got path \"" + path + "\"");
  }
  // Each component is a level of nesting: the same limit as for JSON text.
  if (keys.size() > static_cast<std::size_t>(MAX_JSON_DEPTH)) {
    fail(name.substr(0, 60) + "...", "the path has " + std::to_string(keys.size()) + " components, more than " +
                                         std::to_string(MAX_JSON_DEPTH));
  }

  // The value is JSON when it parses as JSON ("64", "true", "{\"rate\": 2}"), else a plain string ("ideal").
  json value = value_text;
  if (json::accept(value_text)) value = parse_json_text(value_text, name);  // depth and range checked

  json* node = &root;
  std::string walked = "scenario";
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    walked += "." + keys[i];
    json& child = (*node)[keys[i]];
    if (child.is_null()) child = json::object();
    if (!child.is_object()) fail(name, walked + " is not an object, got " + describe(child));
    node = &child;
  }
  (*node)[keys.back()] = std::move(value);
}

// ---------------------------------------------------------------------------------------------------------------
// Sections.

void require_utf8(const std::string& text, const std::string& path, const std::string& subject) {
  if (invalid_utf8_at(text) != std::string::npos)
    fail(path, subject + " is not valid UTF-8, which the resolved scenario (JSON) needs");
}

std::filesystem::path resolve_path(const std::string& text, const std::filesystem::path& base_dir) {
  // Absolute, so that the resolved scenario means the same file wherever it is read back from.
  return std::filesystem::absolute(base_dir / std::filesystem::path(text)).lexically_normal();
}

// One data source: an object with exactly one of synthetic, libsvm, csv, idx. `logistic`: synthetic data takes
// `separation` (logistic labels, also what a model gets), else `noise`. `model`: the problem has a model (objective
// cross_entropy), for the message naming a key of the other objective.
DataSource read_data_source(const Obj& data, bool logistic, bool model, const std::filesystem::path& base_dir) {
  static const Names SOURCES = {"synthetic", "libsvm", "csv", "idx"};
  check_keys(data, SOURCES);
  std::string present;
  int count = 0;
  for (auto key : SOURCES) {
    if (!data.has(key)) continue;
    present += present.empty() ? std::string(key) : std::string(" and ") + std::string(key);
    ++count;
  }
  if (count != 1) fail(data.path(), "must have exactly one of " + join(SOURCES) + ", got " + (count ? present : "none"));
  auto file_path = [&](const Obj& s, std::string_view key) {
    return resolve_path(read_string(require(s, key, "a file path"), s.at(key), "must be a file path"), base_dir);
  };

  if (const json* v = data.get("synthetic")) {
    const Obj s = as_object(*v, data.at("synthetic"));
    for (auto it = s.value().begin(); it != s.value().end(); ++it) {
      if (it->is_null()) continue;  // absent
      // separation/noise are known keys, but only for their objective.
      if ((it.key() == "separation" && !logistic) || (it.key() == "noise" && logistic)) {
        fail(s.at(it.key()), model ? std::string("unknown key for objective cross_entropy (a model's synthetic data "
                                                 "is the two-class logistic set, which takes separation)")
                                   : std::string("unknown key for objective ") + (logistic ? "logistic" : "least_squares"));
      }
    }
    check_keys(s, {"samples", "features", "separation", "noise", "density"});
    SyntheticData d;
    d.samples = read_int(require(s, "samples", "a positive integer"), s.at("samples"), 1, INT64_MAX_V);
    d.features = read_int(require(s, "features", "a positive integer"), s.at("features"), 1, INT_MAX_V);
    if (const json* x = s.get("separation")) d.separation = read_number(*x, s.at("separation"), Bound::NON_NEGATIVE);
    if (const json* x = s.get("noise")) d.noise = read_number(*x, s.at("noise"), Bound::NON_NEGATIVE);
    if (const json* x = s.get("density")) d.density = read_number(*x, s.at("density"), Bound::UNIT_INTERVAL);
    return d;
  }
  if (const json* v = data.get("libsvm")) {
    const Obj s = as_object(*v, data.at("libsvm"));
    check_keys(s, {"path", "features", "zero_based"});
    LibsvmData d;
    d.path = file_path(s, "path");
    if (const json* x = s.get("features")) d.features = read_int(*x, s.at("features"), 1, INT_MAX_V);
    if (const json* x = s.get("zero_based")) {
      if (!x->is_boolean() && *x != "auto") fail_got(s.at("zero_based"), "must be \"auto\", true or false", *x);
      if (x->is_boolean()) d.zero_based = x->get<bool>();
    }
    return d;
  }
  if (const json* v = data.get("idx")) {
    const Obj s = as_object(*v, data.at("idx"));
    check_keys(s, {"images", "labels", "limit", "scale"});
    IdxData d;
    d.images = file_path(s, "images");
    d.labels = file_path(s, "labels");
    if (const json* x = s.get("limit")) d.limit = read_int(*x, s.at("limit"), 1, INT64_MAX_V);
    if (const json* x = s.get("scale")) d.scale = read_number(*x, s.at("scale"), Bound::POSITIVE);
    return d;
  }
  const Obj s = as_object(*data.get("csv"), data.at("csv"));
  check_keys(s, {"path", "label_column", "header"});
  CsvData d;
  d.path = file_path(s, "path");
  if (const json* x = s.get("label_column")) {
    const std::string expect = "must be a column name or a column index >= 0";
    if (x->is_string()) {
      d.label_column = read_string(*x, s.at("label_column"), expect);
    } else {
      d.label_column = read_int(*x, s.at("label_column"), 0, INT_MAX_V, expect);
    }
  }
  if (const json* x = s.get("header")) d.header = read_bool(*x, s.at("header"));
  return d;
}

// problem.model: a registered model's name and its own keys.
ModelChoice read_model(const Obj& problem) {
  const config::Object obj(*problem.get("model"), problem.at("model"));
  const auto& registry = ModelRegistry::instance();
  const Names names = registry.names();
  const auto index = read_choice(obj.require("name", "one of " + join(names)), obj.at("name"), names);
  const ModelDef& def = registry.all()[index];
  Names allowed = {"name"};
  for (const auto& key : def.keys) allowed.push_back(key.name);
  obj.check_keys(allowed, "for model " + def.name);
  return ModelChoice{&def, def.parse(obj)};
}

ProblemSpec read_problem(const Obj& root, const std::filesystem::path& base_dir) {
  ProblemSpec p;
  const Obj obj = as_object(require(root, "problem", "an object with objective and data"), root.at("problem"));
  check_keys(obj, {"objective", "model", "l2", "data", "test", "holdout"});
  if (obj.has("model")) p.model = read_model(obj);
  // A model is trained with the cross-entropy loss: `objective` may say so, or be left out.
  if (p.model) {
    if (const json* v = obj.get("objective"); v && !(v->is_string() && *v == "cross_entropy")) {
      fail_got(obj.at("objective"), "must be \"cross_entropy\" or absent with problem.model", *v);
    }
  } else {
    const json& v = require(obj, "objective", "logistic or least_squares");
    if (v.is_string() && v == "cross_entropy") {
      fail(obj.at("objective"), "cross_entropy needs problem.model (one of " + join(ModelRegistry::instance().names()) +
                                    ")");
    }
    const auto objective = read_choice(v, obj.at("objective"), {"logistic", "least_squares"});
    p.objective = objective == 0 ? kernels::Loss::LOGISTIC : kernels::Loss::LEAST_SQUARES;
  }
  if (const json* v = obj.get("l2")) p.l2 = read_number(*v, obj.at("l2"), Bound::NON_NEGATIVE);
  const bool logistic = p.model || p.objective == kernels::Loss::LOGISTIC;
  p.data = read_data_source(as_object(require(obj, "data", "one of synthetic, libsvm, csv, idx"), obj.at("data")),
                            logistic, p.model.has_value(), base_dir);

  if (obj.has("test") || obj.has("holdout")) {
    const std::string key = obj.has("test") ? "test" : "holdout";
    if (!p.model) fail(obj.at(key), "needs problem.model (held-out evaluation is for classifiers)");
    if (obj.has("test") && obj.has("holdout")) fail(obj.at("holdout"), "give problem.test or problem.holdout, not both");
  }
  if (const json* v = obj.get("test")) {
    const Obj test = as_object(*v, obj.at("test"));
    if (test.has("synthetic")) {
      fail(test.at("synthetic"), "a test set is read from a file (for synthetic data use problem.holdout)");
    }
    p.test = read_data_source(test, logistic, p.model.has_value(), base_dir);
  }
  if (const json* v = obj.get("holdout")) {
    const double f = read_number(*v, obj.at("holdout"), Bound::ANY);
    if (!(f > 0.0 && f < 1.0)) fail_got(obj.at("holdout"), "must be a fraction in (0, 1)", *v);
    p.holdout = f;
  }
  return p;
}

NetworkSpec read_network(const Obj& cluster, const std::filesystem::path& base_dir) {
  NetworkSpec n;
  const json* v = cluster.get("network");
  if (v == nullptr) return n;
  const std::string path = cluster.at("network");
  if (v->is_string()) {
    n.platform_file = resolve_path(read_string(*v, path, "must be a platform file path or an object"), base_dir);
    return n;
  }
  if (!v->is_object()) fail_got(path, "must be a platform file path or an object", *v);
  const Obj obj(*v, path);
  check_keys(obj, {"topology", "bandwidth", "latency", "broadcast"});
  if (const json* x = obj.get("topology")) {
    static constexpr Topology TOPOLOGIES[] = {Topology::STAR, Topology::CLUSTER, Topology::IDEAL};
    n.topology = TOPOLOGIES[read_choice(*x, obj.at("topology"), {"star", "cluster", "ideal"})];
  }
  if (const json* x = obj.get("bandwidth")) {
    n.bandwidth_text = read_string(*x, obj.at("bandwidth"), "must be a bandwidth string like \"1Gbps\"");
    n.bandwidth = bandwidth_at(n.bandwidth_text, obj.at("bandwidth"));
  }
  if (const json* x = obj.get("latency")) {
    n.latency_text = read_string(*x, obj.at("latency"), "must be a duration string like \"50us\"");
    n.latency = duration_at(n.latency_text, obj.at("latency"));
  }
  if (const json* x = obj.get("broadcast")) {
    static constexpr Broadcast BROADCASTS[] = {Broadcast::UNICAST, Broadcast::TREE};
    n.broadcast = BROADCASTS[read_choice(*x, obj.at("broadcast"), {"unicast", "tree"})];
  }
  return n;
}

ComputeSpec read_compute(const Obj& cluster, int workers) {
  ComputeSpec c;
  const json* v = cluster.get("compute");
  if (v == nullptr) return c;
  const Obj obj = as_object(*v, cluster.at("compute"));
  check_keys(obj, {"seconds_per_pass", "straggling", "delay", "slowdown", "inject", "device", "numerics"});
  if (const json* x = obj.get("seconds_per_pass")) {
    c.seconds_per_pass = read_between(*x, obj.at("seconds_per_pass"), 0.0, true, MAX_SECONDS, " (seconds)");
  }
  if (const json* x = obj.get("straggling")) {
    const Obj s = as_object(*x, obj.at("straggling"));
    check_keys(s, {"rate"});
    // A mean straggling time 1/rate of at most MAX_SECONDS.
    c.straggling_rate = read_between(require(s, "rate", "a number > 0"), s.at("rate"), 1.0 / MAX_SECONDS, false,
                                     std::numeric_limits<double>::infinity(), " (per second)");
  }
  if (const json* x = obj.get("delay")) {
    const Obj s = as_object(*x, obj.at("delay"));
    check_keys(s, {"mean"});
    c.delay_mean = read_between(require(s, "mean", "a number > 0"), s.at("mean"), 0.0, true, MAX_SECONDS, " (seconds)");
  }
  if (const json* x = obj.get("slowdown")) {
    const Obj s = as_object(*x, obj.at("slowdown"));
    for (auto it = s.value().begin(); it != s.value().end(); ++it) {
      const std::string& key = it.key();
      int index = -1;
      auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
      // The canonical spelling only ("3", not "03" or "+3"), so that two keys cannot name one worker.
      if (ec != std::errc{} || ptr != key.data() + key.size() || index < 0 || index >= workers ||
          std::to_string(index) != key) {
        fail(s.at(key),
             "must be a worker index in [0, cluster.workers = " + std::to_string(workers) + "), got \"" + key + "\"");
      }
      if (it->is_null()) continue;
      c.slowdown[index] = read_between(*it, s.at(key), 1.0 / MAX_FACTOR, false, MAX_FACTOR, " (a factor)");
    }
  }
  if (const json* x = obj.get("inject")) {
    c.inject = read_choice(*x, obj.at("inject"), {"none", "model"}) == 0 ? Inject::NONE : Inject::MODEL;
  }
  if (const json* x = obj.get("device")) {
    // Parsed here rather than through the kernels library: the names are part of the scenario format.
    static constexpr kernels::Device DEVICES[] = {kernels::Device::REFERENCE, kernels::Device::CPU,
                                                  kernels::Device::CUDA};
    c.device = DEVICES[read_choice(*x, obj.at("device"), {"reference", "cpu", "cuda"})];
  }
  if (const json* x = obj.get("numerics")) c.numerics = read_bool(*x, obj.at("numerics"));
  return c;
}

FailuresSpec read_failures(const Obj& cluster, int workers) {
  FailuresSpec f;
  const json* v = cluster.get("failures");
  if (v == nullptr) return f;
  const std::string path = cluster.at("failures");
  if (!v->is_array()) fail_got(path, "must be an array of {worker, at} and {rate} objects", *v);
  for (std::size_t i = 0; i < v->size(); ++i) {
    const Obj e = as_object((*v)[i], path + "[" + std::to_string(i) + "]");
    if (e.has("rate")) {
      e.check_keys({"rate"}, "in a {rate} entry");
      if (f.rate) fail(e.at("rate"), "given twice: one {rate} entry applies to every worker");
      f.rate = read_number(*e.get("rate"), e.at("rate"), Bound::POSITIVE);
      continue;
    }
    check_keys(e, {"worker", "at"});
    FailureSpec one;
    const std::string expected = "must be a worker index in [0, cluster.workers = " + std::to_string(workers) + ")";
    one.worker = read_int32(require(e, "worker", "a worker index in [0, cluster.workers)"), e.at("worker"), 0,
                            workers - 1, expected);
    const json& at = require(e, "at", "seconds (a number >= 0) or {\"iteration\": t}");
    if (at.is_object()) {
      const Obj a = as_object(at, e.at("at"));
      check_keys(a, {"iteration"});
      one.iteration = read_int(require(a, "iteration", "an integer >= 1"), a.at("iteration"), 1, INT64_MAX_V);
    } else {
      one.time = read_number(at, e.at("at"), Bound::NON_NEGATIVE);
    }
    for (const auto& other : f.listed)
      if (other.worker == one.worker) fail(e.at("worker"), "worker " + std::to_string(one.worker) + " fails twice");
    f.listed.push_back(one);
  }
  return f;
}

ClusterSpec read_cluster(const Obj& root, const std::filesystem::path& base_dir) {
  ClusterSpec c;
  const Obj obj = as_object(require(root, "cluster", "an object with workers"), root.at("cluster"));
  check_keys(obj, {"workers", "network", "compute", "failures"});
  c.workers = read_int32(require(obj, "workers", "an integer >= 1"), obj.at("workers"), 1);
  c.network = read_network(obj, base_dir);
  c.compute = read_compute(obj, c.workers);
  c.failures = read_failures(obj, c.workers);
  return c;
}

StepSize read_step(const json& v, const std::string& path) {
  StepSize step;
  if (v.is_number()) {
    step.eta = read_number(v, path, Bound::POSITIVE);
    return step;
  }
  if (!v.is_object())
    fail_got(path, "must be a number > 0 or {\"schedule\": \"inverse\", \"eta0\": ..., \"a\": ...}", v);
  const Obj obj(v, path);
  check_keys(obj, {"schedule", "eta0", "a"});
  read_choice(require(obj, "schedule", "inverse"), obj.at("schedule"), {"inverse"});
  step.inverse = true;
  step.eta0 = read_number(require(obj, "eta0", "a number > 0"), obj.at("eta0"), Bound::POSITIVE);
  if (const json* x = obj.get("a")) step.a = read_number(*x, obj.at("a"), Bound::POSITIVE);
  return step;
}

// The registry entry the name selects, the common step_size, then the algorithm's own keys (parsed by its definition;
// keys it does not declare are errors, so a key of another algorithm is never silently ignored).
AlgorithmSpec read_algorithm(const Obj& root, const Scenario& scenario) {
  AlgorithmSpec a;
  const auto& registry = AlgorithmRegistry::instance();
  const Names names = registry.names();
  const Obj obj = as_object(require(root, "algorithm", "an object with name and step_size"), root.at("algorithm"));
  a.def = &registry.all()[read_choice(require(obj, "name", "one of " + join(names)), obj.at("name"), names)];

  Names allowed = {"name", "step_size"};
  for (const auto& key : a.def->keys) allowed.emplace_back(key.name);
  obj.check_keys(allowed, "for algorithm " + a.def->name);
  a.step = read_step(require(obj, "step_size", "a number > 0 or an inverse schedule"), obj.at("step_size"));
  a.params = a.def->parse(obj, scenario);
  return a;
}

StopSpec read_stop(const Obj& root, const ProblemSpec& problem) {
  StopSpec s;
  const json* v = root.get("stop");
  const std::string rules = "iterations, time, target_loss, target_accuracy";
  const std::string expect = "must have at least one of " + rules;
  if (v == nullptr) fail(root.at("stop"), "is required (at least one of " + rules + ")");
  const Obj obj = as_object(*v, root.at("stop"));
  check_keys(obj, {"iterations", "time", "target_loss", "target_accuracy"});
  if (const json* x = obj.get("iterations")) s.iterations = read_int(*x, obj.at("iterations"), 1, INT64_MAX_V);
  if (const json* x = obj.get("time")) s.time = read_number(*x, obj.at("time"), Bound::POSITIVE);
  if (const json* x = obj.get("target_loss")) s.target_loss = read_number(*x, obj.at("target_loss"), Bound::ANY);
  if (const json* x = obj.get("target_accuracy")) {
    if (!problem.has_test()) fail(obj.at("target_accuracy"), "needs a test set (problem.test or problem.holdout)");
    s.target_accuracy = read_number(*x, obj.at("target_accuracy"), Bound::UNIT_INTERVAL);
  }
  if (!s.iterations && !s.time && !s.target_loss && !s.target_accuracy) fail(obj.path(), expect + ", got none");
  return s;
}

OutputSpec read_output(const Obj& root, const std::string& name) {
  OutputSpec o;
  o.dir = std::filesystem::path("results") / name;
  const json* v = root.get("output");
  if (v == nullptr) return o;
  const Obj obj = as_object(*v, root.at("output"));
  check_keys(obj, {"dir", "every", "workers"});
  // Relative to the current directory (where the user runs sgdsim), not to the scenario file.
  if (const json* x = obj.get("dir")) o.dir = read_string(*x, obj.at("dir"), "must be a directory path");
  if (const json* x = obj.get("every")) o.every = read_int32(*x, obj.at("every"), 1);
  if (const json* x = obj.get("workers")) {
    const std::string expect = "must be true, false or an integer N >= 1 (every N-th iteration)";
    o.workers_every = x->is_boolean() ? (x->get<bool>() ? 1 : 0) : read_int32(*x, obj.at("workers"), 1, INT_MAX_V, expect);
  }
  return o;
}

// The `theory` overrides: each key one constant, a finite number (F* any sign, the others >= 0, ζ in [0, 1)).
struct TheoryKey {
  std::string_view name;
  std::optional<double> TheoryOverrides::*member;
  Bound bound;
};
constexpr TheoryKey THEORY_KEYS[] = {
    {"smoothness", &TheoryOverrides::smoothness, Bound::POSITIVE},
    {"pl_constant", &TheoryOverrides::pl_constant, Bound::POSITIVE},
    {"f_star", &TheoryOverrides::f_star, Bound::ANY},
    {"gradient_bound", &TheoryOverrides::gradient_bound, Bound::NON_NEGATIVE},
    {"sample_variance", &TheoryOverrides::sample_variance, Bound::NON_NEGATIVE},
    {"relative_variance", &TheoryOverrides::relative_variance, Bound::NON_NEGATIVE},
    {"chunk_variance", &TheoryOverrides::chunk_variance, Bound::NON_NEGATIVE},
    {"gradient_inner_product", &TheoryOverrides::gradient_inner_product, Bound::NON_NEGATIVE},
    {"g_tilde", &TheoryOverrides::g_tilde, Bound::NON_NEGATIVE},
    {"rho", &TheoryOverrides::rho, Bound::POSITIVE},
    {"zeta", &TheoryOverrides::zeta, Bound::ANY},  // in [0, 1), checked below
    {"epsilon", &TheoryOverrides::epsilon, Bound::POSITIVE},
};

TheoryOverrides read_theory(const Obj& root) {
  TheoryOverrides t;
  const json* v = root.get("theory");
  if (v == nullptr) return t;
  const Obj obj = as_object(*v, root.at("theory"));
  Names names;
  for (const auto& key : THEORY_KEYS) names.push_back(key.name);
  check_keys(obj, names);
  for (const auto& key : THEORY_KEYS) {
    if (const json* x = obj.get(key.name)) t.*key.member = read_number(*x, obj.at(key.name), key.bound);
  }
  if (t.zeta && !(*t.zeta >= 0.0 && *t.zeta < 1.0)) fail_got(obj.at("zeta"), "must be a number in [0, 1)", *obj.get("zeta"));
  return t;
}

// ---------------------------------------------------------------------------------------------------------------
// The resolved scenario: every key with its value, defaults included, in the order of SCENARIO.md.

ordered_json data_json(const DataSource& source, bool logistic) {
  ordered_json data;
  if (const auto* d = std::get_if<SyntheticData>(&source)) {
    ordered_json x;
    x["samples"] = d->samples;
    x["features"] = d->features;
    if (logistic) {
      x["separation"] = d->separation;
    } else {
      x["noise"] = d->noise;
    }
    x["density"] = d->density;
    data["synthetic"] = x;
  } else if (const auto* l = std::get_if<LibsvmData>(&source)) {
    ordered_json x;
    x["path"] = l->path.string();
    if (l->features) x["features"] = *l->features;
    if (l->zero_based) {
      x["zero_based"] = *l->zero_based;
    } else {
      x["zero_based"] = "auto";
    }
    data["libsvm"] = x;
  } else if (const auto* i = std::get_if<IdxData>(&source)) {
    ordered_json x;
    x["images"] = i->images.string();
    x["labels"] = i->labels.string();
    if (i->limit) x["limit"] = *i->limit;
    if (i->scale) x["scale"] = *i->scale;
    data["idx"] = x;
  } else {
    const auto& c = std::get<CsvData>(source);
    ordered_json x;
    x["path"] = c.path.string();
    if (const auto* index = std::get_if<std::int64_t>(&c.label_column)) {
      x["label_column"] = *index;
    } else {
      x["label_column"] = std::get<std::string>(c.label_column);
    }
    x["header"] = c.header;
    data["csv"] = x;
  }
  return data;
}

ordered_json to_json(const Scenario& s) {
  ordered_json j;
  j["name"] = s.name;
  if (!s.description.empty()) j["description"] = s.description;
  j["seed"] = s.seed;
  j["repetitions"] = s.repetitions;

  ordered_json problem;
  if (s.problem.model) {
    problem["objective"] = "cross_entropy";
    ordered_json model;
    model["name"] = s.problem.model->def->name;
    s.problem.model->def->resolve(*s.problem.model->params, model);
    problem["model"] = model;
  } else {
    problem["objective"] = s.problem.objective == kernels::Loss::LOGISTIC ? "logistic" : "least_squares";
  }
  problem["l2"] = s.problem.l2;
  const bool logistic = s.problem.model || s.problem.objective == kernels::Loss::LOGISTIC;
  problem["data"] = data_json(s.problem.data, logistic);
  if (s.problem.test) problem["test"] = data_json(*s.problem.test, logistic);
  if (s.problem.holdout) problem["holdout"] = *s.problem.holdout;
  j["problem"] = problem;

  ordered_json cluster;
  cluster["workers"] = s.cluster.workers;
  const auto& n = s.cluster.network;
  if (!n.platform_file.empty()) {
    cluster["network"] = n.platform_file.string();
  } else {
    ordered_json network;
    static constexpr const char* TOPOLOGY_NAMES[] = {"star", "cluster", "ideal"};
    network["topology"] = TOPOLOGY_NAMES[static_cast<int>(n.topology)];
    network["bandwidth"] = n.bandwidth_text;
    network["latency"] = n.latency_text;
    network["broadcast"] = n.broadcast == Broadcast::TREE ? "tree" : "unicast";
    cluster["network"] = network;
  }
  const auto& c = s.cluster.compute;
  ordered_json compute;
  compute["seconds_per_pass"] = c.seconds_per_pass;
  if (c.straggling_rate) compute["straggling"] = ordered_json{{"rate", *c.straggling_rate}};
  if (c.delay_mean) compute["delay"] = ordered_json{{"mean", *c.delay_mean}};
  ordered_json slowdown = ordered_json::object();
  for (const auto& [worker, factor] : c.slowdown) slowdown[std::to_string(worker)] = factor;
  compute["slowdown"] = slowdown;
  compute["inject"] = c.inject == Inject::NONE ? "none" : "model";
  compute["device"] = kernels::device_name(c.device);
  compute["numerics"] = c.numerics;
  cluster["compute"] = compute;
  if (!s.cluster.failures.empty()) {  // absent without failures, so that other scenarios resolve as they always did
    ordered_json failures = ordered_json::array();
    for (const auto& f : s.cluster.failures.listed) {
      ordered_json at = f.iteration ? ordered_json{{"iteration", *f.iteration}} : ordered_json(*f.time);
      failures.push_back(ordered_json{{"worker", f.worker}, {"at", at}});
    }
    if (s.cluster.failures.rate) failures.push_back(ordered_json{{"rate", *s.cluster.failures.rate}});
    cluster["failures"] = failures;
  }
  j["cluster"] = cluster;

  const auto& a = s.algorithm;
  ordered_json algorithm;
  algorithm["name"] = a.name();
  if (a.step.inverse) {
    algorithm["step_size"] = ordered_json{{"schedule", "inverse"}, {"eta0", a.step.eta0}, {"a", a.step.a}};
  } else {
    algorithm["step_size"] = a.step.eta;
  }
  a.def->resolve(*a.params, algorithm);
  j["algorithm"] = algorithm;

  ordered_json stop = ordered_json::object();
  if (s.stop.iterations) stop["iterations"] = *s.stop.iterations;
  if (s.stop.time) stop["time"] = *s.stop.time;
  if (s.stop.target_loss) stop["target_loss"] = *s.stop.target_loss;
  if (s.stop.target_accuracy) stop["target_accuracy"] = *s.stop.target_accuracy;
  j["stop"] = stop;

  const int workers = s.output.workers_every;
  j["output"] = ordered_json{{"dir", s.output.dir.string()},
                             {"every", s.output.every},
                             {"workers", workers <= 1 ? ordered_json(workers == 1) : ordered_json(workers)}};
  // Only when given: the theorems' constants are otherwise computed by `sgdsim bounds`, not defaults of the scenario.
  if (!s.theory.empty()) {
    ordered_json theory;
    for (const auto& key : THEORY_KEYS) {
      if (const auto& value = s.theory.*key.member) theory[std::string(key.name)] = *value;
    }
    j["theory"] = theory;
  }
  return j;
}

Scenario parse_impl(const std::string& text, const std::vector<std::string>& overrides,
                    const std::filesystem::path& base_dir, const std::filesystem::path& source) {
  json root = parse_json_text(text, source.empty() ? std::string("scenario") : source.string());
  if (!root.is_object()) fail_got("scenario", "must be an object", root);
  for (const auto& o : overrides) apply_override(root, o);

  Scenario s;
  s.source = source;
  s.base_dir = base_dir;
  const Obj obj(root, "scenario");
  check_keys(obj, {"name", "seed", "repetitions", "problem", "cluster", "algorithm", "stop", "output", "description",
                   "theory"});
  if (const json* v = obj.get("description")) s.description = read_string(*v, obj.at("description"));
  if (const json* v = obj.get("name")) {
    s.name = read_string(*v, obj.at("name"), "must be a non-empty string");
  } else {
    s.name = source.empty() || source.stem().empty() ? std::string("scenario") : source.stem().string();
  }
  if (const json* v = obj.get("seed")) {
    if (v->is_number_unsigned()) {
      s.seed = v->get<std::uint64_t>();
    } else {
      s.seed = static_cast<std::uint64_t>(read_int(*v, obj.at("seed"), 0, INT64_MAX_V));
    }
  }
  if (const json* v = obj.get("repetitions")) s.repetitions = read_int32(*v, obj.at("repetitions"), 1);
  s.problem = read_problem(obj, base_dir);
  s.cluster = read_cluster(obj, base_dir);
  s.stop = read_stop(obj, s.problem);
  s.output = read_output(obj, s.name);
  s.algorithm = read_algorithm(obj, s);
  // The resolved scenario is JSON, whose strings must be UTF-8; names that come from the file system may not be.
  if (!obj.has("name")) require_utf8(s.name, "scenario.name", "the default, the scenario's file name,");
  for (const auto& [key, file] : data_files(s.problem)) require_utf8(file.string(), key, "the resolved path");
  require_utf8(s.cluster.network.platform_file.string(), "scenario.cluster.network", "the resolved path");
  require_utf8(s.output.dir.string(), "scenario.output.dir", "the directory");
  s.theory = read_theory(obj);
  s.resolved_json = to_json(s).dump(2) + "\n";
  return s;
}

}  // namespace

Scenario parse_scenario(const std::string& json_text, const std::vector<std::string>& overrides,
                        const std::filesystem::path& base_dir) {
  return parse_impl(json_text, overrides, base_dir, {});
}

Scenario load_scenario(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    SGDSIM_THROW(ConfigError, file.string() + ": cannot read the scenario file (no such file)");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in.is_open()) SGDSIM_THROW(ConfigError, file.string() + ": cannot read the scenario file (cannot open it)");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) SGDSIM_THROW(ConfigError, file.string() + ": cannot read the scenario file (read error)");
  std::filesystem::path base_dir = file.parent_path();
  if (base_dir.empty()) base_dir = ".";
  return parse_impl(text.str(), overrides, base_dir, file);
}

std::vector<std::pair<std::string, std::filesystem::path>> data_files(const ProblemSpec& problem) {
  std::vector<std::pair<std::string, std::filesystem::path>> files;
  const auto add = [&](const DataSource& source, const std::string& at) {
    if (const auto* l = std::get_if<LibsvmData>(&source)) files.emplace_back(at + ".libsvm.path", l->path);
    if (const auto* c = std::get_if<CsvData>(&source)) files.emplace_back(at + ".csv.path", c->path);
    if (const auto* i = std::get_if<IdxData>(&source)) {
      files.emplace_back(at + ".idx.images", i->images);
      files.emplace_back(at + ".idx.labels", i->labels);
    }
  };
  add(problem.data, "scenario.problem.data");
  if (problem.test) add(*problem.test, "scenario.problem.test");
  return files;
}

bool TheoryOverrides::empty() const {
  for (const auto& key : THEORY_KEYS) {
    if (this->*key.member) return false;
  }
  return true;
}

double parse_bandwidth(const std::string& text) { return bandwidth_at(text, "bandwidth"); }

double parse_duration(const std::string& text) { return duration_at(text, "duration"); }

}  // namespace sgdsim
