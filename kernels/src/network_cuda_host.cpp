// The C++20 side of the cuBLAS networks: cuda::ResidentNetwork on top of the C++17 entry points of
// cuda/network_api.hpp (the real ones, or the stub that throws NotCompiled in a build without CUDA).
#include <vector>

#include "network_api.hpp"
#include "network_common.hpp"

namespace sgdsim::kernels::cuda {

template <class T>
struct ResidentNetwork<T>::Impl {
  NetworkShape shape;
  T l2;
  std::int64_t rows = 0;
  network_api::NetworkState<T>* state = nullptr;

  ~Impl() { network_api::release(state); }
};

template <class T>
ResidentNetwork<T>::ResidentNetwork(const NetworkShape& shape, T l2, const Data<T>& data)
    : impl_(std::make_unique<Impl>()) {
  const Dense<T> features = network_detail::dense_features(shape, data);
  network_detail::check_labels(shape, data);
  impl_->shape = shape;
  impl_->l2 = l2;
  impl_->rows = features.rows;
  std::vector<std::int32_t> labels(static_cast<std::size_t>(features.rows));
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::int32_t>(data.labels[i]);
  const int activation =
      shape.activation == Activation::RELU ? network_api::ACTIVATION_RELU : network_api::ACTIVATION_TANH;
  impl_->state = network_api::upload(shape.widths.data(), shape.layers(), activation, features.values, labels.data(),
                                     features.rows);
}

template <class T>
ResidentNetwork<T>::~ResidentNetwork() = default;

template <class T>
T ResidentNetwork<T>::loss_grad(SampleSet rows, std::span<const T> x, std::span<T> grad,
                                std::span<std::int32_t> predicted) {
  network_detail::check_call(impl_->shape, impl_->rows, rows, x.size(), grad.size(), predicted.size());
  const double total = network_api::run(impl_->state, rows.is_list ? 0 : rows.begin,
                                        rows.is_list ? rows.index.data() : nullptr, rows.size(), x.data(),
                                        grad.empty() ? nullptr : grad.data(),
                                        predicted.empty() ? nullptr : predicted.data());
  return network_detail::finish(total, rows.size(), impl_->l2, x, grad);
}

template <class T>
double ResidentNetwork<T>::time_gradient(std::int64_t count, std::span<const T> x, int repetitions) {
  network_detail::check_call(impl_->shape, impl_->rows, SampleSet::range(0, 0), x.size(), 0, 0);
  return network_api::time_gradient(impl_->state, count, x.data(), repetitions);
}

template <class T>
double ResidentNetwork<T>::time_gemms(std::int64_t count, int repetitions) {
  return network_api::time_gemms(impl_->state, count, repetitions);
}

template class ResidentNetwork<float>;
template class ResidentNetwork<double>;

}  // namespace sgdsim::kernels::cuda
