#pragma once
// Static checks of a migration's SQL text that need no database.
#include <string>
#include <vector>

#include "migrate/driver.h"
#include "migrate/migration.h"

namespace strata::migrate {

struct LintFinding {
  // All: unfilled-backfill (a `migrate diff` placeholder still in the file). SQLite: pragma-in-transaction | unbalanced-transaction | destructive. PostgreSQL:
  // not-in-transaction | unbalanced-transaction | foreign-keys-option |
  // index-without-concurrently | volatile-default | not-null-without-default | rename |
  // destructive | parse-error. MySQL: not-in-transaction | unbalanced-transaction | parse-error |
  // foreign-keys-option | alter-without-algorithm | not-null-without-default | rename | destructive.
  std::string code;
  bool error = false;
  std::size_t line = 0;
  std::string message;
  std::string file;  // the section's file: the .down.sql of a golang-migrate pair for its down
};

// Both: what the run plan refuses (run_plan.h: a statement that cannot run in a transaction among
// others in a wrapped section, PRAGMA foreign_keys inside the file's own BEGIN...COMMIT, a BEGIN
// never committed, foreign_keys:off on PostgreSQL) is an error, as `up` refuses it.
// SQLite: DROP TABLE / DROP COLUMN as destructive. Comments and string literals are skipped.
// PostgreSQL: warnings for what locks or rewrites a table already in use: CREATE INDEX without CONCURRENTLY, ADD COLUMN with a volatile default, ADD COLUMN ... NOT
// NULL without a default, renames, drops. MySQL: warnings for ALTER TABLE and CREATE INDEX on a
// table already in use without ALGORITHM= (the server may copy the table and block writes), ADD
// COLUMN ... NOT NULL without a default (existing rows get the type's implicit default), renames,
// drops and TRUNCATE. A table created earlier in the same migration is new, so none of the
// warnings apply to it.
std::vector<LintFinding> lint_migration(const Migration& m, DriverKind dialect = DriverKind::sqlite);

}  // namespace strata::migrate
