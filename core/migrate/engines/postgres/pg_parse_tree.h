#pragma once
// PostgreSQL's own parser (libpg_query: the server's grammar, PostgreSQL 15's on Debian 12) over
// a section's text: each statement's parse tree, as the JSON libpg_query writes, with where the
// statement starts. Lint reads these trees instead of guessing from words.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace strata::migrate {

struct ParsedStatement {
  std::size_t offset = 0;  // first byte of the statement in the text given (comments before it skipped)
  std::size_t length = 0;
  nlohmann::json tree;     // {"AlterTableStmt": {...}}: one node, keyed by its type
  bool parsed = true;      // false: the parser did not read it (tree is null)
};

struct ParsedSection {
  std::vector<ParsedStatement> statements;
  std::size_t unparsed = 0;                // statements the parser did not read
  std::optional<std::size_t> first_error;  // offset of the first of them
  std::string error;                       // and the parser's message for it
};

// Parses `sql`. When the whole text does not parse (a psql command, syntax newer than the
// parser's), it is split with strata's own splitter and each statement parsed alone, so one
// statement the parser does not know costs only that statement. `${NAME}` placeholders (envsub)
// are read as identifiers of the same length.
ParsedSection parse_postgres(std::string_view sql);

// A node's type ("AlterTableStmt") and its fields; an empty object for anything else.
std::string_view node_type(const nlohmann::json& node);
const nlohmann::json& node_fields(const nlohmann::json& node);
// The member `key` of `fields`; an empty object when there is none (never a copy).
const nlohmann::json& member(const nlohmann::json& fields, const char* key);

}  // namespace strata::migrate
