#include "embed/openai_wire.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "common/json_limits.h"
#include "common/text.h"
#include "common/utf8.h"
#include "embed/json_reader.h"
#include "net/api_key.h"

namespace strata::embed {
namespace {

using nlohmann::json;

ParsedEmbeddings problem(ResponseProblem p, std::string message) {
  ParsedEmbeddings r;
  r.problem = p;
  r.message = std::move(message);
  return r;
}

std::string at(std::size_t i) { return "item " + std::to_string(i); }

// A JSON string literal of UTF-8 `s`: quote, backslash and control characters escaped, the
// rest (UTF-8 included) copied, as JSON allows.
void append_json_string(std::string& out, std::string_view s) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out += '"';
  std::size_t from = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + from, i - from);
    from = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += k_hex[c >> 4];
        out += k_hex[c & 0xF];
    }
  }
  out.append(s.data() + from, s.size() - from);
  out += '"';
}

}  // namespace

std::string embeddings_request_body(std::string_view model, std::span<const std::string_view> inputs,
                                    std::optional<std::size_t> dimensions) {
  std::size_t size = 96 + model.size();
  for (const std::string_view s : inputs) size += s.size() + 8;
  std::string body;
  body.reserve(size);
  body += "{\"model\":";
  append_json_string(body, model);
  body += ",\"input\":[";
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (i > 0) body += ',';
    append_json_string(body, inputs[i]);
  }
  body += "],\"encoding_format\":\"float\"";
  if (dimensions) body += ",\"dimensions\":" + std::to_string(*dimensions);
  body += '}';
  return body;
}

namespace {

struct Item {
  std::optional<long long> index;
  bool index_valid = true;   // present and an integer, or absent
  bool has_embedding = false;
  Vector values;
  std::optional<std::size_t> non_finite_at;  // the first value beyond float32
};

// One element of "data": {"index": i, "embedding": [...], ...}; false when it is not JSON of
// that shape.
bool read_item(JsonReader& r, Item& item, std::size_t capacity) {
  if (!r.begin_object()) return false;
  bool first = true;
  std::string key;
  while (r.next_key(first, key)) {
    if (key == "index") {
      const char c = r.peek();
      long long v = 0;
      if ((c == '-' || (c >= '0' && c <= '9')) && r.read_integer(v)) {
        item.index = v;
      } else {
        item.index_valid = false;
        if (!r.skip_value()) return false;
      }
    } else if (key == "embedding" && r.peek() == '[') {
      item.has_embedding = true;
      item.values.reserve(capacity);
      r.begin_array();
      bool first_value = true;
      while (r.next_element(first_value)) {
        float f = 0;
        const JsonReader::Number n = r.read_float(f);
        if (n == JsonReader::Number::not_a_number) return false;
        if (n == JsonReader::Number::out_of_range && !item.non_finite_at) item.non_finite_at = item.values.size();
        item.values.push_back(f);
      }
    } else if (!r.skip_value()) {
      return false;
    }
  }
  return r.ok();
}

}  // namespace

ParsedEmbeddings parse_embeddings_response(std::string_view body, std::size_t inputs, std::size_t expected_dimensions) {
  JsonReader r(body);
  std::vector<Item> items;
  bool have_data = false;
  bool first = true;
  std::string key;
  if (r.begin_object()) {
    while (r.next_key(first, key)) {
      if (key != "data" || r.peek() != '[') {
        r.skip_value();
        continue;
      }
      have_data = true;
      r.begin_array();
      bool first_item = true;
      while (r.next_element(first_item)) {
        items.emplace_back();
        if (!read_item(r, items.back(), items.size() > 1 ? items.front().values.size() : expected_dimensions)) break;
      }
    }
  }
  if (!r.ok() || !r.at_end()) {
    return problem(ResponseProblem::malformed, "the body is not valid JSON (at byte " + std::to_string(r.offset()) + ")");
  }
  if (!have_data) return problem(ResponseProblem::malformed, "no \"data\" array in the response");
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].has_embedding) return problem(ResponseProblem::malformed, at(i) + " has no \"embedding\" array");
  }
  if (items.size() != inputs) {
    return problem(ResponseProblem::count,
                   std::to_string(items.size()) + " embeddings for " + std::to_string(inputs) + " inputs");
  }
  // Either every item has an index (the order is theirs) or none has (the order is the list's).
  const auto with_index = static_cast<std::size_t>(
      std::count_if(items.begin(), items.end(), [](const Item& it) { return it.index.has_value() || !it.index_valid; }));
  if (with_index != 0 && with_index != items.size()) {
    return problem(ResponseProblem::index, "some items have an \"index\" and some do not");
  }

  ParsedEmbeddings out;
  out.vectors.resize(inputs);
  std::vector<bool> seen(inputs, false);
  std::size_t dims = expected_dimensions;
  for (std::size_t i = 0; i < items.size(); ++i) {
    Item& item = items[i];
    std::size_t slot = i;
    if (with_index != 0) {
      if (!item.index_valid || *item.index < 0 || static_cast<unsigned long long>(*item.index) >= inputs) {
        return problem(ResponseProblem::index, at(i) + " has an index outside 0.." + std::to_string(inputs - 1));
      }
      slot = static_cast<std::size_t>(*item.index);
      if (seen[slot]) return problem(ResponseProblem::index, "index " + std::to_string(slot) + " appears twice");
      seen[slot] = true;
    }
    if (dims == 0) dims = item.values.size();
    if (item.values.size() != dims) {
      const ResponseProblem p = expected_dimensions != 0 ? ResponseProblem::dimensions : ResponseProblem::ragged;
      return problem(p, at(i) + " has " + std::to_string(item.values.size()) + " values, expected " + std::to_string(dims));
    }
    if (dims == 0) return problem(ResponseProblem::dimensions, at(i) + " is an empty vector");
    if (item.non_finite_at) {
      return problem(ResponseProblem::non_finite,
                     at(i) + " value " + std::to_string(*item.non_finite_at) + " is not a finite float32");
    }
    out.vectors[slot] = std::move(item.values);
  }
  return out;
}

std::string safe_line(std::string_view text, std::string_view api_key, std::size_t limit) {
  // The line keeps at most `limit` bytes: reading far past them (a 50 MB error body) would only
  // cost time and memory. What is cut is never shown, so it needs no redaction.
  const std::size_t scan_limit = std::max<std::size_t>(64 * 1024, 4 * limit);
  const bool cut_input = text.size() > scan_limit;
  if (cut_input) text = text.substr(0, scan_limit);
  // Invalid UTF-8 (a plain-text body in another encoding, or garbage) becomes U+FFFD, so the
  // line is always printable text (found by fuzzing).
  std::string s;
  s.reserve(text.size());
  for (auto bad = find_invalid_utf8(text); bad; bad = find_invalid_utf8(text)) {
    s.append(text.substr(0, *bad));
    s += "\xEF\xBF\xBD";
    text.remove_prefix(*bad + 1);
  }
  s.append(text);
  // Every echo of the key sent: whole, or 8+ of its characters in order, across whitespace.
  if (!api_key.empty()) s = net::redact_key_fragments(s, api_key);
  // "sk-" followed by key characters: OpenAI echoes keys half-masked ("sk-abc***xyz").
  for (std::size_t p = s.find("sk-"); p != std::string::npos; p = s.find("sk-", p + 1)) {
    if (p > 0 && (std::isalnum(static_cast<unsigned char>(s[p - 1])) != 0)) continue;
    std::size_t e = p + 3;
    while (e < s.size() && (std::isalnum(static_cast<unsigned char>(s[e])) != 0 || s[e] == '-' || s[e] == '_' || s[e] == '*')) ++e;
    if (e - p < 6) continue;
    s.replace(p, e - p, "[redacted]");
  }
  std::string out;
  out.reserve(std::min(s.size(), limit + 4));
  bool space = false;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > limit) {
    out.resize(utf8_boundary_before(out, limit));
    out += "…";
  } else if (cut_input) {
    out += "…";
  }
  return out;
}

ServerError parse_error_body(std::string_view body, std::string_view api_key) {
  ServerError e;
  // An error body too deep or too large to read is quoted as text, like one that is not JSON.
  const json doc = parse_json_within(body, {.max_depth = 64, .max_bytes = std::size_t{1} << 20}).value;
  const auto text_of = [](const json& j, const char* key) -> std::string {
    if (!j.is_object() || !j.contains(key)) return {};
    const json& v = j[key];
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return {};
    return v.dump();
  };
  if (!doc.is_discarded() && doc.is_object() && doc.contains("error")) {
    const json& err = doc["error"];
    if (err.is_string()) {
      e.message = err.get<std::string>();
    } else {
      e.message = text_of(err, "message");
      e.type = text_of(err, "type");
      e.code = text_of(err, "code");
    }
  } else if (!doc.is_discarded() && doc.is_object() && doc.contains("message")) {
    e.message = text_of(doc, "message");  // TEI and some proxies
  } else if (!doc.is_discarded() && doc.is_object() && doc.contains("detail")) {
    e.message = text_of(doc, "detail");   // FastAPI-based servers
  } else {
    e.message = std::string(body);
  }
  e.message = safe_line(e.message, api_key);
  e.type = safe_line(e.type, api_key, 80);
  e.code = safe_line(e.code, api_key, 80);
  return e;
}

}  // namespace strata::embed
