// Reading JSON text safely: the depth and number scan before nlohmann's parser, and positioned error messages.
#include "sgdsim/core/scenario/json_text.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

#include "sgdsim/error.hpp"

namespace sgdsim {
namespace {

// "origin:line:column" of the 0-based byte offset `at`.
std::string position(std::string_view text, std::size_t at, const std::string& origin) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return origin + ":" + std::to_string(line) + ":" + std::to_string(column);
}

bool number_char(char c) { return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'; }

}  // namespace

void check_json_text(std::string_view text, const std::string& origin) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > MAX_JSON_DEPTH) {
        SGDSIM_THROW(ConfigError, position(text, i, origin) + ": arrays and objects nested deeper than " +
                                      std::to_string(MAX_JSON_DEPTH) + " levels");
      }
    } else if (c == ']' || c == '}') {
      if (depth > 0) --depth;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t end = i;
      while (end < text.size() && number_char(text[end])) ++end;
      const std::string token(text.substr(i, end - i));
      if (std::isinf(std::strtod(token.c_str(), nullptr))) {
        const std::string shown = token.size() > 40 ? token.substr(0, 37) + "..." : token;
        SGDSIM_THROW(ConfigError, position(text, i, origin) + ": number " + shown +
                                      " is out of range (a double holds magnitudes up to about 1.8e308)");
      }
      i = end - 1;
    }
  }
}

nlohmann::json parse_json_text(std::string_view text, const std::string& origin) {
  check_json_text(text, origin);
  try {
    return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann reports a 1-based byte offset (the character it stopped at); its own text repeats it, so keep only
    // the part after "column N: ".
    std::string detail = e.what();
    auto pos = detail.find("column");
    if (pos != std::string::npos) pos = detail.find(": ", pos);
    if (pos != std::string::npos) detail = detail.substr(pos + 2);
    SGDSIM_THROW(ConfigError, position(text, e.byte > 0 ? e.byte - 1 : 0, origin) + ": invalid JSON: " + detail);
  } catch (const nlohmann::json::exception& e) {
    SGDSIM_THROW(ConfigError, origin + ": invalid JSON: " + e.what());
  }
}

std::size_t invalid_utf8_at(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    unsigned min = 0;  // the smallest code point of this length (longer encodings are invalid)
    unsigned code = 0;
    if (b < 0x80) {
      ++i;
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      length = 2, min = 0x80, code = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      length = 3, min = 0x800, code = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      length = 4, min = 0x10000, code = b & 0x07;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) return i;
      code = (code << 6) | (c & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return i;
    i += length;
  }
  return std::string_view::npos;
}

}  // namespace sgdsim
