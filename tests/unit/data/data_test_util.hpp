// Test helpers for the data loaders: temporary files written by a test, and the message of an expected error.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace sgdsim::test {

// A file with the given content in the temp folder, removed when the object goes. The name holds the process id:
// ctest may run test cases (processes) in parallel.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& content)
      : path_(std::filesystem::temp_directory_path() / ("sgdsim_" + std::to_string(::getpid()) + "_" + name)) {
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // The "<file>:<line>: " prefix that a loader error about `line` of this file starts with.
  std::string at(int line) const { return path_.string() + ":" + std::to_string(line) + ": "; }

 private:
  std::filesystem::path path_;
};

// Runs f, which must throw E; returns the message ("" and a failed check when it does not throw E).
template <class E, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  FAIL_CHECK("expected exception was not thrown");
  return "";
}

inline std::filesystem::path fixture(const char* name) {
  return std::filesystem::path(SGDSIM_SOURCE_DIR) / "tests/unit/data/fixtures" / name;
}

}  // namespace sgdsim::test
