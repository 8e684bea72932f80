#pragma once
// How strata runs one migration section: the one rulebook that `up`, `down`, `redo`, their
// --dry-run, check's replays and lint all read, so that they cannot disagree.
//
// A section runs in one of two ways:
//  - in strata's transaction (the default): BEGIN, the statements, the history row, COMMIT. On
//    SQLite, `-- migrate:up foreign_keys:off` or a `PRAGMA foreign_keys = OFF` statement in the
//    section (SQLite's table-rebuild recipe, which inside a transaction would silently do nothing)
//    switches foreign keys off before BEGIN and runs `PRAGMA foreign_key_check` before COMMIT;
//  - as written, outside any transaction of strata's, when the section says
//    `transaction:false`, when it carries its own transaction control (BEGIN/START TRANSACTION ...
//    COMMIT/END/ROLLBACK, as golang-migrate projects write with x-no-tx-wrap or in PostgreSQL
//    files), or when it is one statement that cannot run inside a transaction
//    (CREATE INDEX CONCURRENTLY, VACUUM, ...), which golang-migrate also runs alone; on MySQL and
//    MariaDB, also when it holds a statement the server commits implicitly (CREATE, ALTER, DROP,
//    RENAME, TRUNCATE, GRANT, ...): a transaction around it would be a promise the server breaks.
//    The history row is written first as `partial` and counts the statements done.
// What cannot run either way (a statement that cannot be in a transaction among others in a
// wrapped section, a PRAGMA foreign_keys inside the file's own BEGIN...COMMIT, a BEGIN never
// committed, foreign_keys:off on PostgreSQL) is a problem: refused before anything runs.
#include <cstddef>
#include <string>
#include <vector>

#include "migrate/engines/driver.h"
#include "migrate/model/migration.h"

namespace strata::migrate {

enum class RunMode { transaction, as_written };

struct PlanProblem {
  std::string code;  // pragma-in-transaction | not-in-transaction | unbalanced-transaction | foreign-keys-option
  std::size_t line = 0;  // in the section's file
  std::string message;
};

struct SectionPlan {
  RunMode mode = RunMode::transaction;
  bool foreign_keys_off = false;  // SQLite: off around the run, checked before COMMIT
  std::string reason;             // why as_written ("transaction:false", "its own BEGIN/COMMIT", ...)
  bool implicit_commit = false;   // MySQL: as_written because the server commits a statement of it
  std::vector<PlanProblem> problems;
  // What runs, but not as the file seems to mean (lint's warnings, never a refusal):
  // pragma-in-transaction (PRAGMA foreign_keys inside the file's own BEGIN, where SQLite ignores
  // it, as golang-migrate's sqlite3 driver runs it) | statements-after-commit.
  std::vector<PlanProblem> warnings;
};

// `up` tells the two sections apart in advice ("-- migrate:up transaction:false").
SectionPlan plan_section(const Section& section, DriverKind kind, bool up);

}  // namespace strata::migrate
