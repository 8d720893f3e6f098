// What the ranks of a real run compare at start-up: the resolved scenario with the contents of its data files.
#pragma once

#include <string>

#include "sgdsim/core/scenario/scenario.hpp"

namespace sgdsim {

// The resolved scenario JSON, in which the path of each data file it reads (libsvm.path, csv.path, idx.images and
// idx.labels, under problem.data and problem.test) is followed by a CRC-32 of the file's contents:
// "/data/a.svm (crc32 1a2b3c4d)". Two ranks whose files differ under the same path thus differ at that path. Throws
// DataError if a file cannot be read.
std::string scenario_fingerprint(const Scenario& scenario);

// Where two fingerprints (or any two JSON texts) first differ, in document order: "scenario.seed: 1 against 2", with
// "(absent)" for a key only one side has; empty if they are equal.
std::string first_difference(const std::string& a, const std::string& b);

}  // namespace sgdsim
