// Target: the JSONL ingest reader. Checks: it never throws and always ends (also on lines
// nested 100,000 levels deep, which once overflowed the stack); line numbers increase; a record
// has a non-empty id, valid UTF-8 text, id and title, and metadata that is a JSON object nested
// at most 64 levels (deeper lines are errors); an error has a message.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>
#include <string_view>
#include <variant>

#include "fuzz_util.h"
#include "ingest/jsonl_reader.h"

using namespace strata;
using namespace strata::ingest;

namespace {

// The deepest nesting of arrays and objects in JSON text, strings skipped.
std::size_t nesting(std::string_view json) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(fuzz::as_text(data, size)));
  JsonlReader reader(in);
  std::size_t last_line = 0;
  std::size_t items = 0;
  while (auto item = reader.next()) {
    FUZZ_CHECK(++items <= size + 1, "more items than lines");
    if (const auto* r = std::get_if<JsonlRecord>(&*item)) {
      FUZZ_CHECK(r->line > last_line, "line numbers not increasing");
      last_line = r->line;
      FUZZ_CHECK(!r->id.empty(), "record without an id");
      FUZZ_CHECK(fuzz::is_valid_utf8(r->id) && fuzz::is_valid_utf8(r->text) && fuzz::is_valid_utf8(r->title),
                 "record text not UTF-8");
      const auto meta = nlohmann::json::parse(r->metadata_json, nullptr, false);
      FUZZ_CHECK(meta.is_object(), "metadata not an object: " + r->metadata_json);
      FUZZ_CHECK(nesting(r->metadata_json) <= 64, "metadata nested deeper than 64 levels was accepted");
    } else {
      const auto& e = std::get<JsonlError>(*item);
      FUZZ_CHECK(e.line > last_line, "line numbers not increasing");
      last_line = e.line;
      FUZZ_CHECK(!e.message.empty(), "error without a message");
    }
  }
  return 0;
}
