// The kernel-vs-reference cases shared by the CPU tests and the CUDA tests (tests/gpu): random data, sample sets that
// are empty, a single row, not a multiple of the block sizes, the full set, and index lists with duplicates.
#pragma once

#include <doctest/doctest.h>

#include <span>
#include <string>

#include "random_data.hpp"

namespace sgdsim::test {

// kernel(loss, data, rows, x, l2, grad) has the contract of kernels::reference::loss_grad.
template <class T, class Kernel>
void check_against_reference(Kernel kernel, kernels::Loss loss, const RandomData<T>& d, kernels::SampleSet rows,
                             std::uint64_t seed) {
  const auto x = random_vector<T>(d.cols, seed, 0.5);
  const T l2 = T(0.01);
  std::vector<T> g_ref(std::size_t(d.cols));
  std::vector<T> g(std::size_t(d.cols), T(123));  // garbage on input: the kernel must overwrite every entry
  const T f_ref = kernels::reference::loss_grad<T>(loss, d.view(), rows, x, l2, g_ref);
  const T f = kernel(loss, d.view(), rows, std::span<const T>(x), l2, std::span<T>(g));
  CHECK(relative_error(double(f), double(f_ref)) <= tolerance<T>());
  CHECK(relative_error(g, g_ref) <= tolerance<T>());
  // Loss only (empty grad): same value.
  const T f_only = kernel(loss, d.view(), rows, std::span<const T>(x), l2, std::span<T>());
  CHECK(relative_error(double(f_only), double(f_ref)) <= tolerance<T>());
}

template <class T, class Kernel>
void check_all_sample_sets(Kernel kernel, const RandomData<T>& d, kernels::Loss loss, std::uint64_t seed) {
  using kernels::SampleSet;
  const std::int64_t n = d.rows;
  const auto list = random_index(77, n, seed + 1);
  const auto single = std::vector<std::int64_t>{n - 1};
  const auto none = std::vector<std::int64_t>{};
  const std::vector<std::pair<std::string, SampleSet>> sets = {
      {"empty range", SampleSet::range(5, 5)},
      {"single row", SampleSet::range(n - 1, n)},
      {"67 rows", SampleSet::range(3, 70)},
      {"all rows", SampleSet::range(0, n)},
      {"index list with duplicates", SampleSet::list(list)},
      {"single index", SampleSet::list(single)},
      {"empty list", SampleSet::list(none)},
  };
  for (const auto& [name, rows] : sets) {
    CAPTURE(name);
    check_against_reference<T>(kernel, loss, d, rows, seed + 7);
  }
}

// Dense and CSR (with empty rows), both losses, a row count that is not a multiple of any block size.
template <class T, class Kernel>
void check_kernel(Kernel kernel, std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
  for (const auto loss : {kernels::Loss::LOGISTIC, kernels::Loss::LEAST_SQUARES}) {
    CAPTURE(int(loss));
    const auto dense = random_dense<T>(rows, cols, loss, seed);
    check_all_sample_sets<T>(kernel, dense, loss, seed);
    const auto csr = random_csr<T>(rows, cols, 0.2, loss, seed + 3);
    check_all_sample_sets<T>(kernel, csr, loss, seed);
  }
}

}  // namespace sgdsim::test
