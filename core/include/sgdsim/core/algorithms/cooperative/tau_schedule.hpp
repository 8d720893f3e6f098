// τ schedules of the model-averaging family: how many local steps each averaging round takes (constant, an explicit
// list, linear growth, or ADA-LUPA's loss rule, eq. (11) of Haddadpour et al., NeurIPS 2019).
#pragma once

#include <cstdint>
#include <vector>

namespace sgdsim {

struct TauSchedule {
  enum class Kind { CONSTANT, LIST, LINEAR, LOSS };
  Kind kind = Kind::CONSTANT;
  int tau0 = 1;           // the constant τ, or τ0 of LINEAR and LOSS
  std::vector<int> taus;  // LIST: τ_0, τ_1, …; after the last, the last repeats
  double alpha = 0;       // LINEAR: τ_i = ⌈(1 + iα)τ0⌉
  int rounds = 0;         // LINEAR: E when α was solved from it (0: α was given)

  static TauSchedule constant(int tau) { return {Kind::CONSTANT, tau, {}, 0, 0}; }
  // The round lengths depend on the run (LOSS): tau() does not apply, loss_rule_tau() does.
  bool needs_loss() const { return kind == Kind::LOSS; }
  // τ of round i = 0, 1, … (CONSTANT, LIST, LINEAR; LOSS: τ0, the length of round 0).
  std::int64_t tau(std::int64_t round) const;
};

// Eq. (11): τ_i = ⌈(F(x̄₀) / F(x̄ᵢ))^(1/3)⌉ · τ0, with F of the averaged model at the start (f0) and after round i (fi).
// A ratio below 1 (the loss went up) gives τ0; a non-finite ratio (fi not finite) gives τ0 too; fi ≤ 0 < f0, an
// exactly solved problem, gives `cap`, as does any τ above it.
std::int64_t loss_rule_tau(double f0, double fi, int tau0, std::int64_t cap);

// α for E rounds over T iterations: the α at which Σ_{i<E} (1 + iα)τ0 = T, i.e. 2(T − Eτ0) / (τ0·E(E−1)); the
// ceilings then cover T (the last round is cut at T, and if the ceilings cover T earlier the run has fewer rounds).
// 0 when E·τ0 already covers T.
double solve_linear_alpha(int tau0, int rounds, std::int64_t iterations);

}  // namespace sgdsim
