// Reading JSON text safely: nesting depth and number range checked before parsing, errors as origin:line:column.
// Includes nlohmann/json (core and the command line build with it; the installed package does not need it otherwise).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace sgdsim {

// The deepest nesting of arrays and objects accepted in any JSON sgdsim reads (a scenario is depth 1, its deepest key
// about 5). Much deeper documents would overflow the stack in nlohmann's recursive copy, dump and comparison.
constexpr int MAX_JSON_DEPTH = 64;

// Throws ConfigError "<origin>:<line>:<column>: ..." when `text` nests arrays and objects deeper than MAX_JSON_DEPTH
// or holds a number too large for a double (1e400). The syntax itself is left to the parser.
void check_json_text(std::string_view text, const std::string& origin);

// check_json_text, then the parse: invalid JSON (syntax, invalid UTF-8 in a string) is a ConfigError naming
// <origin>:<line>:<column> too.
nlohmann::json parse_json_text(std::string_view text, const std::string& origin);

// The offset of the first byte of `text` that is not part of valid UTF-8, or std::string_view::npos.
std::size_t invalid_utf8_at(std::string_view text);

}  // namespace sgdsim
