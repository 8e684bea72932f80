#pragma once
// Static checks of a migration's SQL text that need no database: the rules every engine shares
// and the engine's own (its row's lint_section, engines/engines.h).
#include <filesystem>
#include <string>
#include <vector>

#include "migrate/check/finding.h"
#include "migrate/engines/driver.h"
#include "migrate/engines/lint_rules.h"
#include "migrate/model/migration.h"

namespace strata::migrate {

// Both: what the run plan refuses (run_plan.h: a statement that cannot run in a transaction among
// others in a wrapped section, a BEGIN never committed, foreign_keys:off on PostgreSQL) is an
// error, as `up` refuses it; what it runs but warns of (PRAGMA foreign_keys inside the file's own
// BEGIN...COMMIT, statements after the file's own COMMIT) is a warning.
// SQLite: DROP TABLE / DROP COLUMN as destructive. Comments and string literals are skipped.
// PostgreSQL: warnings for what locks or rewrites a table already in use: CREATE INDEX without CONCURRENTLY, ADD COLUMN with a volatile default, ADD COLUMN ... NOT
// NULL without a default, renames, drops. MySQL: warnings for ALTER TABLE and CREATE INDEX on a
// table already in use without ALGORITHM= (the server may copy the table and block writes), ADD
// COLUMN ... NOT NULL without a default (existing rows get the type's implicit default), renames,
// drops and TRUNCATE. A table created earlier in the same migration is new, so none of the
// warnings apply to it.
// `context.memory`, when given, carries what earlier migrations made into this one's rules (lint
// the migrations in the order they run); `context.up` is ignored: both sections are linted.
// A warning is silenced by a comment naming its code and a reason (an error is not: it is what
// `up` refuses), on the statement's first line or on the lines just above it:
//   -- strata:ignore set-not-null the table is empty in every environment
// Without a reason the comment silences nothing and is itself a warning (ignore-without-reason).
std::vector<LintFinding> lint_migration(const Migration& m, DriverKind dialect = k_default_engine,
                                        const LintContext& context = {});

// A lint finding as check reports it: an error or warning of exit class 3 (invalid input), or
// info that never counts. `version` and `file` name where it stands ("" when none); the finding's
// own file, when it has one (a golang-migrate down's .down.sql), wins over `file`.
Finding to_finding(const LintFinding& f, std::string version, std::string file);

}  // namespace strata::migrate
