#include "json_text.h"

#include <cstdio>
#include <string_view>

#include "chunk_command.h"
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
