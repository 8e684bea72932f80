#pragma once
// PostgreSQL's own parser (libpg_query: the server's grammar, PostgreSQL 15's on Debian 12) over
// a section's text: each statement's parse tree, as the JSON libpg_query writes, with where the
// statement starts. Lint reads these trees instead of guessing from words.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace strata::migrate {

struct ParsedStatement {
  std::size_t offset = 0;  // first byte of the statement in the text given (comments before it skipped)
  std::size_t length = 0;
  nlohmann::json tree;     // {"AlterTableStmt": {...}}: one node, keyed by its type
};

// Statements of one kind that lint did not read: how many, where the first starts and why.
struct UnreadStatements {
  std::size_t count = 0;
  std::size_t first = 0;  // offset in the text given
  std::string why;        // for the first
};

struct ParseOutcome {
  UnreadStatements unparsed;       // the parser does not read them (a psql command, newer syntax)
  UnreadStatements beyond_limits;  // nested deeper, or longer, than lint reads
};

// What lint reads of one statement: its tree (as libpg_query's JSON) at most this deep. A
// PostgreSQL server (max_stack_depth 2MB) ran every statement tried up to 20,000 levels and
// refused every one beyond 30,000 (`1+1+...` of 4,500 terms, 9,000 levels, already), so what a
// migration can run is linted; the walkers of the tree (lint's own) recurse once a level.
inline constexpr std::size_t k_max_tree_depth = 32768;
// Longer statements are not parsed: libpg_query's stack and its JSON grow with the statement
// (70 bytes of JSON per byte of `1+1+...`), and what lint looks for is not in a long INSERT.
inline constexpr std::size_t k_max_parsed_statement = std::size_t{256} << 10;

// Parses `sql` and hands `each` every statement the parser reads, in order, one tree at a time:
// statements are parsed in batches of up to 64 KiB (strata's splitter cuts them), each batch's
// trees freed before the next, so memory follows the largest batch, not the file. When a batch
// does not parse (a psql command, syntax newer than the parser's, a statement beyond the
// limits), each of its statements is parsed alone, so one statement costs only itself.
// `${NAME}` placeholders (envsub) are read as identifiers of the same length. The parser and
// `each` run on a thread of their own with a stack sized for the limits (common/large_stack.h).
ParseOutcome parse_postgres(std::string_view sql, const std::function<void(const ParsedStatement&)>& each);

// A node's type ("AlterTableStmt") and its fields; an empty object for anything else.
std::string_view node_type(const nlohmann::json& node);
const nlohmann::json& node_fields(const nlohmann::json& node);
// The member `key` of `fields`; an empty object when there is none (never a copy).
const nlohmann::json& member(const nlohmann::json& fields, const char* key);

}  // namespace strata::migrate
