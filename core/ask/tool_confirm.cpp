#include "ask/tool_confirm.h"

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/json_limits.h"
#include "common/utf8.h"
#include "llm/chat_stream.h"
#include "llm/sanitize.h"

namespace strata::ask {
namespace {

using nlohmann::json;

// Written front to back: GCC 12 takes std::string::insert in a loop for an overlapping copy
// (-Wrestrict).
std::string with_commas(std::size_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// The markers' brackets: a value that holds them shows them escaped, so that only strata writes
// a marker.
constexpr std::string_view k_open = "\u00ab";   // «
constexpr std::string_view k_close = "\u00bb";  // »

// Characters a terminal would act on or draw misleadingly, shown as JSON escapes: C0 and C1
// controls, DEL, the bidirectional controls (which reorder what follows), the markers' own.
bool escaped_code_point(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x00AB ||
         cp == 0x00BB || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF;
}

// One character of a JSON string's text: as JSON writes it, with the characters above escaped.
void escape_into(std::string_view character, char32_t cp, std::string& out) {
  switch (cp) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\n': out += "\\n"; return;
    case '\t': out += "\\t"; return;
    case '\r': out += "\\r"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    default: break;
  }
  if (!escaped_code_point(cp)) {
    out += character;
    return;
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += k_hex[(cp >> shift) & 0xFu];
}

std::string escaped(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Step step = utf8_decode(text.substr(i));
    if (step.status != Utf8Status::ok) {
      out += "\\ufffd";  // never raw: a broken sequence can start an escape on some terminals
      i += step.length;
      continue;
    }
    escape_into(text.substr(i, step.length), step.code_point, out);
    i += step.length;
  }
  return out;
}

// A value's shown text, in pieces that are never split (a character's escape, a run's marker):
// ends[k] is where piece k ends in `text` and in the value's own bytes.
struct Pieces {
  std::string text;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ends;
  std::size_t source = 0;  // the value's own bytes so far

  void add(std::string_view shown, std::size_t source_bytes) {
    text += shown;
    source += source_bytes;
    ends.emplace_back(static_cast<std::uint32_t>(text.size()), static_cast<std::uint32_t>(source));
  }
};

constexpr std::size_t k_max_unit = 8;
constexpr std::size_t k_min_run_bytes = 16;
constexpr std::size_t k_min_repeats = 3;

// The run that starts at `i`, when one does: its unit's length and how many times it repeats.
std::pair<std::size_t, std::size_t> run_at(std::string_view s, std::size_t i) {
  std::size_t best_length = 0, best_repeats = 0;
  for (std::size_t length = 1; length <= k_max_unit && i + length <= s.size(); ++length) {
    // A unit is whole characters: it may not end inside one.
    if (i + length < s.size() && is_utf8_continuation(static_cast<unsigned char>(s[i + length]))) continue;
    const std::string_view unit = s.substr(i, length);
    std::size_t repeats = 1;
    while (i + (repeats + 1) * length <= s.size() && s.substr(i + repeats * length, length) == unit) ++repeats;
    if (repeats >= k_min_repeats && repeats * length >= k_min_run_bytes && repeats * length > best_length * best_repeats) {
      best_length = length;
      best_repeats = repeats;
    }
  }
  return {best_length, best_repeats};
}

void add_counted(std::string_view s, Pieces& out) {
  for (std::size_t i = 0; i < s.size();) {
    if (const auto [length, repeats] = run_at(s, i); repeats > 0) {
      out.add(std::string(k_open) + "\"" + escaped(s.substr(i, length)) + "\" × " + with_commas(repeats) + std::string(k_close),
              length * repeats);
      i += length * repeats;
      continue;
    }
    const Utf8Step step = utf8_decode(s.substr(i));
    const std::size_t n = step.status == Utf8Status::ok ? step.length : 1;
    out.add(escaped(s.substr(i, n)), n);
    i += n;
  }
}

Pieces pieces_of(const json& value) {
  Pieces p;
  if (!value.is_string()) {
    const std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    for (const char c : text) p.add(std::string_view(&c, 1), 1);
    return p;
  }
  p.add("\"", 0);
  add_counted(value.get_ref<const std::string&>(), p);
  p.add("\"", 0);
  return p;
}

// `p` cut in the middle to about `limit` bytes: its first and last pieces around a marker that
// says how many of the value's own bytes are not shown.
std::string cut_in_middle(const Pieces& p, std::size_t limit) {
  if (p.text.size() <= limit) return p.text;
  const std::size_t keep = limit / 2 - 12;
  std::size_t head = 0;  // pieces [0, head) shown
  while (head < p.ends.size() && p.ends[head].first <= keep) ++head;
  std::size_t tail = p.ends.size();  // pieces [tail, end) shown
  const auto start_of = [&](std::size_t k) { return k == 0 ? std::uint32_t{0} : p.ends[k - 1].first; };
  while (tail > head && p.text.size() - start_of(tail - 1) <= keep) --tail;
  const std::size_t head_bytes = head == 0 ? 0 : p.ends[head - 1].first;
  const std::size_t head_source = head == 0 ? 0 : p.ends[head - 1].second;
  const std::size_t tail_source = tail == 0 ? 0 : p.ends[tail - 1].second;
  return p.text.substr(0, head_bytes) + std::string(k_open) + with_commas(tail_source - head_source) + " bytes cut" +
         std::string(k_close) + p.text.substr(start_of(tail));
}

// A key as part of a path: plain names as they are, anything else as a JSON string, so that a
// key cannot hold a newline, " = " or a dot that makes it look like other keys.
std::string key_text(const std::string& key) {
  const bool plain = !key.empty() && key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == std::string::npos;
  return plain ? key : "\"" + escaped(key) + "\"";
}

// Words in an argument's name that say it names where the call acts.
constexpr std::array<std::string_view, 14> k_place_words = {"path", "file", "dir",  "folder", "dest", "target", "url",
                                                            "uri",  "cwd",  "root", "location", "link", "href", "repo"};

bool place_name(const std::string& key) {
  std::string lower;
  for (const char c : key) lower += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  for (const std::string_view w : k_place_words) {
    if (lower.find(w) != std::string::npos) return true;
  }
  return false;
}

// One line that holds a '/' or a '\', or starts with '~' (blanks around it aside): a path or a
// URL, whatever the argument is called.
bool looks_like_place(const std::string& text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n\v\f");
  if (first == std::string::npos) return false;
  const std::size_t last = text.find_last_not_of(" \t\r\n\v\f");
  const std::string_view core = std::string_view(text).substr(first, last - first + 1);
  if (core.find_first_of("\r\n") != std::string_view::npos) return false;
  return core.front() == '~' || core.find_first_of("/\\") != std::string_view::npos;
}

struct Collected {
  std::vector<std::string> others;
  std::vector<std::string> places;
  std::size_t place_bytes = 0;
  std::size_t bytes = 0;
  std::string refused;
};

// Adds the line of a value that is not a container; false when the call is refused.
bool add_line(const std::string& path, const std::string& name, const json& value, Collected& out) {
  if (path.size() > k_max_argument_key_bytes) {
    out.refused = "an argument's name is longer than " + std::to_string(k_max_argument_key_bytes) + " bytes";
    return false;
  }
  if (out.others.size() + out.places.size() == k_max_argument_lines) {
    out.refused = "more than " + std::to_string(k_max_argument_lines) + " arguments to show";
    return false;
  }
  const Pieces p = pieces_of(value);
  const bool place = value.is_string() && (place_name(name) || looks_like_place(value.get_ref<const std::string&>()));
  if (place && p.text.size() > k_max_place_bytes) {
    out.refused = "the argument " + path + " names a path or an address and takes more than " +
                  with_commas(k_max_place_bytes) + " bytes to show (repeats counted), and such a value is never cut";
    return false;
  }
  std::string line = llm::sanitize_for_terminal(path + " = " + (place ? p.text : cut_in_middle(p, k_max_argument_value_bytes)));
  out.bytes += line.size() + 1;
  if (place) out.place_bytes += line.size() + 1;
  (place ? out.places : out.others).push_back(std::move(line));
  if (out.place_bytes > k_max_places_bytes) {
    out.refused = "the paths and addresses take more than " + with_commas(k_max_places_bytes) +
                  " bytes to show, and such a value is never cut";
    return false;
  }
  if (out.bytes > k_max_shown_bytes) {
    out.refused = "the arguments take more than " + with_commas(k_max_shown_bytes) + " bytes to show";
    return false;
  }
  return true;
}

// Adds the lines of `value` at `path` (`name`: the last key on the way, for an array's items
// too); false once the call is refused.
bool add_lines(const std::string& path, const std::string& name, const json& value, Collected& out) {
  const bool container = (value.is_object() || value.is_array()) && !value.empty();
  if (!container) return add_line(path, name, value, out);
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (!add_lines(path.empty() ? key_text(key) : path + "." + key_text(key), key, item, out)) return false;
    }
    return true;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!add_lines(path + "[" + std::to_string(i) + "]", name, value[i], out)) return false;
  }
  return true;
}

}  // namespace

std::string count_runs(std::string_view text) {
  Pieces p;
  add_counted(text, p);
  return p.text;
}

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
  Collected c;
  if (!add_lines("", "", parsed.value, c)) {
    out.refused = std::move(c.refused);
    return out;
  }
  out.lines = std::move(c.others);
  out.places = c.places.size();
  for (std::string& line : c.places) out.lines.push_back(std::move(line));
  out.bytes = c.bytes;
  return out;
}

}  // namespace strata::ask
