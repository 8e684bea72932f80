#pragma once
// JSONL documents: one {"id", "text", "title"?, "metadata"?} object per line, read one line at
// a time so a large feed never sits in memory. A bad line is reported with its line number
// and reading goes on.
#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <variant>

namespace strata::ingest {

struct JsonlRecord {
  std::size_t line = 0;
  std::string id;
  std::string text;
  std::string title;                 // empty when absent
  std::string metadata_json = "{}";  // the record's own object
};

struct JsonlError {
  std::size_t line = 0;
  std::string id;       // when the line had one
  std::string message;  // without the file and line, e.g. "\"text\" must be a string"
};

class JsonlReader {
 public:
  explicit JsonlReader(std::istream& in) : in_(in) {}

  // The next record or error; empty at the end. Blank lines are skipped.
  std::optional<std::variant<JsonlRecord, JsonlError>> next();

 private:
  std::istream& in_;
  std::size_t line_ = 0;
};

}  // namespace strata::ingest
