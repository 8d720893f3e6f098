// Study statistics on hand-computed samples: t quantiles, mean/sd/interval, the delta-method speed-up, study.csv.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "sgdsim/analysis/study_stats.hpp"

using namespace sgdsim;
using namespace sgdsim::analysis;

namespace {

RunSummary run(int index, double per_iteration, RunStatus status = RunStatus::COMPLETED,
               double to_target = NOT_EVALUATED) {
  RunSummary s;
  s.run = index;
  s.status = status;
  s.iterations = 100;
  s.time = 100 * per_iteration;
  s.mean_iteration_time = per_iteration;
  s.time_to_target = to_target;
  s.final_loss = 0.5 + index;
  s.comm_rounds = 100;
  s.bytes = 8000;
  return s;
}

}  // namespace

TEST_CASE("Student t quantiles match the printed tables") {
  CHECK(student_t_quantile(0.975, 1) == doctest::Approx(12.7062047362).epsilon(1e-10));
  CHECK(student_t_quantile(0.975, 4) == doctest::Approx(2.7764451052).epsilon(1e-10));
  CHECK(student_t_quantile(0.975, 10) == doctest::Approx(2.2281388520).epsilon(1e-10));
  CHECK(student_t_quantile(0.995, 4) == doctest::Approx(4.6040948713).epsilon(1e-9));
  CHECK(student_t_quantile(0.975, 1e7) == doctest::Approx(1.9599640).epsilon(1e-6));  // the normal limit
}

TEST_CASE("mean, sample standard deviation and 95% interval of {1, 2, 3, 4, 5}") {
  const std::vector<double> x = {1, 2, 3, 4, 5};
  const SampleStats s = sample_stats(x);
  CHECK(s.n == 5);
  CHECK(s.mean == 3);
  CHECK(s.sd == doctest::Approx(std::sqrt(2.5)));              // Σ(x − 3)² / 4 = 10 / 4
  CHECK(s.ci == doctest::Approx(1.9632431615).epsilon(1e-9));  // 2.776445 · 1.581139 / √5
}

TEST_CASE("one value has no interval, equal values a zero one, none gives no mean") {
  const std::vector<double> one = {4.5}, same = {2, 2, 2}, none = {};
  CHECK(sample_stats(one).mean == 4.5);
  CHECK(std::isnan(sample_stats(one).sd));
  CHECK(std::isnan(sample_stats(one).ci));
  CHECK(sample_stats(same).ci == 0);
  CHECK(sample_stats(none).n == 0);
  CHECK(std::isnan(sample_stats(none).mean));
}

TEST_CASE("ratio of means: delta method with Welch-Satterthwaite degrees of freedom, by hand") {
  // a = {10, 12, 14}: mean 12, sd 2; b = {5, 6, 7}: mean 6, sd 1. R = 2; both squared relative standard errors are
  // 4/(3·144) = 1/(3·36) = 1/108, so df = (2/108)² / (2·(1/108)²/2) = 4 and the half-width is
  // t(0.975, 4) · 2 · sqrt(2/108) = 2.776445 · 0.272166 = 0.755653.
  const std::vector<double> a = {10, 12, 14}, b = {5, 6, 7};
  const RatioStats r = ratio_of_means(sample_stats(a), sample_stats(b));
  CHECK(r.value == 2);
  CHECK(r.df == doctest::Approx(4));
  CHECK(r.ci == doctest::Approx(0.7556526452).epsilon(1e-9));
  // A constant denominator leaves the numerator's variance alone: a = {2, 4} (mean 3, sd √2), b = {1, 1, 1, 1}:
  // R = 3, relative term 2/(2·9) = 1/9, df = 1, half-width t(0.975, 1) · 3 · (1/3) = 12.706205.
  const std::vector<double> c = {2, 4}, d = {1, 1, 1, 1};
  const RatioStats q = ratio_of_means(sample_stats(c), sample_stats(d));
  CHECK(q.value == 3);
  CHECK(q.df == doctest::Approx(1));
  CHECK(q.ci == doctest::Approx(12.7062047362).epsilon(1e-9));
  const std::vector<double> single = {3};
  CHECK(std::isnan(ratio_of_means(sample_stats(single), sample_stats(b)).ci));
}

TEST_CASE("a study: per-variant statistics over completed runs, status counts, speed-up over the baseline") {
  VariantRuns sync{"sync", "sync_sgd", "out/sync", {{"cluster.workers", "16"}}, 3, {}, 0, false};
  sync.runs = {run(0, 10), run(1, 12), run(2, 14)};
  VariantRuns local{"local", "local_sgd", "out/local", {{"cluster.workers", "16"}}, 5, {}, 1, false};
  local.runs = {run(0, 5), run(1, 6), run(2, 1e9, RunStatus::DIVERGED), run(3, 7)};
  const StudyStats st = study_stats("q", {sync, local}, {"cluster.workers"}, 0);
  CHECK(st.metric == SpeedupMetric::MEAN_ITERATION_TIME);
  const VariantStats& v = st.variants[1];
  CHECK(v.status ==
        std::vector<std::pair<std::string, int>>{{"completed", 3}, {"diverged", 1}, {"stalled", 0}, {"failed", 1}});
  CHECK(v.reached == -1);
  CHECK(v.mean_iteration_time.n == 3);  // the diverged run is left out
  CHECK(v.mean_iteration_time.mean == 6);
  CHECK(v.final_loss.mean == doctest::Approx((0.5 + 1.5 + 3.5) / 3));
  CHECK(v.comm_rounds.ci == 0);
  CHECK(v.speedup.value == 2);
  CHECK(v.speedup.ci == doctest::Approx(0.7556526452).epsilon(1e-9));
  CHECK(st.variants[0].speedup.value == 1);
  CHECK(std::isnan(st.variants[0].speedup.ci));

  const std::string csv = study_csv(st);
  const std::string header = csv.substr(0, csv.find('\n'));
  CHECK(header ==
        "label,algorithm,dir,cluster.workers,repetitions,completed,diverged,stalled,failed,reached_target,"
        "time_mean,time_sd,time_ci95,time_to_target_mean,time_to_target_sd,time_to_target_ci95,"
        "final_loss_mean,final_loss_sd,final_loss_ci95,mean_iteration_time_mean,mean_iteration_time_sd,"
        "mean_iteration_time_ci95,comm_rounds_mean,comm_rounds_sd,comm_rounds_ci95,bytes_mean,bytes_sd,bytes_ci95,"
        "speedup,speedup_ci95,speedup_metric,zeta");
  CHECK(csv.find("\nlocal,local_sgd,out/local,16,5,3,1,0,1,,600,100,248.41") != std::string::npos);
  CHECK(csv.find(",8000,0,0,2,0.755652645175") != std::string::npos);
  CHECK(csv.find(",8000,0,0,1,,mean_iteration_time,\n") != std::string::npos);  // the baseline: 1, no interval
}

TEST_CASE("with a target the speed-up compares times to target over the runs that reached it") {
  VariantRuns base{"base", "agc", "d/base", {}, 2, {}, 0, true};
  base.runs = {run(0, 1, RunStatus::COMPLETED, 30), run(1, 1, RunStatus::COMPLETED, 50)};
  VariantRuns other{"other", "egc", "d/other", {}, 3, {}, 0, true};
  other.runs = {run(0, 1, RunStatus::COMPLETED, 20), run(1, 1), run(2, 1, RunStatus::COMPLETED, 20)};
  const StudyStats st = study_stats("t", {base, other}, {}, 1);
  CHECK(st.metric == SpeedupMetric::TIME_TO_TARGET);
  CHECK(st.variants[1].reached == 2);
  CHECK(st.variants[1].time_to_target.mean == 20);
  CHECK(st.variants[0].speedup.value == 0.5);  // baseline "other" 20 s / this variant's 40 s: half as fast
  CHECK(st.variants[1].speedup.value == 1);
  const std::string json = study_json(st, std::nullopt);
  CHECK(json.find("\"baseline\": \"other\"") != std::string::npos);
  CHECK(json.find("\"metric\": \"time_to_target\"") != std::string::npos);
  CHECK(json.find("\"reached_target\": 2") != std::string::npos);
}

TEST_CASE("labels and values with commas are quoted in study.csv") {
  VariantRuns v{
      "tau=4,workers=16", "local_sgd", "out/tau=4,workers=16", {{"x.name", "\"a,b\""}}, 1, {run(0, 1)}, 0, false};
  const std::string csv = study_csv(study_stats("s", {v}, {"x.name"}, 0));
  CHECK(csv.find("\n\"tau=4,workers=16\",local_sgd,\"out/tau=4,workers=16\",\"a,b\",1,1,0,0,0,,") != std::string::npos);
}

TEST_CASE("a classifier study adds test accuracy: final, best and time to the target accuracy, by hand") {
  auto classified = [](int index, double accuracy, double best, double to_accuracy) {
    RunSummary s = run(index, 1);
    s.classifier = true;
    s.final_test_accuracy = accuracy;
    s.best_test_accuracy = best;
    s.time_to_target_accuracy = to_accuracy;
    return s;
  };
  VariantRuns v{"mlp", "local_sgd", "d/mlp", {}, 3, {}, 0, false, true};
  v.runs = {classified(0, 0.80, 0.82, 40), classified(1, 0.90, 0.91, NOT_EVALUATED), classified(2, 0.85, 0.85, 60)};
  const StudyStats st = study_stats("c", {v}, {}, 0);
  CHECK(st.classifier);
  const VariantStats& s = st.variants[0];
  CHECK(s.final_test_accuracy.mean == doctest::Approx(0.85));
  CHECK(s.final_test_accuracy.sd == doctest::Approx(0.05));  // deviations ±0.05, 0: √(0.005/2)
  CHECK(s.final_test_accuracy.ci == doctest::Approx(4.3026527297 * 0.05 / std::sqrt(3.0)).epsilon(1e-9));
  CHECK(s.best_test_accuracy.mean == doctest::Approx((0.82 + 0.91 + 0.85) / 3));
  CHECK(s.reached_accuracy == 2);  // the run that never reached it is left out of the time
  CHECK(s.time_to_target_accuracy.mean == 50);
  const std::string csv = study_csv(st);
  CHECK(csv.find(",reached_target,reached_target_accuracy,time_mean,") != std::string::npos);
  CHECK(csv.find(",final_test_accuracy_mean,final_test_accuracy_sd,final_test_accuracy_ci95,best_test_accuracy_mean,") !=
        std::string::npos);
  CHECK(csv.find(",time_to_target_accuracy_mean,time_to_target_accuracy_sd,time_to_target_accuracy_ci95,speedup,") !=
        std::string::npos);
  CHECK(study_json(st, std::nullopt).find("\"reached_target_accuracy\": 2") != std::string::npos);
  // A study without a classifier has none of these columns.
  VariantRuns linear{"lin", "sync_sgd", "d/lin", {}, 1, {run(0, 1)}, 0, false};
  CHECK(study_csv(study_stats("l", {linear}, {}, 0)).find("accuracy") == std::string::npos);
}
