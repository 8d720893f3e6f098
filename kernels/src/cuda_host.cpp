// The C++20 side of the CUDA kernels: cuda::Resident and the one-shot cuda::loss_grad, on top of the C++17 entry
// points of cuda/cuda_api.hpp (the real kernels, or the stub that throws NotCompiled in a build without CUDA).
#include <vector>

#include "common.hpp"
#include "cuda_api.hpp"

namespace sgdsim::kernels {

namespace cuda {

template <class T>
struct Resident<T>::Impl {
  Loss loss;
  T l2;
  Data<T> shape;  // rows/cols for argument checks; the host data is not read after construction
  cuda_api::DeviceState<T>* state = nullptr;
  std::vector<double> sums;  // reused across calls

  ~Impl() { cuda_api::release(state); }
};

template <class T>
Resident<T>::Resident(Loss loss, T l2, const Data<T>& data) : impl_(std::make_unique<Impl>()) {
  impl_->loss = loss;
  impl_->l2 = l2;
  impl_->shape = data;
  cuda_api::HostData<T> host;
  host.labels = data.labels;
  host.rows = data.rows();
  host.cols = data.cols();
  if (const auto* m = std::get_if<Dense<T>>(&data.features)) {
    host.values = m->values;
  } else {
    const auto& c = std::get<Csr<T>>(data.features);
    host.values = c.values;
    host.row_ptr = c.row_ptr;
    host.col_index = c.col_index;
  }
  if (host.rows > 0 && host.labels == nullptr) SGDSIM_THROW(ConfigError, "kernels: data without labels");
  impl_->state =
      cuda_api::upload(host, loss == Loss::LOGISTIC ? cuda_api::LOSS_LOGISTIC : cuda_api::LOSS_LEAST_SQUARES);
  impl_->sums.resize(std::size_t(host.cols));
}

template <class T>
Resident<T>::~Resident() = default;

template <class T>
T Resident<T>::loss_grad(SampleSet rows, std::span<const T> x, std::span<T> grad) {
  detail::check_args(impl_->shape, rows, x.size(), grad.size());
  const std::int64_t count = rows.size();
  double* sums = grad.empty() ? nullptr : impl_->sums.data();
  const double total = cuda_api::sums(impl_->state, rows.is_list ? 0 : rows.begin,
                                      rows.is_list ? rows.index.data() : nullptr, count, x.data(), sums);
  const double inv = count > 0 ? 1.0 / double(count) : 0.0;
  const double l2 = double(impl_->l2);
  double norm2 = 0.0;
  for (const T v : x) norm2 += double(v) * double(v);
  for (std::size_t j = 0; j < grad.size(); ++j) grad[j] = T(impl_->sums[j] * inv + l2 * double(x[j]));
  return T(total * inv + 0.5 * l2 * norm2);
}

template <class T>
T loss_grad(Loss loss, const Data<T>& data, SampleSet rows, std::span<const T> x, T l2, std::span<T> grad) {
  Resident<T> resident(loss, l2, data);
  return resident.loss_grad(rows, x, grad);
}

template class Resident<float>;
template class Resident<double>;
template float loss_grad<float>(Loss, const Data<float>&, SampleSet, std::span<const float>, float, std::span<float>);
template double loss_grad<double>(Loss, const Data<double>&, SampleSet, std::span<const double>, double,
                                  std::span<double>);

}  // namespace cuda

bool cuda_compiled() { return cuda_api::compiled(); }
bool cuda_device_available() { return cuda_api::device_available(); }

}  // namespace sgdsim::kernels
