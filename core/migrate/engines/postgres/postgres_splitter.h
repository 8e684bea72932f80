#pragma once
// Splits PostgreSQL migration SQL into statements the way psql does, without a server:
// semicolons inside 'strings' (with '' doubling), E'escape\'d strings', "quoted identifiers",
// dollar-quoted bodies ($$ ... $$, $tag$ ... $tag$), -- comments, nested /* */ comments and
// SQL-standard BEGIN ATOMIC ... END function bodies do not end a statement.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/engines/sql_word.h"

namespace strata::migrate {

// A word or one of the punctuation marks ( ) , . of a statement, as lint reads it, pointing into
// the split text: no copy, no case folding. For a quoted identifier, `text` is what lies between
// the quotes (a quote inside still doubled).
struct SqlToken {
  std::string_view text;
  bool quoted = false;

  // An unquoted word equal to `keyword` (given in upper case), ignoring case.
  bool is(std::string_view keyword) const;
  // The word upper-cased; a quoted identifier as written (its doubled quotes made single).
  std::string upper() const;
};

struct SqlStatement {
  std::size_t offset = 0;  // first byte of the statement (after leading blanks and comments)
  std::size_t length = 0;  // up to and excluding the terminating ';'
  // Its tokens, SplitResult::tokens[first_token, end_token), when they were asked for.
  std::size_t first_token = 0;
  std::size_t end_token = 0;
};

struct SplitResult {
  std::vector<SqlStatement> statements;  // statements holding only comments are left out
  // With Tokens::keep, every statement's tokens, in order (one vector for the whole text).
  std::vector<SqlToken> tokens;
  // Set when a quote, dollar quote or comment is never closed: where it opened, and what it is.
  std::optional<std::size_t> error_offset;
  std::string error;
};

enum class Tokens { drop, keep };

// With Tokens::keep, lint gets each statement's tokens from the pass that splits, rather than
// lexing every statement a second time. The tokens point into `sql`, which must outlive them.
SplitResult split_postgres(std::string_view sql, Tokens tokens = Tokens::drop);

// The words of one statement (for lint). Punctuation other than '(' ')' ',' '.' is dropped; those
// come through as one-character words so that lint can find the end of a column definition and
// the parts of a qualified name.
// At most `max_words` (the first ones), for callers that look only at how a statement begins.
std::vector<SqlWord> postgres_words(std::string_view sql, std::size_t max_words = static_cast<std::size_t>(-1));

}  // namespace strata::migrate
