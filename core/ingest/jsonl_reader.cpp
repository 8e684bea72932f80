#include "ingest/jsonl_reader.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "common/json_limits.h"
#include "common/text.h"

namespace strata::ingest {
namespace {

using Result = std::variant<JsonlRecord, JsonlError>;

std::string kind_of(const nlohmann::json& v) { return v.type_name(); }

// Deeper nesting than any record needs is refused before parsing: serialising metadata nested
// 100,000 levels deep overflowed the stack (a crash, and a core file holding the environment).
constexpr JsonLimits kRecordLimits{.max_depth = 64, .max_bytes = std::numeric_limits<std::size_t>::max()};

Result parse_record(const std::string& line, std::size_t number) {
  if (const std::optional<std::size_t> bad = find_invalid_utf8(line)) {
    return JsonlError{number, {}, "invalid UTF-8 at byte " + std::to_string(*bad + 1) + " of the line"};
  }
  ParsedJson parsed = parse_json_within(line, kRecordLimits);
  if (!parsed.ok()) return JsonlError{number, {}, parsed.message};
  const nlohmann::json j = std::move(parsed.value);
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
