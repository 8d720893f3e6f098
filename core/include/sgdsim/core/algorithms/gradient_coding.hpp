// The gradient-coding family's parameters (uncoded, EGC, AGC, ignore-stragglers GD): a parameter server and k workers
// over a fractional repetition code. Public so that analysis/ can read them and build the family's other members.
#pragma once

#include "sgdsim/core/algorithms/registry.hpp"

namespace sgdsim {

// When the parameter server stops waiting for results in an iteration.
enum class WaitRule {
  ALL,          // every worker (uncoded)
  EVERY_GROUP,  // one finisher in every group of the code (EGC: exact)
  FIRST_R,      // the first r workers (AGC, ignore-stragglers)
};

struct CodingParams : AlgorithmParams {
  const char* algorithm = "uncoded";  // which member of the family
  WaitRule rule = WaitRule::ALL;
  int tasks_per_worker = 1;  // c: partitions per worker, k/c groups
  int wait_for = 0;          // r (k for the rules that do not take it)
  bool rescale = false;      // ignore-stragglers: the sum of r results is rescaled by k/r
  // AGC only (keys stop_when, l2_term; the defaults are the paper's and give today's results):
  bool stop_when_covered = false;  // "r_or_covered": also stop once every group has a result (the authors' code)
  bool full_l2 = false;            // "full": add l2·x in full, not only the covered groups' share (the authors' code)

  static CodingParams uncoded(int k);
  static CodingParams egc(int k, int c);
  static CodingParams agc(int k, int c, int r);
  static CodingParams ignore_stragglers(int k, int r);
};

}  // namespace sgdsim
