// Verdicts on theorems: conditions, measurements with their confidence intervals, and the decision rule.
#include "sgdsim/analysis/verdict.hpp"

#include <cmath>
#include <sstream>

#include "sgdsim/analysis/study_stats.hpp"

namespace sgdsim::analysis {

const char* origin_name(Origin origin) {
  switch (origin) {
    case Origin::CLOSED_FORM: return "closed form";
    case Origin::COMPUTED: return "computed";
    case Origin::ESTIMATED: return "estimated";
    case Origin::GIVEN: return "given";
  }
  return "?";
}

std::string number(double x, int precision) {
  if (std::isnan(x)) return "-";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  std::ostringstream out;
  out.precision(precision);
  out << x;
  return out.str();
}

Condition condition(bool holds, std::string statement, std::string numbers) {
  return {std::move(statement), std::move(numbers), holds ? Condition::Status::HOLDS : Condition::Status::FAILS};
}

Condition unchecked(std::string statement, std::string why) {
  return {std::move(statement), std::move(why), Condition::Status::UNCHECKED};
}

int Measurement::censored_count() const {
  int n = 0;
  for (bool c : censored) n += c ? 1 : 0;
  return n;
}

Measurement measurement(std::string quantity, std::string how, std::vector<double> values, std::vector<bool> censored) {
  Measurement m;
  m.quantity = std::move(quantity);
  m.how = std::move(how);
  censored.resize(values.size(), false);
  const SampleStats stats = sample_stats(values);
  m.mean = stats.mean;
  m.ci = stats.ci;
  m.values = std::move(values);
  m.censored = std::move(censored);
  return m;
}

std::string verdict_word(const Verdict& verdict) {
  switch (verdict.kind) {
    case VerdictKind::HOLDS: return "holds (slack x" + number(verdict.slack, 3) + ")";
    case VerdictKind::VIOLATED: return "VIOLATED";
    case VerdictKind::VACUOUS: return "vacuous";
    case VerdictKind::NOT_APPLICABLE: return "not applicable";
    case VerdictKind::INCONCLUSIVE: return "inconclusive";
    case VerdictKind::UNMEASURED: return "not measured";
  }
  return "?";
}

Verdict decide(const TheoremCheck& check) {
  Verdict v;
  for (const auto& c : check.conditions) {
    if (c.status == Condition::Status::FAILS) {
      v.kind = VerdictKind::NOT_APPLICABLE;
      v.why = c.statement + " fails: " + c.numbers;
      return v;
    }
  }
  if (std::isnan(check.bound)) {
    v.kind = VerdictKind::NOT_APPLICABLE;
    v.why = "the bound is not defined for these constants";
    return v;
  }
  const bool vacuous = check.bound >= check.trivial;
  const std::string trivial = check.trivial_what + " = " + number(check.trivial);
  if (!check.measured || check.measured->values.empty()) {
    v.kind = vacuous ? VerdictKind::VACUOUS : VerdictKind::UNMEASURED;
    v.why = vacuous ? "bound " + number(check.bound) + " >= " + trivial : "no run to measure on";
    return v;
  }
  const Measurement& m = *check.measured;
  const std::string measured = "measured " + number(m.mean);
  if (m.mean > check.bound) {
    v.kind = VerdictKind::VIOLATED;
    v.why = "bound " + number(check.bound) + " < " + measured;
    if (m.censored_count() > 0) v.why += " (a lower bound: " + std::to_string(m.censored_count()) + " censored)";
    if (!std::isnan(m.ci)) {
      v.why += m.mean - m.ci > check.bound ? "; also below the 95% interval's lower end "
                                           : "; within the 95% interval (mean - ci = ";
      v.why += m.mean - m.ci > check.bound ? number(m.mean - m.ci) : number(m.mean - m.ci) + ")";
    }
    return v;
  }
  if (m.censored_count() > 0) {
    v.kind = VerdictKind::INCONCLUSIVE;
    v.why = std::to_string(m.censored_count()) + " of " + std::to_string(m.values.size()) +
            " repetitions censored (only a lower bound measured), " + measured + " <= bound " + number(check.bound);
    return v;
  }
  v.slack = m.mean > 0 ? check.bound / m.mean : UNBOUNDED;
  if (vacuous) {
    v.kind = VerdictKind::VACUOUS;
    v.why = "bound " + number(check.bound) + " >= " + trivial + " (" + measured + ")";
    return v;
  }
  v.kind = VerdictKind::HOLDS;
  v.why = "bound " + number(check.bound) + " >= " + measured;
  return v;
}

}  // namespace sgdsim::analysis
