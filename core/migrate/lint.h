#pragma once
// Static checks of a migration's SQL text that need no database.
#include <string>
#include <vector>

#include "migrate/driver.h"
#include "migrate/migration.h"

namespace strata::migrate {

struct LintFinding {
  // SQLite: pragma-in-transaction | destructive. PostgreSQL: not-in-transaction |
  // index-without-concurrently | volatile-default | not-null-without-default | rename |
  // destructive | parse-error.
  std::string code;
  bool error = false;
  std::size_t line = 0;
  std::string message;
};

// SQLite: flags PRAGMA and VACUUM in a transactional section (SQLite ignores or refuses them
// there), and DROP TABLE / DROP COLUMN as destructive. Comments and string literals are skipped.
// PostgreSQL: statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY, VACUUM, ...)
// in a transactional section are errors; warnings for what locks or rewrites a table already in
// use: CREATE INDEX without CONCURRENTLY, ADD COLUMN with a volatile default, ADD COLUMN ... NOT
// NULL without a default, renames, drops. A table created earlier in the same migration is new,
// so none of the warnings apply to it.
std::vector<LintFinding> lint_migration(const Migration& m, DriverKind dialect = DriverKind::sqlite);

}  // namespace strata::migrate
