// Reading a scenario's JSON with errors that name the JSON path: the toolkit of the scenario parser, public so that an
// algorithm (built in or registered from outside) reads its own keys of the `algorithm` object the same way.
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace sgdsim::config {

using json = nlohmann::json;
// The resolved scenario keeps the key order of SCENARIO.md, so it is written with an insertion-ordered object.
using ordered_json = nlohmann::ordered_json;
using Names = std::vector<std::string_view>;

constexpr std::int64_t INT64_MAX_V = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t INT_MAX_V = std::numeric_limits<int>::max();

// Errors: ConfigError("<path>: <message>"), e.g. "scenario.algorithm.tau: must be an integer >= 1, got 0".
[[noreturn]] void fail(const std::string& path, const std::string& message);
[[noreturn]] void fail_got(const std::string& path, const std::string& expected, const json& got);
std::string describe(const json& value);  // a short rendering of a value for "got ..."
std::string join(const Names& names);     // "a, b, c"

// Typed values. Integers must be integral (3 and 3.0 are accepted, 3.5 is not); numbers must be finite.
enum class Bound { ANY, POSITIVE, NON_NEGATIVE, UNIT_INTERVAL };
std::int64_t read_int(const json& v, const std::string& path, std::int64_t lo, std::int64_t hi,
                      const std::string& expected = {});
int read_int32(const json& v, const std::string& path, int lo, int hi = static_cast<int>(INT_MAX_V),
               const std::string& expected = {});
double read_number(const json& v, const std::string& path, Bound bound);
std::string read_string(const json& v, const std::string& path, const std::string& expected = "must be a string");
bool read_bool(const json& v, const std::string& path);
// The index of the value in `names`.
std::size_t read_choice(const json& v, const std::string& path, const Names& names);

// A JSON object with its path. A key whose value is null counts as absent, so that an override such as
// --set cluster.compute.straggling=null removes an optional key again.
class Object {
 public:
  // Fails with "<path>: must be an object, got ..." when `value` is not an object.
  Object(const json& value, std::string path);

  const std::string& path() const { return path_; }
  const json& value() const { return *value_; }
  std::string at(std::string_view key) const { return path_ + "." + std::string(key); }
  const json* get(std::string_view key) const;  // nullptr when absent
  bool has(std::string_view key) const { return get(key) != nullptr; }
  const json& require(std::string_view key, const std::string& expected) const;
  Object object(std::string_view key) const;  // a present key whose value must be an object

  // Every present key must be in `allowed`; otherwise "<path>.<key>: unknown key[ <context>] (expected one of ...)".
  void check_keys(const Names& allowed, const std::string& context = {}) const;

  // Optional keys with their defaults.
  int int32_or(std::string_view key, int fallback, int lo, int hi = static_cast<int>(INT_MAX_V)) const;
  double number_or(std::string_view key, double fallback, Bound bound) const;
  bool bool_or(std::string_view key, bool fallback) const;

 private:
  const json* value_;
  std::string path_;
};

}  // namespace sgdsim::config

namespace sgdsim {

// One key of a registered algorithm or model, for the listings and the unknown-key check.
struct KeyDoc {
  std::string name;
  std::string default_value;  // as a user would write it, or "required"
  std::string description;
};

}  // namespace sgdsim
