#pragma once
// How the run plan (run/run_plan.h) reads a section: each statement's offset and what it is to a
// transaction. Each engine scans its own SQL (its row's scan_statements, engines.h); the words
// and transaction control statements they share are here.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/engines/sql_word.h"

namespace strata::migrate {

enum class StatementRole {
  other,
  begin,             // BEGIN, START TRANSACTION
  end,               // COMMIT, END, ROLLBACK (not ROLLBACK TO a savepoint)
  no_transaction,    // cannot run inside a transaction (VACUUM, CREATE INDEX CONCURRENTLY...)
  foreign_keys_off,  // SQLite's PRAGMA foreign_keys = OFF
  foreign_keys_on,
  implicit_commit,   // the server commits the open transaction around it (MySQL's DDL)
};

struct ScannedStatement {
  std::size_t offset = 0;
  StatementRole role = StatementRole::other;
  std::string what;  // for no_transaction and implicit_commit: the statement's kind as users know it
};

struct StatementScan {
  std::vector<ScannedStatement> statements;
  // Set when the engine's client could not split the section: where, and why (then no statements).
  std::optional<std::size_t> error_offset;
  std::string error;
};

// An engine's scan of a section's SQL; `first_line` is the section's first line in its file.
using ScanStatements = StatementScan (*)(const std::string& sql, std::size_t first_line);

// The first words tell a statement's kind; REINDEX's options may put CONCURRENTLY a few in.
inline constexpr std::size_t k_leading_words = 8;

// Whether w[i] is the unquoted word `word` (upper case).
bool word_is(const std::vector<SqlWord>& w, std::size_t i, std::string_view word);

// BEGIN / COMMIT / END / ROLLBACK as statements of their own (not ROLLBACK TO a savepoint, not
// the prepared-transaction forms, not the BEGIN of a trigger body, which is inside CREATE).
StatementRole transaction_control(const std::vector<SqlWord>& w);

// The words of one statement as standard SQL quotes them ('strings', "identifiers", -- and /* */
// comments, $$ bodies): the lexer of PostgreSQL's splitter, which defines it
// (engines/postgres/postgres_splitter.cpp); SQLite's scan reads its statements with it too.
std::vector<SqlWord> sql_words(std::string_view sql, std::size_t max_words = static_cast<std::size_t>(-1));

}  // namespace strata::migrate
