// The CUDA entry points in a build without CUDA: every one that would touch a device throws NotCompiled.
#include "cuda_api.hpp"
#include "network_api.hpp"
#include "sgdsim/error.hpp"

namespace {
[[noreturn]] void not_compiled() {
  SGDSIM_THROW(sgdsim::NotCompiled,
               "CUDA kernels are not compiled into this build (configure with -DSGDSIM_WITH_CUDA=ON)");
}
}  // namespace

namespace sgdsim::kernels::cuda_api {

// Never defined: no state is ever created without CUDA.
template <class T>
struct DeviceState;

bool compiled() noexcept { return false; }
bool device_available() noexcept { return false; }

template <class T>
DeviceState<T>* upload(const HostData<T>&, int) {
  not_compiled();
}
template <class T>
void release(DeviceState<T>*) noexcept {}
template <class T>
double sums(DeviceState<T>*, std::int64_t, const std::int64_t*, std::int64_t, const T*, double*) {
  not_compiled();
}
double time_device_copy(std::int64_t, int) { not_compiled(); }
template <class T>
double time_sums(DeviceState<T>*, std::int64_t, const T*, int) {
  not_compiled();
}

template DeviceState<float>* upload<float>(const HostData<float>&, int);
template DeviceState<double>* upload<double>(const HostData<double>&, int);
template void release<float>(DeviceState<float>*) noexcept;
template void release<double>(DeviceState<double>*) noexcept;
template double sums<float>(DeviceState<float>*, std::int64_t, const std::int64_t*, std::int64_t, const float*,
                            double*);
template double sums<double>(DeviceState<double>*, std::int64_t, const std::int64_t*, std::int64_t, const double*,
                             double*);
template double time_sums<float>(DeviceState<float>*, std::int64_t, const float*, int);
template double time_sums<double>(DeviceState<double>*, std::int64_t, const double*, int);

}  // namespace sgdsim::kernels::cuda_api

namespace sgdsim::kernels::network_api {

// Never defined: no state is ever created without CUDA.
template <class T>
struct NetworkState;

template <class T>
NetworkState<T>* upload(const std::int64_t*, int, int, const T*, const std::int32_t*, std::int64_t) {
  not_compiled();
}
template <class T>
void release(NetworkState<T>*) noexcept {}
template <class T>
double run(NetworkState<T>*, std::int64_t, const std::int64_t*, std::int64_t, const T*, T*, std::int32_t*) {
  not_compiled();
}
template <class T>
double time_gradient(NetworkState<T>*, std::int64_t, const T*, int) {
  not_compiled();
}
template <class T>
double time_gemms(NetworkState<T>*, std::int64_t, int) {
  not_compiled();
}

#include "network_api_instances.inc"

}  // namespace sgdsim::kernels::network_api
