// Shared by the fuzz targets: the libFuzzer entry point, and the input written to a file for the file loaders.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "sgdsim/core/scenario/preflight.hpp"
#include "sgdsim/core/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace sgdsim::fuzz {

// A file of this process holding `text` (the loaders read files); rewritten for every input.
inline const std::filesystem::path& write_input(const std::string& text, const char* extension) {
  static const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("sgdsim-fuzz-" + std::to_string(::getpid()) + extension);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
  return file;
}

// The memory guard the loaders consult: a small run on data `source` (the JSON of problem.data), against 1 GB.
inline const MemoryGuard& loader_guard(const std::string& source) {
  static const Scenario scenario =
      parse_scenario(R"({"problem": {"objective": "logistic", "data": )" + source + R"(}, "cluster": {"workers": 4},
                        "algorithm": {"name": "sync_sgd", "step_size": 1}, "stop": {"iterations": 10}})");
  static const MemoryGuard guard(scenario, Placement::ALL_RANKS, {1e9, "fuzz"});
  return guard;
}

// A broken invariant of a parser's output: a real bug, which the fuzzer must see as a crash.
inline void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace sgdsim::fuzz
