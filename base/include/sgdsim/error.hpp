// The one error hierarchy: every error carries the source location that raised it and a message for the user.
#pragma once

#include <stdexcept>
#include <string>

namespace sgdsim {

class Error : public std::runtime_error {
 public:
  Error(const char* file, int line, const std::string& what) : std::runtime_error(what), file_(file), line_(line) {}
  const char* source_file() const noexcept { return file_; }
  int source_line() const noexcept { return line_; }

 private:
  const char* file_;
  int line_;
};

// Bad scenario or command line: the message names the JSON path (or option) and what was expected.
class ConfigError : public Error {
  using Error::Error;
};
// Bad input data: the message names the data file and line.
class DataError : public Error {
  using Error::Error;
};
// A backend that was not compiled into this build (e.g. CUDA kernels without nvcc).
class NotCompiled : public Error {
  using Error::Error;
};
class CudaError : public Error {
  using Error::Error;
};
class MpiError : public Error {
  using Error::Error;
};
// A simulation that did not finish properly (deadlock, actor that did not complete).
class SimulationError : public Error {
  using Error::Error;
};

}  // namespace sgdsim

#define SGDSIM_THROW(Type, message) throw Type(__FILE__, __LINE__, (message))
