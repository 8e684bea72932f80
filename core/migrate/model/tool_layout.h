#pragma once
// Migration sets laid out by another tool, read where that tool keeps them: Prisma Migrate's
// `prisma/migrations/<timestamp>_<name>/migration.sql` folders, Drizzle Kit's `out` folder
// (`NNNN_name.sql` in `meta/_journal.json`'s order) and Sqitch's sqitch.plan with deploy/revert/verify. A layout is one file (prisma_layout.cpp,
// drizzle_layout.cpp, sqitch_layout.cpp) and one row of the table in tool_layout.cpp; their history tables are read in
// run/tool_history.cpp.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/model/endpoint.h"
#include "migrate/model/migration.h"

namespace strata::migrate {

// Variables the user gives a tool's scripts on the command line: Sqitch's `--set NAME=VALUE`,
// psql variables that override sqitch.conf's. No other layout reads any.
using ToolVariables = std::map<std::string, std::string>;

struct ToolLayout {
  MigrationLayout kind;
  const char* tool;  // as messages name it: "Prisma", "Drizzle Kit"
  // The folder the tool reads, when `dir` is it or a project holding it (prisma/migrations,
  // drizzle/); nullopt when `dir` is not of this layout.
  std::optional<std::string> (*find)(const std::string& dir);
  MigrationSet (*load)(const std::string& dir, const ToolVariables& variables);
  bool reads_variables;  // whether `load` uses ToolVariables at all
  // `migrate new` in such a folder: writes the tool's own layout, returns the path written.
  std::string (*write_new)(const std::string& dir, const std::string& name, std::chrono::system_clock::time_point now,
                           const std::string& sql);
};

// The layout `dir` is (it may name the project above the migrations folder: `dir` is then made
// the folder itself); nullptr for strata's own (dbmate's, golang-migrate's, ...).
const ToolLayout* find_tool_layout(std::string& dir);
const ToolLayout& tool_layout(MigrationLayout kind);

// Prisma: the folders of `dir` holding a migration.sql, in name order (as Prisma sorts them); the
// version is the folder name's leading digits, else its place in that order. tool_checksum is
// Prisma's: lowercase hex SHA-256 of migration.sql's bytes. MigrationSet::provider is
// migration_lock.toml's provider.
MigrationSet load_prisma(const std::string& dir);
// Whether a Prisma checksum recorded in _prisma_migrations matches `m` as Prisma judges it (the
// file with either line ending, and the unpadded hex of Prisma before 2.20).
bool prisma_checksum_matches(const Migration& m, std::string_view recorded);

// Drizzle Kit: `dir`/meta/_journal.json's entries in order, each `dir`/<tag>.sql; the version is
// the entry's idx, tool_created_at its `when`, tool_checksum drizzle-orm's hash (hex SHA-256 of the
// file's text). Statements are split at `--> statement-breakpoint` (drizzle_statements).
MigrationSet load_drizzle(const std::string& dir);
// A Drizzle file's statements as drizzle-orm's migrator runs them: the text split at each
// `--> statement-breakpoint`, blank pieces left out.
std::vector<std::string> drizzle_statements(std::string_view text);

// Sqitch: sqitch.plan's changes in order (sqitch_plan.h), the version each one's place in it (from
// 1); deploy/<change>.sql is up, revert/<change>.sql down, verify/<change>.sql the verify script,
// a reworked change's older scripts <change>@<tag>.sql, the directories from sqitch.conf.
// tool_checksum is Sqitch's script_hash (SHA-1 of the deploy script), tool_id the change id,
// provider core.engine, tool_project %project. `variables` (--set) override sqitch.conf's, as
// sqitch's own --set does.
MigrationSet load_sqitch(const std::string& dir, const ToolVariables& variables = {});

// The table's entries (each in its layout's file).
std::optional<std::string> find_prisma(const std::string& dir);
std::string write_new_prisma(const std::string& dir, const std::string& name, std::chrono::system_clock::time_point now,
                             const std::string& sql);
std::optional<std::string> find_drizzle(const std::string& dir);
std::string write_new_drizzle(const std::string& dir, const std::string& name, std::chrono::system_clock::time_point now,
                              const std::string& sql);
std::optional<std::string> find_sqitch(const std::string& dir);
// Writes deploy/, revert/ and verify/<name>.sql from Sqitch's templates and appends the plan line.
std::string write_new_sqitch(const std::string& dir, const std::string& name, std::chrono::system_clock::time_point now,
                             const std::string& sql);

// Throws Error(invalid_input) when the project's recorded engine (Prisma's migration_lock.toml
// provider, Drizzle's journal dialect) is not the database's `kind`.
void require_provider(const MigrationSet& files, DriverKind kind, const std::string& database);

}  // namespace strata::migrate
