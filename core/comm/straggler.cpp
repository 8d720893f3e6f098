// The shifted-exponential straggler model with additive delays and persistent slowdowns.
#include "sgdsim/core/comm/straggler.hpp"

#include <boost/random/exponential_distribution.hpp>

namespace sgdsim {

StragglerModel::StragglerModel(const ComputeSpec& spec, std::uint64_t seed, int repetition, int worker)
    : s_(spec.seconds_per_pass),
      rate_(spec.straggling_rate.value_or(0.0)),
      delay_mean_(spec.delay_mean.value_or(0.0)),
      slowdown_(1.0),
      straggle_rng_(make_rng(seed, repetition, worker, Purpose::STRAGGLE)),
      delay_rng_(make_rng(seed, repetition, worker, Purpose::DELAY)) {
  if (auto it = spec.slowdown.find(worker); it != spec.slowdown.end()) slowdown_ = it->second;
}

TaskTime StragglerModel::draw(double load) {
  TaskTime t;
  t.base = slowdown_ * load * s_;
  // Each stream is advanced exactly once per task whether or not its part is enabled, so that turning one part on
  // does not shift the draws of the other.
  const double x = boost::random::exponential_distribution<double>(1.0)(straggle_rng_);
  const double d = boost::random::exponential_distribution<double>(1.0)(delay_rng_);
  if (rate_ > 0) t.straggle = slowdown_ * load * x / rate_;
  if (delay_mean_ > 0) t.delay = delay_mean_ * d;
  return t;
}

double StragglerModel::mean(double load) const {
  return slowdown_ * load * (s_ + (rate_ > 0 ? 1.0 / rate_ : 0.0)) + delay_mean_;
}

double StragglerModel::variance(double load) const {
  const double straggle_sd = rate_ > 0 ? slowdown_ * load / rate_ : 0.0;
  return straggle_sd * straggle_sd + delay_mean_ * delay_mean_;
}

}  // namespace sgdsim
