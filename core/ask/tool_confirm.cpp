#include "ask/tool_confirm.h"

#include <nlohmann/json.hpp>

#include "common/json_limits.h"
#include "common/utf8.h"
#include "llm/chat_stream.h"
#include "llm/sanitize.h"

namespace strata::ask {
namespace {

using nlohmann::json;

std::string with_commas(std::size_t n) {
  std::string digits = std::to_string(n);
  for (std::size_t at = digits.size(); at > 3; at -= 3) digits.insert(at - 3, ",");
  return digits;
}

// A key as part of a path: plain names as they are, anything else as a JSON string, so that a
// key cannot hold a newline, " = " or a dot that makes it look like other keys.
std::string key_text(const std::string& key) {
  const bool plain = !key.empty() && key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == std::string::npos;
  return plain ? key : json(key).dump(-1, ' ', false, json::error_handler_t::replace);
}

// The value's JSON: whole up to k_max_whole_value_bytes (a string's own bytes: its JSON may be
// longer by its escapes), beyond it cut in the middle to k_max_argument_value_bytes, with its size.
std::string value_text(const json& value) {
  const std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  const std::size_t own = value.is_string() ? value.get_ref<const std::string&>().size() : text.size();
  if (own <= k_max_whole_value_bytes) return text;
  const std::size_t keep = (k_max_argument_value_bytes - 10) / 2;
  const std::size_t head = utf8_boundary_before(text, keep);
  std::size_t tail = text.size() - keep;
  while (tail < text.size() && (static_cast<unsigned char>(text[tail]) & 0xC0) == 0x80) ++tail;
  return text.substr(0, head) + " … " + text.substr(tail) + " (" + with_commas(text.size()) + " bytes)";
}

// Adds the lines of `value` at `path`; false once there are too many or a path is too long.
bool add_lines(const std::string& path, const json& value, ArgumentsShown& out) {
  const bool container = (value.is_object() || value.is_array()) && !value.empty();
  if (!container) {
    if (path.size() > k_max_argument_key_bytes) {
      out.refused = "an argument's name is longer than " + std::to_string(k_max_argument_key_bytes) + " bytes";
      return false;
    }
    if (out.lines.size() == k_max_argument_lines) {
      out.refused = "more than " + std::to_string(k_max_argument_lines) + " arguments to show";
      return false;
    }
    out.lines.push_back(llm::sanitize_for_terminal(path + " = " + value_text(value)));
    out.bytes += out.lines.back().size() + 1;
    if (out.bytes > k_max_shown_bytes) {
      out.refused = "the arguments take more than " + std::to_string(k_max_shown_bytes) +
                    " bytes to show, and a value that could name a path is never cut";
      return false;
    }
    return true;
  }
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (!add_lines(path.empty() ? key_text(key) : path + "." + key_text(key), item, out)) return false;
    }
    return true;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!add_lines(path + "[" + std::to_string(i) + "]", value[i], out)) return false;
  }
  return true;
}

}  // namespace

ArgumentsShown show_arguments(const std::string& arguments) {
  ArgumentsShown out;
  if (arguments.empty()) return out;  // {}: nothing to show
  const ParsedJson parsed =
      parse_json_within(arguments, {.max_depth = k_json_max_depth, .max_bytes = llm::k_max_tool_arguments});
  if (!parsed.ok() || !parsed.value.is_object()) {
    out.refused = parsed.beyond_limits() ? "the arguments are JSON " + parsed.message
                  : parsed.ok()            ? "the arguments are not a JSON object"
                                           : "the arguments are not valid JSON";
    return out;
  }
  if (!add_lines("", parsed.value, out)) out.lines.clear();
  return out;
}

}  // namespace strata::ask
