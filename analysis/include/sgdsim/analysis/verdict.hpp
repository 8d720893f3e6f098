// What `sgdsim bounds` says about one theorem: its conditions, its constants and how each was obtained, the bound,
// the simulated quantity it bounds, and the verdict that follows.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sgdsim::analysis {

constexpr double NO_VALUE = std::numeric_limits<double>::quiet_NaN();
constexpr double UNBOUNDED = std::numeric_limits<double>::infinity();

// How a constant was obtained.
enum class Origin {
  CLOSED_FORM,  // exact, from the objective or the scenario (eigenvalues, a formula)
  COMPUTED,     // by a deterministic solver, to a stated tolerance (F*)
  ESTIMATED,    // estimated from data or points, with its estimator named
  GIVEN,        // taken from the scenario's `theory` overrides
};
const char* origin_name(Origin origin);

struct Constant {
  std::string symbol;   // as the paper writes it: "L", "mu", "sigma^2", "C1"
  std::string meaning;  // one short phrase
  double value = NO_VALUE;
  Origin origin = Origin::ESTIMATED;
  std::string how;                  // the formula, the estimator, or the override's JSON path
  std::int64_t sample_size = 0;     // estimated constants: the number of points or draws it comes from
  double standard_error = NO_VALUE;  // estimated constants with a sampling error
  bool conditional = false;  // a supremum/infimum over sampled points only: the bound is conditional on it
};

struct Condition {
  enum class Status { HOLDS, FAILS, UNCHECKED };
  std::string statement;  // the theorem's condition, e.g. "c >= n ln(2) / r"
  std::string numbers;    // the numbers it was checked with, e.g. "n ln(2)/r = 1.386, c = 2"
  Status status = Status::HOLDS;
};
Condition condition(bool holds, std::string statement, std::string numbers);
Condition unchecked(std::string statement, std::string why);

// The simulated quantity a bound bounds, per repetition, with its mean and the half-width of its 95% Student-t
// confidence interval (NaN with one repetition). A censored repetition (e.g. the target never reached) carries a
// lower bound on its value.
struct Measurement {
  std::string quantity;  // e.g. "F(x_T) - F*, T = 30"
  std::string how;       // where it was read from
  std::vector<double> values;
  std::vector<bool> censored;
  double mean = NO_VALUE;
  double ci = NO_VALUE;
  int censored_count() const;
};
// Fills mean and ci from values with the studies' statistics (study_stats.hpp: the 95% Student-t interval; censored
// repetitions included, their lower bounds make the mean a lower bound).
Measurement measurement(std::string quantity, std::string how, std::vector<double> values,
                        std::vector<bool> censored = {});

enum class VerdictKind {
  HOLDS,           // bound at or above the measurement, and below the trivial value
  VIOLATED,        // bound below the measurement: a bug in the bound, the constants or the simulation
  VACUOUS,         // bound at or above the trivial value (it says nothing the start does not)
  NOT_APPLICABLE,  // a condition of the theorem fails
  INCONCLUSIVE,    // the measurement is censored below the bound (e.g. target not reached in every repetition)
  UNMEASURED,      // no run to measure on (--no-simulate)
};
struct Verdict {
  VerdictKind kind = VerdictKind::UNMEASURED;
  double slack = NO_VALUE;  // bound / measurement (HOLDS, VACUOUS)
  std::string why;          // the failing condition, the trivial value, ...
};
// "holds (slack x3.2)", "VIOLATED", "vacuous", "not applicable", ...
std::string verdict_word(const Verdict& verdict);

// A companion line of a theorem: another expression of the same bound (the paper's as printed beside a corrected
// one) or the same theorem for another member of the family (for comparison, no verdict).
struct BoundLine {
  std::string label;
  double value = NO_VALUE;
  std::string formula;
};

struct TheoremCheck {
  std::string id;         // e.g. "agc.theorem2"
  std::string title;      // e.g. "AGC Theorem 2: expected time to accuracy epsilon"
  std::string source;     // paper, theorem and equation
  std::string statement;  // the inequality as implemented
  std::vector<Condition> conditions;
  std::vector<Constant> constants;
  double bound = NO_VALUE;  // the value the verdict uses
  std::string bound_label;  // which expression that is
  std::vector<BoundLine> lines;
  double trivial = UNBOUNDED;  // a bound at or above this says nothing (e.g. the initial gap)
  std::string trivial_what;
  std::optional<Measurement> measured;
  Verdict verdict;
  std::vector<std::string> notes;
};
// The verdict from the conditions, the bound, the trivial value and the measurement (in that order of precedence:
// a failing condition, then VIOLATED, INCONCLUSIVE, VACUOUS, HOLDS).
Verdict decide(const TheoremCheck& check);

// A derived recommendation of a paper (a step-size ceiling, a choice of tau or r, an error term).
struct Recommendation {
  struct Row {
    std::string label;
    double value = NO_VALUE;
    std::string note;
  };
  std::string id;
  std::string title;
  std::string source;
  std::vector<Row> rows;
  std::vector<std::string> notes;
};

// Numbers as the report prints them: 6 significant digits, "-" for NaN, "inf" for infinity.
std::string number(double x, int precision = 6);

}  // namespace sgdsim::analysis
