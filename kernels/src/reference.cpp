// Reference kernels: the obvious loops, accumulated in double; the ground truth the other kernels are tested against.
#include <vector>

#include "common.hpp"

namespace sgdsim::kernels::reference {

namespace {

template <class T>
double row_dot(const Dense<T>& m, std::int64_t r, std::span<const T> x) {
  double s = 0.0;
  for (std::int64_t j = 0; j < m.cols; ++j) s += double(m.values[r * m.cols + j]) * double(x[std::size_t(j)]);
  return s;
}
template <class T>
double row_dot(const Csr<T>& m, std::int64_t r, std::span<const T> x) {
  double s = 0.0;
  for (std::int64_t k = m.row_ptr[r]; k < m.row_ptr[r + 1]; ++k) s += double(m.values[k]) * double(x[m.col_index[k]]);
  return s;
}
template <class T>
void row_axpy(const Dense<T>& m, std::int64_t r, double a, std::vector<double>& g) {
  for (std::int64_t j = 0; j < m.cols; ++j) g[std::size_t(j)] += a * double(m.values[r * m.cols + j]);
}
template <class T>
void row_axpy(const Csr<T>& m, std::int64_t r, double a, std::vector<double>& g) {
  for (std::int64_t k = m.row_ptr[r]; k < m.row_ptr[r + 1]; ++k)
    g[std::size_t(m.col_index[k])] += a * double(m.values[k]);
}

}  // namespace

template <class T>
T loss_grad(Loss loss, const Data<T>& data, SampleSet rows, std::span<const T> x, T l2, std::span<T> grad) {
  detail::check_args(data, rows, x.size(), grad.size());
  const std::int64_t count = rows.size();
  std::vector<double> g(x.size(), 0.0);
  double total = 0.0;
  std::visit(
      [&](const auto& m) {
        for (std::int64_t i = 0; i < count; ++i) {
          const std::int64_t r = rows.row(i);
          double deriv = 0.0;
          total += detail::sample_loss(loss, row_dot(m, r, x), double(data.labels[r]), deriv);
          row_axpy(m, r, deriv, g);
        }
      },
      data.features);
  const double inv = count > 0 ? 1.0 / double(count) : 0.0;
  double norm2 = 0.0;
  for (const T v : x) norm2 += double(v) * double(v);
  if (!grad.empty()) {
    for (std::size_t j = 0; j < x.size(); ++j) grad[j] = T(g[j] * inv + double(l2) * double(x[j]));
  }
  return T(total * inv + 0.5 * double(l2) * norm2);
}

template float loss_grad<float>(Loss, const Data<float>&, SampleSet, std::span<const float>, float, std::span<float>);
template double loss_grad<double>(Loss, const Data<double>&, SampleSet, std::span<const double>, double,
                                  std::span<double>);

}  // namespace sgdsim::kernels::reference
