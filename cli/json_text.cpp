#include "json_text.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "common/public.h"

namespace strata::cli {
namespace {

// `valid` (valid UTF-8) escaped as dump() escapes it, without the quotes.
void append_escaped(std::string& out, std::string_view valid) {
  std::string quoted;
  append_json_string(quoted, valid);
  out.append(quoted, 1, quoted.size() - 2);
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  // 0: copy; otherwise the character after the backslash ('u' for \u00XX).
  static constexpr std::array<char, 256> k_escape = [] {
    std::array<char, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] = 'u';
    t['\b'] = 'b';
    t['\t'] = 't';
    t['\n'] = 'n';
    t['\f'] = 'f';
    t['\r'] = 'r';
    t['"'] = '"';
    t['\\'] = '\\';
    return t;
  }();
  static constexpr char k_hex[] = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  // Most text needs no escaping: test eight bytes at a time for a control character, '"' or
  // '\\' (the classic has-zero-byte / has-byte-less-than bit tricks; bytes >= 0x80 never match).
  const auto needs_escape = [](std::uint64_t w) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const auto has_zero = [&](std::uint64_t v) { return (v - ones) & ~v & highs; };
    return ((w - ones * 0x20) & ~w & highs) | has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\'));
  };
  std::size_t from = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i + 8 <= s.size()) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, sizeof word);
      if (needs_escape(word) == 0) {
        i += 7;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(s[i]);
    const char e = k_escape[c];
    if (e == 0) continue;
    out.append(s.data() + from, i - from);
    from = i + 1;
    out += '\\';
    out += e;
    if (e == 'u') {
      out += "00";
      out += k_hex[c >> 4];
      out += k_hex[c & 0xF];
    }
  }
  out.append(s.data() + from, s.size() - from);
  out += '"';
}

void append_json_name(std::string& out, std::string_view s) {
  if (!find_invalid_utf8(s)) {
    append_json_string(out, s);
    return;
  }
  out += '"';
  while (!s.empty()) {
    const std::optional<std::size_t> bad = find_invalid_utf8(s);
    append_escaped(out, s.substr(0, bad.value_or(s.size())));
    if (!bad) break;
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\udc%02x", static_cast<unsigned char>(s[*bad]));
    out += buf;
    s.remove_prefix(*bad + 1);
  }
  out += '"';
}

namespace {

void append(std::string& out, const nlohmann::json& v) {
  if (v.is_string()) {
    append_json_name(out, v.get_ref<const std::string&>());
  } else if (v.is_object()) {
    out += '{';
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!first) out += ',';
      first = false;
      append_json_name(out, it.key());
      out += ':';
      append(out, it.value());
    }
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i > 0) out += ',';
      append(out, v[i]);
    }
    out += ']';
  } else {
    out += v.dump();  // numbers, booleans, null: nothing to escape
  }
}

}  // namespace

std::string json_text(const nlohmann::json& value) {
  std::string out;
  append(out, value);
  return out;
}

}  // namespace strata::cli
