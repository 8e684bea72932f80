#include "migrate/engines/sqlite/sqlite_features.h"

#include <sqlite3.h>

#include <array>
#include <charconv>

namespace strata::migrate {
namespace {

struct Feature {
  std::string_view name;  // function name; for syntax, the token SQLite's message quotes
  bool prefix;            // name is a prefix (jsonb_*)
  int minor;              // first 3.x release that has it
  std::string_view what;  // how the hint names it; empty: "name()"
};

// Functions added after 3.40 (SQLite's release history, sqlite.org/changes.html). A function
// absent here because it is older than 3.40 fails for another reason (a typo, an extension
// not loaded), which this hint must not paper over.
constexpr std::array<Feature, 12> k_functions = {{
    {"unhex", false, 41, {}},
    {"json_error_position", false, 42, {}},
    {"octet_length", false, 43, {}},
    {"timediff", false, 43, {}},
    {"concat_ws", false, 44, {}},
    {"concat", false, 44, {}},
    {"string_agg", false, 44, {}},
    {"jsonb_", true, 45, {}},  // jsonb_extract, jsonb_set, jsonb_group_array, ...
    {"jsonb", false, 45, {}},
    {"json_pretty", false, 46, {}},
    {"if", false, 48, "if() (an alias of iif())"},
    {"unistr", false, 50, {}},
}};

// Syntax SQLite 3.40 rejects with `near "TOKEN": syntax error` or `unrecognized token: "..."`.
// ORDER in the wrong place is a syntax error too: the hint states what newer SQLite accepts and
// leaves it to the reader, who sees the statement, to tell which it is.
struct Syntax {
  std::string_view message_prefix;
  int minor;
  std::string_view what;
};
constexpr std::array<Syntax, 2> k_syntax = {{
    {"near \"ORDER\": syntax error", 44, "ORDER BY inside an aggregate's arguments (group_concat(x ORDER BY y))"},
    {"unrecognized token: \"", 46, "underscores between digits (1_000_000)"},
}};

// "3.40.1" -> 40; -1 when it is not a 3.x version.
int minor_of(std::string_view version) {
  if (!version.starts_with("3.")) return -1;
  version.remove_prefix(2);
  int minor = -1;
  const auto [end, ec] = std::from_chars(version.data(), version.data() + version.size(), minor);
  if (ec != std::errc{}) return -1;
  return minor;
}

std::string needs(std::string_view what, int minor, std::string_view running) {
  return std::string(what) + " needs SQLite 3." + std::to_string(minor) +
         ".0 or newer; strata uses the system SQLite " + std::string(running);
}

bool all_digits_or_underscores(std::string_view s) {
  bool underscore = false;
  bool digit = false;
  for (const char c : s) {
    if (c == '_') {
      underscore = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c != '.') {
      return false;
    }
  }
  return underscore && digit;
}

}  // namespace

std::string sqlite_version() { return sqlite3_libversion(); }

std::optional<std::string> newer_sqlite_hint(std::string_view message, std::string_view running) {
  const int have = minor_of(running);
  if (have < 0) return std::nullopt;
  constexpr std::string_view k_no_function = "no such function: ";
  if (message.starts_with(k_no_function)) {
    std::string name(message.substr(k_no_function.size()));
    // SQLite names the function as written; its names are case-insensitive.
    for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    for (const Feature& f : k_functions) {
      const bool match = f.prefix ? name.starts_with(f.name) && name.size() > f.name.size() : name == f.name;
      if (!match) continue;
      if (have >= f.minor) return std::nullopt;
      return needs(f.what.empty() ? name + "()" : std::string(f.what), f.minor, running);
    }
    return std::nullopt;
  }
  for (const Syntax& s : k_syntax) {
    if (!message.starts_with(s.message_prefix) || have >= s.minor) continue;
    if (s.minor == 46) {
      // Only a number with underscores in it, not any unrecognized token.
      std::string_view token = message.substr(s.message_prefix.size());
      if (token.ends_with('"')) token.remove_suffix(1);
      if (!all_digits_or_underscores(token)) continue;
    }
    return needs(s.what, s.minor, running);
  }
  return std::nullopt;
}

}  // namespace strata::migrate
