// Networks on the CPU with Eigen: every layer of a chunk of rows is a GEMM (rows as the columns of the activation
// matrices), forward and backward, cut into fixed blocks; the network's shape and the argument checks shared with the
// CUDA version.
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <string>

#include "network_common.hpp"

namespace sgdsim::kernels {

std::int64_t NetworkShape::weight_offset(int layer) const {
  std::int64_t offset = 0;
  for (int l = 0; l < layer; ++l) offset += (widths[l] + 1) * widths[l + 1];
  return offset;
}

std::int64_t NetworkShape::parameters() const { return weight_offset(layers()); }

void NetworkShape::check() const {
  if (widths.size() < 2) SGDSIM_THROW(ConfigError, "network: needs at least an input and an output width");
  for (const std::int64_t w : widths) {
    if (w < 1) SGDSIM_THROW(ConfigError, "network: layer width " + std::to_string(w) + " is not positive");
  }
  if (widths.back() < 2) SGDSIM_THROW(ConfigError, "network: needs at least 2 classes");
}

namespace cpu {
namespace {

// Columns of one block of a split product. Left to itself, Eigen splits a large product over the OpenMP threads with
// a blocking that depends on their number, and the last bits of the result with it; the products here are instead
// cut into blocks of this fixed width, each one product computed on one thread (inside a parallel region Eigen does
// not split further), so every value comes out the same for any thread count (issue 15, item 12).
constexpr std::int64_t BLOCK = 32;

// body(begin, width) for the blocks [begin, begin + width) of [0, count), spread over the OpenMP threads.
template <class Body>
void for_blocks(std::int64_t count, const Body& body) {
  const std::int64_t blocks = (count + BLOCK - 1) / BLOCK;
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < blocks; ++i) body(i * BLOCK, std::min(BLOCK, count - i * BLOCK));
}

}  // namespace

template <class T>
struct Network<T>::Impl {
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  using ConstMap = Eigen::Map<const Mat>;

  NetworkShape shape;
  T l2;
  Dense<T> features;
  const T* labels = nullptr;
  // Buffers reused across calls (sized on first use): gathered input rows, hidden activations (hidden[l] is the
  // output of layer l), logits, and the back-propagated errors of the current layer and of the one below it.
  Mat input;
  std::vector<Mat> hidden;
  Mat logits;
  Mat delta;
  Mat below;
};

template <class T>
Network<T>::Network(const NetworkShape& shape, T l2, const Data<T>& data) : impl_(std::make_unique<Impl>()) {
  impl_->shape = shape;
  impl_->l2 = l2;
  impl_->features = network_detail::dense_features(shape, data);
  impl_->labels = data.labels;
  network_detail::check_labels(shape, data);
  impl_->hidden.resize(static_cast<std::size_t>(shape.layers()));
}

template <class T>
Network<T>::~Network() = default;

template <class T>
T Network<T>::loss_grad(SampleSet rows, std::span<const T> x, std::span<T> grad, std::span<std::int32_t> predicted) {
  using Mat = typename Impl::Mat;
  using Vec = typename Impl::Vec;
  using ConstMap = typename Impl::ConstMap;
  Impl& s = *impl_;
  const NetworkShape& shape = s.shape;
  network_detail::check_call(shape, s.features.rows, rows, x.size(), grad.size(), predicted.size());
  const int layers = shape.layers();
  const std::int64_t d = shape.widths.front();
  const std::int64_t classes = shape.widths.back();
  const std::int64_t n = rows.size();
  const bool want_grad = !grad.empty();
  std::fill(grad.begin(), grad.end(), T(0));
  // Each sample's share of the mean, folded into the output error so that the GEMMs accumulate the mean directly.
  const T scale = n > 0 ? T(1) / T(n) : T(0);

  double total = 0.0;
  for (std::int64_t c0 = 0; c0 < n; c0 += network_detail::CHUNK) {
    const std::int64_t b = std::min(network_detail::CHUNK, n - c0);
    // The chunk's rows as the columns of a d × b matrix: a contiguous range is the data itself (row-major rows are
    // column-major columns); an index list is gathered.
    const T* in = nullptr;
    if (rows.is_list) {
      s.input.resize(d, b);
      for (std::int64_t j = 0; j < b; ++j) {
        std::copy_n(s.features.values + rows.row(c0 + j) * d, d, s.input.data() + j * d);
      }
      in = s.input.data();
    } else {
      in = s.features.values + (rows.begin + c0) * d;
    }
    const ConstMap h0(in, d, b);

    for (int l = 0; l < layers; ++l) {
      const std::int64_t out = shape.widths[l + 1];
      const ConstMap w(x.data() + shape.weight_offset(l), out, shape.widths[l]);
      const Eigen::Map<const Vec> bias(x.data() + shape.bias_offset(l), out);
      Mat& z = l + 1 == layers ? s.logits : s.hidden[l];
      z.resize(out, b);
      for_blocks(b, [&](std::int64_t j, std::int64_t width) {
        if (l == 0) {
          z.middleCols(j, width).noalias() = w * h0.middleCols(j, width);
        } else {
          z.middleCols(j, width).noalias() = w * s.hidden[l - 1].middleCols(j, width);
        }
      });
      z.colwise() += bias;
      if (l + 1 == layers) break;
      // Activations in place: their derivatives are functions of the activations (ReLU: h > 0, tanh: 1 − h²).
      if (shape.activation == Activation::RELU) {
        z = z.cwiseMax(T(0));
      } else {
        z = z.array().tanh().matrix();
      }
    }

    // Softmax cross-entropy per row (in double: C terms per row), and the output error (p − e_y)/|S|.
    if (want_grad) s.delta.resize(classes, b);
    for (std::int64_t j = 0; j < b; ++j) {
      const T* z = s.logits.data() + j * classes;
      const auto y = static_cast<std::int64_t>(s.labels[rows.row(c0 + j)]);
      std::int64_t best = 0;
      for (std::int64_t c = 1; c < classes; ++c) {
        if (z[c] > z[best]) best = c;
      }
      const double top = double(z[best]);
      double sum = 0.0;
      for (std::int64_t c = 0; c < classes; ++c) sum += std::exp(double(z[c]) - top);
      total += std::log(sum) + top - double(z[y]);
      if (!predicted.empty()) predicted[static_cast<std::size_t>(c0 + j)] = static_cast<std::int32_t>(best);
      if (want_grad) {
        T* e = s.delta.data() + j * classes;
        for (std::int64_t c = 0; c < classes; ++c) e[c] = T(std::exp(double(z[c]) - top) / sum) * scale;
        e[y] -= scale;
      }
    }
    if (!want_grad) continue;

    for (int l = layers - 1; l >= 0; --l) {
      const std::int64_t out = shape.widths[l + 1];
      const std::int64_t in_width = shape.widths[l];
      Eigen::Map<Mat> gw(grad.data() + shape.weight_offset(l), out, in_width);
      Eigen::Map<Vec> gb(grad.data() + shape.bias_offset(l), out);
      // Blocks of the gradient's columns: each value sums over all the chunk's rows in one product.
      for_blocks(in_width, [&](std::int64_t i, std::int64_t width) {
        if (l == 0) {
          gw.middleCols(i, width).noalias() += s.delta * h0.middleRows(i, width).transpose();
        } else {
          gw.middleCols(i, width).noalias() += s.delta * s.hidden[l - 1].middleRows(i, width).transpose();
        }
      });
      gb += s.delta.rowwise().sum();
      if (l == 0) break;
      const ConstMap w(x.data() + shape.weight_offset(l), out, in_width);
      s.below.resize(in_width, b);
      for_blocks(b, [&](std::int64_t j, std::int64_t width) {
        s.below.middleCols(j, width).noalias() = w.transpose() * s.delta.middleCols(j, width);
      });
      const Mat& h = s.hidden[l - 1];
      if (shape.activation == Activation::RELU) {
        s.below = (h.array() > T(0)).select(s.below, T(0));
      } else {
        s.below.array() *= T(1) - h.array().square();
      }
      std::swap(s.delta, s.below);
    }
  }
  return network_detail::finish(total, n, s.l2, x, grad);
}

template class Network<float>;
template class Network<double>;

}  // namespace cpu
}  // namespace sgdsim::kernels
