#pragma once
// SQLite's row of the engine table (engines.h): a database file, opened by path.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/engines/driver.h"
#include "migrate/engines/lint_rules.h"
#include "migrate/engines/statement_scan.h"
#include "migrate/schema/ddl_writer.h"

namespace strata::migrate {

// open_driver's contract (driver.h) for a SQLite file: a write takes the flock migration lock;
// read-only and dry-run connections refuse other files (a dry run of a file not there yet
// works on an empty in-memory database).
std::unique_ptr<Driver> open_sqlite(const Endpoint& endpoint, Access access, const std::string& table,
                                    std::chrono::milliseconds lock_timeout);
// An empty in-memory database that refuses other files (`server` is not used).
std::unique_ptr<Driver> open_sqlite_scratch(const Endpoint* server);

// The run plan's reading of a section (engines/statement_scan.h).
StatementScan scan_sqlite_statements(const std::string& sql, std::size_t first_line);

// Lint rules for a section (engines/lint_rules.h).
void lint_sqlite_section(const Section& s, const LintContext& c, std::vector<LintFinding>& out);

// `migrate diff`: the dialect and the DDL writer (schema/ddl_writer.h).
extern const SqlDialect k_sqlite_dialect;
Script write_sqlite_ddl(const SchemaChanges& changes, const Schema& from, const Schema& to, const DdlOptions& options);

// ATTACH and VACUUM INTO of a file outside `project_root` (`attach-outside-project` errors: `up`
// would change that file; check's replays refuse it): an absolute path or a `file:` URI
// elsewhere, a relative path climbing out with `..` (relative paths are taken from the project
// root, where CI runs), or a name computed at run time, which cannot be told. A private
// temporary database ('', ':memory:', a `file:` URI with mode=memory) is fine. Links inside the
// project are followed. `project_root` empty: every absolute path is outside.
std::vector<LintFinding> lint_sqlite_files(const Migration& m, const std::filesystem::path& project_root);

// A schema file the sqlite3 shell wrote (`.schema`, `.dump`) without the statements that make or
// fill SQLite's own tables (sqlite_sequence, sqlite_statN), which a database refuses to be given
// (Engine::schema_file_sql); each such line stays, empty.
std::string sqlite_schema_file_sql(std::string_view sql);

}  // namespace strata::migrate
