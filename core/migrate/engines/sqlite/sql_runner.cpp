#include "migrate/engines/sqlite/sql_runner.h"

#include <sqlite3.h>

#include <cctype>
#include <optional>
#include <utility>

#include "common/error.h"
#include "common/text.h"
#include "migrate/engines/sqlite/sqlite_features.h"

namespace strata::migrate {
namespace {

// Skips whitespace and comments, so that an error points at the statement, not at the blank
// lines before it.
std::size_t skip_space_and_comments(std::string_view sql, std::size_t i) {
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const std::size_t eol = sql.find('\n', i);
      i = eol == std::string_view::npos ? sql.size() : eol + 1;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const std::size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  return i;
}

// libSQL (Turso) adds ALTER TABLE ... ALTER COLUMN, which drizzle-kit writes for its `turso`
// dialect: SQLite says only `near "ALTER": syntax error`.
std::optional<std::string> libsql_hint(std::string_view sql, std::size_t offset, const std::string& message) {
  if (message.find("near \"ALTER\"") == std::string::npos || offset >= sql.size()) return std::nullopt;
  const std::string at = to_lower(std::string(sql.substr(offset, 24)));
  if (!at.starts_with("alter column")) return std::nullopt;
  return "ALTER TABLE ... ALTER COLUMN is libSQL's (Turso's) own statement, which SQLite does not have: on SQLite, "
         "rebuild the table (CREATE TABLE __new_t ...; INSERT INTO __new_t SELECT ... FROM t; DROP TABLE t; "
         "ALTER TABLE __new_t RENAME TO t), as drizzle-kit writes for its sqlite dialect";
}

[[noreturn]] void throw_at(const Section& section, std::size_t offset, const std::string& message) {
  // A function or syntax that newer SQLite has is the usual cause when another tool (dbmate
  // bundles its own SQLite) applied the same file: the hint says so and names the version.
  std::optional<std::string> hint = libsql_hint(section.sql, offset, message);
  if (!hint) hint = newer_sqlite_hint(message, sqlite_version());
  throw Error(ExitCode::migration_failed, section.file + ":" + location(section, offset) + ": " + message,
              hint.value_or(""));
}

}  // namespace

std::size_t run_section(sqlite3* db, const Section& section, std::size_t skip,
                        const StatementDone& on_done) {
  const std::string& sql = section.sql;
  const char* const base = sql.c_str();
  const char* tail = base;
  std::size_t index = 0;
  if (skip > 0) {
    // Statements already run are not even prepared: preparing `CREATE TABLE a` fails once a
    // exists.
    const std::vector<std::size_t> offsets = statement_offsets(sql);
    if (skip >= offsets.size()) return offsets.size();
    tail = base + offsets[skip];
    index = skip;
  }
  while (true) {
    const std::size_t start = skip_space_and_comments(sql, static_cast<std::size_t>(tail - base));
    if (start >= sql.size()) break;
    sqlite3_stmt* stmt = nullptr;
    const char* next = nullptr;
    const int rc = sqlite3_prepare_v2(db, base + start, static_cast<int>(sql.size() - start),
                                      &stmt, &next);
    if (rc != SQLITE_OK) {
      const int err_offset = sqlite3_error_offset(db);
      const std::size_t at = err_offset >= 0 ? start + static_cast<std::size_t>(err_offset) : start;
      throw_at(section, at, sqlite3_errmsg(db));
    }
    if (next == base + start) {
      // SQLite reads SQL up to a NUL byte and consumes nothing at one: without this, a NUL in
      // a migration file (valid UTF-8) would be prepared again forever (found by fuzzing).
      throw_at(section, start, "NUL byte in the SQL");
    }
    tail = next;
    if (stmt == nullptr) continue;  // only a comment or ';' was left
    {
      int step = SQLITE_ROW;
      while (step == SQLITE_ROW) step = sqlite3_step(stmt);
      if (step != SQLITE_DONE) {
        const std::string message = sqlite3_errmsg(db);
        sqlite3_finalize(stmt);
        throw_at(section, start, message);
      }
    }
    sqlite3_finalize(stmt);
    if (on_done) on_done(index);
    ++index;
  }
  return index;
}

namespace {

// sqlite3_complete()'s token kinds and state machine (SQLite's complete.c), run once over the
// whole text. Asking sqlite3_complete() at each ';' whether the text so far is a statement reads
// a trigger body or a literal with n semicolons n times: quadratic (a 1 MB trigger took
// minutes). The scanner keeps its state across semicolons instead, so the split is the same in
// one pass.
enum Token : unsigned char { tk_semi, tk_ws, tk_other, tk_explain, tk_create, tk_temp, tk_trigger, tk_end };

constexpr unsigned char k_transition[8][8] = {
    // semi ws other explain create temp trigger end
    {1, 0, 2, 3, 4, 2, 2, 2},  // 0 invalid
    {1, 1, 2, 3, 4, 2, 2, 2},  // 1 start (a statement just ended)
    {1, 2, 2, 2, 2, 2, 2, 2},  // 2 normal
    {1, 3, 3, 2, 4, 2, 2, 2},  // 3 explain
    {1, 4, 2, 2, 2, 4, 5, 2},  // 4 create
    {6, 5, 5, 5, 5, 5, 5, 5},  // 5 trigger (in its body)
    {6, 6, 5, 5, 5, 5, 5, 7},  // 6 semi (in a trigger body)
    {1, 7, 5, 5, 5, 5, 5, 5},  // 7 end (of a trigger body)
};

bool id_char(unsigned char c) { return (c & 0x80) != 0 || std::isalnum(c) != 0 || c == '_' || c == '$'; }

bool word_is(std::string_view word, std::string_view keyword) {
  if (word.size() != keyword.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(word[i])) != keyword[i]) return false;
  }
  return true;
}

Token keyword_token(std::string_view word) {
  if (word_is(word, "create")) return tk_create;
  if (word_is(word, "trigger")) return tk_trigger;
  if (word_is(word, "temp") || word_is(word, "temporary")) return tk_temp;
  if (word_is(word, "end")) return tk_end;
  if (word_is(word, "explain")) return tk_explain;
  return tk_other;
}

// The token at `i` and the offset after it; nullopt for a comment, literal or quoted name left
// open at the end of the text (sqlite3_complete() then says "not complete").
std::optional<std::pair<Token, std::size_t>> next_token(std::string_view sql, std::size_t i) {
  const auto c = static_cast<unsigned char>(sql[i]);
  switch (c) {
    case ';': return std::pair{tk_semi, i + 1};
    case ' ': case '\r': case '\t': case '\n': case '\f': return std::pair{tk_ws, i + 1};
    case '/':
      if (i + 1 >= sql.size() || sql[i + 1] != '*') return std::pair{tk_other, i + 1};
      if (const std::size_t end = sql.find("*/", i + 2); end != std::string_view::npos) return std::pair{tk_ws, end + 2};
      return std::nullopt;
    case '-':
      if (i + 1 >= sql.size() || sql[i + 1] != '-') return std::pair{tk_other, i + 1};
      if (const std::size_t eol = sql.find('\n', i); eol != std::string_view::npos) return std::pair{tk_ws, eol + 1};
      return std::pair{tk_ws, sql.size()};
    case '[':
      if (const std::size_t end = sql.find(']', i + 1); end != std::string_view::npos) return std::pair{tk_other, end + 1};
      return std::nullopt;
    case '`': case '"': case '\'':
      if (const std::size_t end = sql.find(static_cast<char>(c), i + 1); end != std::string_view::npos) {
        return std::pair{tk_other, end + 1};
      }
      return std::nullopt;
    default:
      if (!id_char(c)) return std::pair{tk_other, i + 1};
      std::size_t end = i + 1;
      while (end < sql.size() && id_char(static_cast<unsigned char>(sql[end]))) ++end;
      return std::pair{keyword_token(sql.substr(i, end - i)), end};
  }
}

}  // namespace

std::vector<std::size_t> statement_offsets(std::string_view sql) {
  // sqlite3_complete() reads up to a NUL byte, as the runner's prepare does.
  if (const std::size_t nul = sql.find('\0'); nul != std::string_view::npos) sql = sql.substr(0, nul);
  std::vector<std::size_t> offsets;
  std::size_t statement_start = 0;
  unsigned char state = 0;
  const auto close = [&](std::size_t end) {
    const std::size_t first = skip_space_and_comments(sql.substr(0, end), statement_start);
    if (first < end && sql.substr(first, end - first) != ";") offsets.push_back(first);
    statement_start = end;
    state = 0;
  };
  std::size_t pos = 0;
  while (pos < sql.size()) {
    const auto token = next_token(sql, pos);
    if (!token) break;  // left open to the end: the rest is one (incomplete) statement
    state = k_transition[state][token->first];
    pos = token->second;
    if (token->first == tk_semi && state == 1) close(pos);
  }
  if (statement_start < sql.size()) close(sql.size());
  return offsets;
}

}  // namespace strata::migrate
