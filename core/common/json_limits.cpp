#include "common/json_limits.h"

#include "common/utf8.h"

namespace strata {
namespace {

// nlohmann's own words, without its tag: "[json.exception.parse_error.101] parse error at line 1,
// column 5: syntax error ..." → "column 5: syntax error ...". Its "last read" quotes the input,
// so the text is cut.
std::string parser_words(const char* what) {
  std::string s = what;
  if (const std::size_t tag = s.find("] "); s.rfind("[json.exception.", 0) == 0 && tag != std::string::npos) {
    s.erase(0, tag + 2);
  }
  if (s.rfind("parse error ", 0) == 0) s.erase(0, 12);
  if (s.rfind("at line 1, ", 0) == 0) s.erase(0, 11);  // one line (a message, a record): the column says it
  constexpr std::size_t k_max = 300;
  if (s.size() > k_max) s = s.substr(0, utf8_boundary_before(s, k_max)) + "…";
  return s;
}

}  // namespace

std::optional<std::string> json_beyond_limits(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) return "larger than " + std::to_string(limits.max_bytes) + " bytes";
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limits.max_depth) return "nested deeper than " + std::to_string(limits.max_depth) + " levels";
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

ParsedJson parse_json_within(std::string_view text, const JsonLimits& limits) {
  ParsedJson out;
  out.value = nlohmann::json(nlohmann::json::value_t::discarded);
  if (text.size() > limits.max_bytes) {
    out.problem = ParsedJson::Problem::too_large;
    out.message = *json_beyond_limits(text, limits);
    return out;
  }
  if (std::optional<std::string> deep = json_beyond_limits(text, limits)) {
    out.problem = ParsedJson::Problem::too_deep;
    out.message = std::move(*deep);
    return out;
  }
  try {
    out.value = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    // Not only parse_error: a number beyond a double throws out_of_range.406.
    out.problem = ParsedJson::Problem::invalid;
    out.message = "not valid JSON: " + parser_words(e.what());
  }
  return out;
}

}  // namespace strata
