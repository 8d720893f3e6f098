// Reading typed JSON values with errors that name the JSON path (see config.hpp).
#include "sgdsim/core/scenario/config.hpp"

#include <algorithm>
#include <cmath>

#include "sgdsim/error.hpp"

namespace sgdsim::config {

std::string describe(const json& v) {
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

void fail(const std::string& path, const std::string& message) { SGDSIM_THROW(ConfigError, path + ": " + message); }

void fail_got(const std::string& path, const std::string& expected, const json& got) {
  fail(path, expected + ", got " + describe(got));
}

std::string join(const Names& names) {
  std::string out;
  for (auto name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

namespace {

std::string int_expectation(std::int64_t lo, std::int64_t hi) {
  if (hi == INT64_MAX_V || hi == INT_MAX_V) return "must be an integer >= " + std::to_string(lo);
  return "must be an integer between " + std::to_string(lo) + " and " + std::to_string(hi);
}

}  // namespace

std::int64_t read_int(const json& v, const std::string& path, std::int64_t lo, std::int64_t hi,
                      const std::string& expected) {
  const std::string expect = expected.empty() ? int_expectation(lo, hi) : expected;
  std::int64_t n = 0;
  if (v.is_number_unsigned()) {
    auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX_V)) fail_got(path, expect, v);
    n = static_cast<std::int64_t>(u);
  } else if (v.is_number_integer()) {
    n = v.get<std::int64_t>();
  } else if (v.is_number_float()) {
    double d = v.get<double>();
    if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) >= 9.2e18) fail_got(path, expect, v);
    n = static_cast<std::int64_t>(d);
  } else {
    fail_got(path, expect, v);
  }
  if (n < lo || n > hi) fail_got(path, expect, v);
  return n;
}

int read_int32(const json& v, const std::string& path, int lo, int hi, const std::string& expected) {
  return static_cast<int>(read_int(v, path, lo, hi, expected));
}

double read_number(const json& v, const std::string& path, Bound bound) {
  static constexpr const char* EXPECT[] = {"must be a number", "must be a number > 0", "must be a number >= 0",
                                           "must be a number in (0, 1]"};
  const char* expect = EXPECT[static_cast<int>(bound)];
  if (!v.is_number()) fail_got(path, expect, v);
  double d = v.get<double>();
  bool ok = std::isfinite(d);
  switch (bound) {
    case Bound::ANY:
      break;
    case Bound::POSITIVE:
      ok = ok && d > 0.0;
      break;
    case Bound::NON_NEGATIVE:
      ok = ok && d >= 0.0;
      break;
    case Bound::UNIT_INTERVAL:
      ok = ok && d > 0.0 && d <= 1.0;
      break;
  }
  if (!ok) fail_got(path, expect, v);
  return d;
}

std::string read_string(const json& v, const std::string& path, const std::string& expected) {
  if (!v.is_string() || v.get_ref<const std::string&>().empty()) fail_got(path, expected, v);
  return v.get<std::string>();
}

bool read_bool(const json& v, const std::string& path) {
  if (!v.is_boolean()) fail_got(path, "must be a boolean", v);
  return v.get<bool>();
}

std::size_t read_choice(const json& v, const std::string& path, const Names& names) {
  const std::string expect = "must be one of " + join(names);
  if (!v.is_string()) fail_got(path, expect, v);
  const auto& s = v.get_ref<const std::string&>();
  auto it = std::find(names.begin(), names.end(), std::string_view(s));
  if (it == names.end()) fail_got(path, expect, v);
  return static_cast<std::size_t>(it - names.begin());
}

Object::Object(const json& value, std::string path) : value_(&value), path_(std::move(path)) {
  if (!value.is_object()) fail_got(path_, "must be an object", value);
}

const json* Object::get(std::string_view key) const {
  auto it = value_->find(key);
  if (it == value_->end() || it->is_null()) return nullptr;
  return &*it;
}

const json& Object::require(std::string_view key, const std::string& expected) const {
  const json* v = get(key);
  if (v == nullptr) fail(at(key), "is required (" + expected + ")");
  return *v;
}

Object Object::object(std::string_view key) const { return Object(require(key, "an object"), at(key)); }

void Object::check_keys(const Names& allowed, const std::string& context) const {
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    if (it->is_null()) continue;  // absent
    if (std::find(allowed.begin(), allowed.end(), std::string_view(it.key())) == allowed.end()) {
      fail(at(it.key()), "unknown key" + (context.empty() ? "" : " " + context) + " (expected one of " + join(allowed) +
                             ")");
    }
  }
}

int Object::int32_or(std::string_view key, int fallback, int lo, int hi) const {
  const json* v = get(key);
  return v ? read_int32(*v, at(key), lo, hi) : fallback;
}

double Object::number_or(std::string_view key, double fallback, Bound bound) const {
  const json* v = get(key);
  return v ? read_number(*v, at(key), bound) : fallback;
}

bool Object::bool_or(std::string_view key, bool fallback) const {
  const json* v = get(key);
  return v ? read_bool(*v, at(key)) : fallback;
}

}  // namespace sgdsim::config
