// Study statistics: sample means and Student-t intervals, the delta-method speed-up, study.csv and study.json.
#include "sgdsim/analysis/study_stats.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sgdsim/core/scenario/json_text.hpp"
#include "sgdsim/error.hpp"

namespace sgdsim::analysis {

double student_t_quantile(double p, double df) {
  if (!(df > 0) || !(p > 0 && p < 1)) SGDSIM_THROW(Error, "student_t_quantile: needs df > 0 and 0 < p < 1");
  return boost::math::quantile(boost::math::students_t_distribution<double>(df), p);
}

SampleStats sample_stats(std::span<const double> values, double confidence) {
  SampleStats s;
  s.n = static_cast<int>(values.size());
  if (s.n == 0) return s;
  double sum = 0;
  for (double v : values) sum += v;
  s.mean = sum / s.n;
  if (s.n < 2) return s;
  double squares = 0;
  for (double v : values) squares += (v - s.mean) * (v - s.mean);
  s.sd = std::sqrt(squares / (s.n - 1));
  s.ci = s.sd == 0 ? 0.0 : student_t_quantile((1 + confidence) / 2, s.n - 1) * s.sd / std::sqrt(s.n);
  return s;
}

RatioStats ratio_of_means(const SampleStats& a, const SampleStats& b, double confidence) {
  RatioStats r;
  if (a.n == 0 || b.n == 0 || b.mean == 0) return r;
  r.value = a.mean / b.mean;
  if (a.n < 2 || b.n < 2 || a.mean == 0) return r;
  // Squared relative standard errors of the two means; their sum is the ratio's squared relative standard error.
  const double ra = a.sd * a.sd / (a.n * a.mean * a.mean);
  const double rb = b.sd * b.sd / (b.n * b.mean * b.mean);
  if (ra + rb == 0) {
    r.ci = 0;
    return r;
  }
  r.df = (ra + rb) * (ra + rb) / (ra * ra / (a.n - 1) + rb * rb / (b.n - 1));
  r.ci = student_t_quantile((1 + confidence) / 2, r.df) * std::fabs(r.value) * std::sqrt(ra + rb);
  return r;
}

const char* speedup_metric_name(SpeedupMetric metric) {
  return metric == SpeedupMetric::TIME_TO_TARGET ? "time_to_target" : "mean_iteration_time";
}

const std::vector<std::string>& status_columns() {
  static const std::vector<std::string> names = {"completed", "diverged", "stalled", "failed"};
  return names;
}

// RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char ch : text) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

namespace {

VariantStats variant_stats(const VariantRuns& v) {
  VariantStats s;
  s.label = v.label;
  s.algorithm = v.algorithm;
  s.dir = v.dir;
  s.point = v.point;
  s.repetitions = v.repetitions;
  for (const auto& name : status_columns()) s.status.emplace_back(name, 0);
  auto count = [&s](const std::string& name, int n) {
    for (auto& [known, c] : s.status)
      if (known == name) {
        c += n;
        return;
      }
    s.status.emplace_back(name, n);
  };
  std::vector<double> time, to_target, loss, per_iteration, rounds, bytes, accuracy, best, to_accuracy;
  for (const auto& r : v.runs) {
    count(status_name(r.status), 1);
    if (r.status != RunStatus::COMPLETED) continue;
    if (r.classifier) {
      s.classifier = true;
      accuracy.push_back(r.final_test_accuracy);
      best.push_back(r.best_test_accuracy);
      if (!std::isnan(r.time_to_target_accuracy)) to_accuracy.push_back(r.time_to_target_accuracy);
    }
    time.push_back(r.time);
    if (!std::isnan(r.time_to_target)) to_target.push_back(r.time_to_target);
    loss.push_back(r.final_loss);
    per_iteration.push_back(r.mean_iteration_time);
    rounds.push_back(static_cast<double>(r.comm_rounds));
    bytes.push_back(static_cast<double>(r.bytes));
  }
  count("failed", v.failed);
  if (!v.runs.empty()) s.zeta = v.runs.front().zeta;
  if (v.target) s.reached = static_cast<int>(to_target.size());
  s.time = sample_stats(time);
  s.time_to_target = sample_stats(to_target);
  s.final_loss = sample_stats(loss);
  s.mean_iteration_time = sample_stats(per_iteration);
  s.comm_rounds = sample_stats(rounds);
  s.bytes = sample_stats(bytes);
  if (v.target_accuracy) s.reached_accuracy = static_cast<int>(to_accuracy.size());
  s.final_test_accuracy = sample_stats(accuracy);
  s.best_test_accuracy = sample_stats(best);
  s.time_to_target_accuracy = sample_stats(to_accuracy);
  return s;
}

const SampleStats& compared(const VariantStats& v, SpeedupMetric metric) {
  return metric == SpeedupMetric::TIME_TO_TARGET ? v.time_to_target : v.mean_iteration_time;
}

// The measures of study.csv / study.json, in column order.
struct Measure {
  const char* name;
  SampleStats VariantStats::*field;
};
constexpr Measure MEASURES[] = {{"time", &VariantStats::time},
                                {"time_to_target", &VariantStats::time_to_target},
                                {"final_loss", &VariantStats::final_loss},
                                {"mean_iteration_time", &VariantStats::mean_iteration_time},
                                {"comm_rounds", &VariantStats::comm_rounds},
                                {"bytes", &VariantStats::bytes}};
// Only when the study has a classifier.
constexpr Measure ACCURACY_MEASURES[] = {{"final_test_accuracy", &VariantStats::final_test_accuracy},
                                         {"best_test_accuracy", &VariantStats::best_test_accuracy},
                                         {"time_to_target_accuracy", &VariantStats::time_to_target_accuracy}};

std::vector<Measure> measures_of(const StudyStats& study) {
  std::vector<Measure> measures(std::begin(MEASURES), std::end(MEASURES));
  if (study.classifier) measures.insert(measures.end(), std::begin(ACCURACY_MEASURES), std::end(ACCURACY_MEASURES));
  return measures;
}

// A swept value for a CSV cell: strings without their JSON quotes, everything else as its JSON text.
std::string point_value(const std::string& json_text) {
  const auto value = nlohmann::json::parse(json_text);
  return value.is_string() ? value.get<std::string>() : json_text;
}

nlohmann::json json_number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace

StudyStats study_stats(const std::string& name, const std::vector<VariantRuns>& variants,
                       const std::vector<std::string>& swept_paths, std::size_t baseline) {
  if (baseline >= variants.size()) SGDSIM_THROW(Error, "study_stats: the baseline is not one of the variants");
  StudyStats study;
  study.name = name;
  study.swept_paths = swept_paths;
  study.baseline = baseline;
  study.metric = variants[baseline].target ? SpeedupMetric::TIME_TO_TARGET : SpeedupMetric::MEAN_ITERATION_TIME;
  for (const auto& v : variants) {
    study.variants.push_back(variant_stats(v));
    study.classifier = study.classifier || study.variants.back().classifier;
  }
  const SampleStats& base = compared(study.variants[baseline], study.metric);
  for (std::size_t i = 0; i < study.variants.size(); ++i) {
    auto& v = study.variants[i];
    if (i == baseline) {
      v.speedup.value = base.n > 0 ? 1.0 : NOT_EVALUATED;
    } else {
      v.speedup = ratio_of_means(base, compared(v, study.metric), study.confidence);
    }
  }
  return study;
}

std::string study_csv(const StudyStats& study) {
  std::ostringstream out;
  out << "label,algorithm,dir";
  for (const auto& path : study.swept_paths) out << ',' << csv_field(path);
  out << ",repetitions";
  for (const auto& name : status_columns()) out << ',' << name;
  out << ",reached_target";
  if (study.classifier) out << ",reached_target_accuracy";
  const auto measures = measures_of(study);
  for (const auto& m : measures) out << ',' << m.name << "_mean," << m.name << "_sd," << m.name << "_ci95";
  out << ",speedup,speedup_ci95,speedup_metric,zeta\n";
  for (const auto& v : study.variants) {
    out << csv_field(v.label) << ',' << csv_field(v.algorithm) << ',' << csv_field(v.dir);
    for (const auto& path : study.swept_paths) {
      out << ',';
      for (const auto& [swept, value] : v.point)
        if (swept == path) out << csv_field(point_value(value));
    }
    out << ',' << v.repetitions;
    for (std::size_t i = 0; i < status_columns().size(); ++i) out << ',' << v.status[i].second;
    out << ',' << (v.reached >= 0 ? std::to_string(v.reached) : "");
    if (study.classifier) out << ',' << (v.reached_accuracy >= 0 ? std::to_string(v.reached_accuracy) : "");
    for (const auto& m : measures) {
      const SampleStats& s = v.*m.field;
      out << ',' << csv_number(s.mean) << ',' << csv_number(s.sd) << ',' << csv_number(s.ci);
    }
    out << ',' << csv_number(v.speedup.value) << ',' << csv_number(v.speedup.ci) << ','
        << speedup_metric_name(study.metric) << ',' << csv_number(v.zeta) << '\n';
  }
  return out.str();
}

std::string study_json(const StudyStats& study, const std::optional<Provenance>& provenance) {
  using json = nlohmann::ordered_json;
  json variants = json::array();
  for (const auto& v : study.variants) {
    json point = json::object();
    for (const auto& [path, value] : v.point) point[path] = json::parse(value);
    json status = json::object();
    for (const auto& [name, n] : v.status) status[name] = n;
    json entry = {{"label", v.label},
                  {"algorithm", v.algorithm},
                  {"dir", v.dir},
                  {"point", point},
                  {"repetitions", v.repetitions},
                  {"status", status},
                  {"reached_target", v.reached >= 0 ? json(v.reached) : json(nullptr)}};
    if (study.classifier)
      entry["reached_target_accuracy"] = v.reached_accuracy >= 0 ? json(v.reached_accuracy) : json(nullptr);
    for (const auto& m : measures_of(study)) {
      const SampleStats& s = v.*m.field;
      entry[m.name] = {
          {"n", s.n}, {"mean", json_number(s.mean)}, {"sd", json_number(s.sd)}, {"ci95", json_number(s.ci)}};
    }
    entry["speedup"] = {{"value", json_number(v.speedup.value)}, {"ci95", json_number(v.speedup.ci)}};
    entry["zeta"] = json_number(v.zeta);
    variants.push_back(entry);
  }
  json doc = {{"name", study.name},
              {"confidence", study.confidence},
              {"baseline", study.variants[study.baseline].label},
              {"speedup",
               {{"metric", speedup_metric_name(study.metric)},
                {"definition", "baseline mean / variant mean"},
                {"interval", "delta method, Student t with Welch-Satterthwaite degrees of freedom"}}},
              {"swept", study.swept_paths},
              {"variants", variants}};
  if (provenance) doc["provenance"] = json::parse(provenance_json(*provenance));
  return doc.dump(2) + "\n";
}

StudyStats parse_study_json(const std::string& text, const std::string& file) {
  using json = nlohmann::ordered_json;  // keeps the file's order of the status counts and swept paths
  auto number = [](const json& j) { return j.is_number() ? j.get<double>() : NOT_EVALUATED; };
  check_json_text(text, file);  // depth and number range: a ConfigError naming file:line:column, not a crash
  try {
    const json doc = json::parse(text);
    StudyStats study;
    study.name = doc.at("name").get<std::string>();
    study.confidence = doc.at("confidence").get<double>();
    study.swept_paths = doc.at("swept").get<std::vector<std::string>>();
    study.metric = doc.at("speedup").at("metric").get<std::string>() == "time_to_target"
                       ? SpeedupMetric::TIME_TO_TARGET
                       : SpeedupMetric::MEAN_ITERATION_TIME;
    const std::string baseline = doc.at("baseline").get<std::string>();
    for (const auto& e : doc.at("variants")) {
      VariantStats v;
      v.label = e.at("label").get<std::string>();
      v.algorithm = e.at("algorithm").get<std::string>();
      v.dir = e.at("dir").get<std::string>();
      for (const auto& [path, value] : e.at("point").items()) v.point.emplace_back(path, value.dump());
      v.repetitions = e.at("repetitions").get<int>();
      for (const auto& [name, n] : e.at("status").items()) v.status.emplace_back(name, n.get<int>());
      v.reached = e.at("reached_target").is_number() ? e.at("reached_target").get<int>() : -1;
      // A classifier study writes the accuracy measures for every variant.
      study.classifier = e.contains("reached_target_accuracy");
      if (study.classifier) {
        const json& reached = e.at("reached_target_accuracy");
        v.reached_accuracy = reached.is_number() ? reached.get<int>() : -1;
      }
      for (const auto& m : measures_of(study)) {
        const json& j = e.at(m.name);
        v.*m.field = {j.at("n").get<int>(), number(j.at("mean")), number(j.at("sd")), number(j.at("ci95"))};
      }
      v.classifier = study.classifier && v.final_test_accuracy.n > 0;
      v.speedup.value = number(e.at("speedup").at("value"));
      v.speedup.ci = number(e.at("speedup").at("ci95"));
      v.zeta = number(e.at("zeta"));
      if (v.label == baseline) study.baseline = study.variants.size();
      study.variants.push_back(std::move(v));
    }
    if (study.variants.empty()) SGDSIM_THROW(DataError, file + ": a study with no variants");
    return study;
  } catch (const json::exception& e) {
    SGDSIM_THROW(DataError, file + ": not a study.json written by sgdsim: " + e.what());
  }
}

}  // namespace sgdsim::analysis
