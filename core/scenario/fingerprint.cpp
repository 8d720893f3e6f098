// Scenario fingerprints: the resolved JSON with CRC-32s of the data files, and the first path where two differ.
#include "sgdsim/core/scenario/fingerprint.hpp"

#include <algorithm>
#include <boost/crc.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "sgdsim/error.hpp"

namespace sgdsim {
namespace {

using json = nlohmann::ordered_json;

std::string crc32_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) SGDSIM_THROW(DataError, path + ": cannot read");
  boost::crc_32_type crc;
  std::vector<char> buffer(std::size_t{1} << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    crc.process_bytes(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) SGDSIM_THROW(DataError, path + ": read error");
  char text[16];
  std::snprintf(text, sizeof text, "%08x", crc.checksum());
  return text;
}

std::string shown(const json* v) {
  if (v == nullptr) return "(absent)";
  std::string text = v->dump();
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

// The path of the first difference between a and b under `path`, with both values; nothing if equal.
std::optional<std::string> difference(const json* a, const json* b, const std::string& path) {
  if (a == nullptr || b == nullptr || a->type() != b->type()) return path + ": " + shown(a) + " against " + shown(b);
  if (a->is_object()) {
    // a's keys in a's order, then the keys only b has.
    for (const auto& [key, value] : a->items()) {
      const auto it = b->find(key);
      if (auto d = difference(&value, it == b->end() ? nullptr : &*it, path + "." + key)) return d;
    }
    for (const auto& [key, value] : b->items())
      if (!a->contains(key)) return path + "." + key + ": " + shown(nullptr) + " against " + shown(&value);
    return std::nullopt;
  }
  if (a->is_array()) {
    for (std::size_t i = 0; i < std::max(a->size(), b->size()); ++i) {
      const json* x = i < a->size() ? &(*a)[i] : nullptr;
      const json* y = i < b->size() ? &(*b)[i] : nullptr;
      if (auto d = difference(x, y, path + "[" + std::to_string(i) + "]")) return d;
    }
    return std::nullopt;
  }
  if (*a != *b) return path + ": " + shown(a) + " against " + shown(b);
  return std::nullopt;
}

}  // namespace

std::string scenario_fingerprint(const Scenario& scenario) {
  json doc = json::parse(scenario.resolved_json);
  // Every file a rank reads its data from: the training data and the test set, in any format.
  const std::pair<const char*, const char*> files[] = {{"libsvm", "path"}, {"csv", "path"}, {"idx", "images"},
                                                        {"idx", "labels"}};
  for (const char* source : {"data", "test"}) {
    if (!doc["problem"].contains(source)) continue;
    auto& data = doc["problem"][source];
    for (const auto& [format, key] : files) {
      if (!data.contains(format)) continue;
      auto& path = data[format][key];
      path = path.get<std::string>() + " (crc32 " + crc32_of_file(path.get<std::string>()) + ")";
    }
  }
  return doc.dump();
}

std::string first_difference(const std::string& a, const std::string& b) {
  if (a == b) return {};
  const json x = json::parse(a);
  const json y = json::parse(b);
  return difference(&x, &y, "scenario").value_or(std::string());
}

}  // namespace sgdsim
