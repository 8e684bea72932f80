#pragma once
// Static checks of a migration's SQL text that need no database.
#include <string>
#include <vector>

#include "migrate/migration.h"

namespace strata::migrate {

struct LintFinding {
  std::string code;  // pragma-in-transaction | destructive
  bool error = false;
  std::size_t line = 0;
  std::string message;
};

// Flags PRAGMA and VACUUM in a transactional section (SQLite ignores or refuses them there),
// and DROP TABLE / DROP COLUMN as destructive. Comments and string literals are skipped.
std::vector<LintFinding> lint_migration(const Migration& m);

}  // namespace strata::migrate
