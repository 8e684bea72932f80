#include "ingest/jsonl_reader.h"

#include <nlohmann/json.hpp>

#include "common/text.h"

namespace strata::ingest {
namespace {

using Result = std::variant<JsonlRecord, JsonlError>;

std::string kind_of(const nlohmann::json& v) { return v.type_name(); }

// Deeper nesting than any record needs is refused before parsing: serialising metadata nested
// 100,000 levels deep overflowed the stack (a crash, and a core file holding the environment).
constexpr std::size_t kMaxNesting = 64;

// True when the line's arrays and objects nest deeper than kMaxNesting (brackets inside strings
// do not count). One pass, no allocation.
bool nests_too_deep(std::string_view line) {
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (const char c : line) {
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
      if (++depth > kMaxNesting) return true;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return false;
}

Result parse_record(const std::string& line, std::size_t number) {
  if (const std::optional<std::size_t> bad = find_invalid_utf8(line)) {
    return JsonlError{number, {}, "invalid UTF-8 at byte " + std::to_string(*bad + 1) + " of the line"};
  }
  if (nests_too_deep(line)) {
    return JsonlError{number, {}, "nested deeper than " + std::to_string(kMaxNesting) + " levels"};
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception& e) {
    // Not only parse_error: a number too large for a double throws out_of_range.406 (found by
    // fuzzing), and must be a bad line like any other, not the end of the run.
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." → the part users need.
    if (const std::size_t colon = what.find("column"); colon != std::string::npos) {
      what = what.substr(colon);
    } else if (const std::size_t tag = what.find("] "); tag != std::string::npos) {
      what = what.substr(tag + 2);  // "number overflow parsing '1e999'"
    }
    return JsonlError{number, {}, "not valid JSON: " + what};
  }
  if (!j.is_object()) return JsonlError{number, {}, "expected a JSON object, got " + kind_of(j)};
  JsonlRecord r;
  r.line = number;
  const auto id = j.find("id");
  if (id == j.end()) return JsonlError{number, {}, "missing \"id\""};
  if (id->is_string()) {
    r.id = id->get<std::string>();
  } else if (id->is_number_integer()) {
    r.id = id->dump();  // numeric ids are common in exported datasets
  } else {
    return JsonlError{number, {}, "\"id\" must be a string or an integer, got " + kind_of(*id)};
  }
  if (r.id.empty()) return JsonlError{number, {}, "\"id\" is empty"};
  const auto text = j.find("text");
  if (text == j.end()) return JsonlError{number, r.id, "missing \"text\""};
  if (!text->is_string()) return JsonlError{number, r.id, "\"text\" must be a string, got " + kind_of(*text)};
  r.text = text->get<std::string>();
  if (const auto title = j.find("title"); title != j.end() && !title->is_null()) {
    if (!title->is_string()) return JsonlError{number, r.id, "\"title\" must be a string, got " + kind_of(*title)};
    r.title = title->get<std::string>();
  }
  if (const auto meta = j.find("metadata"); meta != j.end() && !meta->is_null()) {
    if (!meta->is_object()) return JsonlError{number, r.id, "\"metadata\" must be an object, got " + kind_of(*meta)};
    r.metadata_json = meta->dump();
  }
  return r;
}

}  // namespace

std::optional<Result> JsonlReader::next() {
  std::string line;
  while (std::getline(in_, line)) {
    ++line_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    return parse_record(line, line_);
  }
  return std::nullopt;
}

}  // namespace strata::ingest
