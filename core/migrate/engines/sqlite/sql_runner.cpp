#include "migrate/engines/sqlite/sql_runner.h"

#include <sqlite3.h>

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

[[noreturn]] void throw_at(const Section& section, std::size_t offset, const std::string& message) {
  // A function or syntax that newer SQLite has is the usual cause when another tool (dbmate
  // bundles its own SQLite) applied the same file: the hint says so and names the version.
  throw Error(ExitCode::migration_failed, section.file + ":" + location(section, offset) + ": " + message,
              newer_sqlite_hint(message, sqlite_version()).value_or(""));
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

std::vector<std::size_t> statement_offsets(std::string_view sql) {
  std::vector<std::size_t> offsets;
  std::string pending;
  std::size_t statement_start = 0;
  std::size_t pos = 0;
  while (pos < sql.size()) {
    const std::size_t semi = sql.find(';', pos);
    const std::size_t end = semi == std::string_view::npos ? sql.size() : semi + 1;
    pending.append(sql.substr(pos, end - pos));
    pos = end;
    if (sqlite3_complete(pending.c_str()) != 0 || pos == sql.size()) {
      const std::size_t first = skip_space_and_comments(pending, 0);
      if (first < pending.size() && pending.substr(first) != ";") offsets.push_back(statement_start + first);
      statement_start = pos;
      pending.clear();
    }
  }
  return offsets;
}

}  // namespace strata::migrate
