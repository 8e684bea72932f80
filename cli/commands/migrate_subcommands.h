#pragma once
// What the files of `strata migrate` share: its options, each subcommand's flags, and the
// functions of each group. Not a command's header (commands.cpp includes migrate_command.h), nor
// does it include that one (house.include_cycles). The subcommands are the rows of the table in
// migrate_command.cpp, which also holds the options every subcommand shares and how they resolve
// a database; each group's options functions and runs are in a file of their own:
//   migrate_run_commands.cpp      up, down, redo, stamp, accept: what applies or records migrations
//   migrate_inspect_commands.cpp  status, check, lint, diff, dump: what reads and reports
//   migrate_admin_commands.cpp    new, create, drop, wait, load, import: databases and files
// In a namespace of their own: a unity build compiles these files with other commands', whose
// helpers may share a name.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "migrate/public.h"
#include "output.h"

namespace strata::cli {

struct MigrateOptions {
  // Shared by every migrate subcommand, given to `migrate` or to the subcommand.
  std::string database;  // --database, else the configuration's (then ./.env and PG*: see .cpp)
  std::string database_chosen_by;  // "/p/strata.toml:3" when a project file gave `database`
  std::vector<std::string> dirs{"./migrations"};  // --dir, repeatable: one set from all of them
  std::string table = "strata_migrations";
  // --history-table / migrate.history_table: Flyway's history table; empty: the project's
  // configuration's (flyway.table, spring.flyway.table), else flyway_schema_history.
  std::string history_table;
  double lock_timeout_s = 60;
  std::string schema;           // PostgreSQL: empty means the search_path's first schema
  bool wait = false;            // PostgreSQL: retry until the server accepts connections
  double wait_timeout_s = 60;
  bool envsub = false;          // --envsub / migrate.envsub: ${NAME} in every section
  std::vector<std::string> set;  // --set NAME=VALUE, repeatable: a Sqitch project's psql variables
  // --ddl-lock-timeout / migrate.ddl_lock_timeout: seconds a migration's statement waits for a
  // table's lock; none: the server's own wait.
  std::optional<double> ddl_lock_timeout_s;
  // --server-version / migrate.server_version: the MySQL or MariaDB lint judges for when no server
  // is connected ("mariadb-10.11", "mysql-8.0"); empty: MariaDB 10.11.
  std::string server_version;
  // The bound on each wait on a database server (mg::Endpoint::call_timeout): set by the MCP
  // server's migration tools alone; 0 (the command line): none.
  std::chrono::milliseconds call_timeout{0};
  OutputOptions out;  // out.color: the run's (RunContext)
};

// Each subcommand's own options, registered on it alone (its row in migrate_command.cpp's table);
// an option not given is an empty std::optional, or the value named as its default.
struct NewFlags {
  std::string name;  // NAME
};

// --dry-run and --show-values, as up, down and redo take them.
struct DryRunFlags {
  bool dry_run = false;
  bool show_values = false;  // with --dry-run: ${NAME} placeholders printed with their values
};

struct UpFlags {
  std::optional<std::int64_t> to;     // --to VERSION
  std::optional<std::size_t> steps;   // --steps N
  bool atomic = false;
  DryRunFlags dry;
  bool allow_out_of_order = false;
  bool resume = false;
  bool create = false;  // --create: the database first, unless it exists (dbmate's `up`)
};

struct DownFlags {
  std::optional<std::int64_t> to;     // --to VERSION
  std::optional<std::size_t> steps;   // --steps N; none of the three: one
  bool all = false;
  DryRunFlags dry;
};

struct RedoFlags {
  std::optional<std::size_t> steps;   // Default: 1
  DryRunFlags dry;
};

struct DropFlags {
  bool yes = false;  // no question asked
};

struct LoadFlags {
  std::string file = "schema.sql";  // FILE
};

struct DiffFlags {
  std::string name;                   // NAME
  std::vector<std::string> to;        // --to: the desired schema
  std::vector<std::string> renames;   // --rename
  bool no_rename = false;
  bool concurrently = false;
  bool dry_run = false;
};

struct StampFlags {
  std::int64_t version = 0;  // VERSION
};

struct DumpFlags {
  std::string output_file;  // -o; empty or "-": stdout
};

struct CheckFlags {
  bool drift = false;
  bool roundtrip = false;
  bool strict = false;
  bool verbose = false;  // the full definitions behind drift/roundtrip findings
  std::string baseline;  // --baseline; empty: DIR/.strata-baseline.json if present
  bool no_baseline = false;
  // --write-baseline [FILE]; an empty FILE: the baseline file.
  std::optional<std::string> write_baseline;
};

struct LintFlags {
  std::vector<std::string> files;  // FILE...; "-": standard input
  std::string engine;              // --engine; empty: the database URL's, else an error
  std::string format = "table";    // --format table|json|github|sarif (--json: json)
  bool strict = false;
};

struct ImportFlags {
  std::string upgrade;    // UPGRADE_SQL: `alembic upgrade base:head --sql` output; "-": standard input
  std::string downgrade;  // --down: `alembic downgrade head:base --sql` output
};

struct AcceptFlags {
  std::optional<std::int64_t> version;  // VERSION; or --all
  bool all = false;
};

}  // namespace strata::cli

namespace strata::cli::migrate_subcommands {

namespace mg = strata::migrate;
using nlohmann::json;

// ---- shared (migrate_command.cpp) -------------------------------------------------------------

ColorMode color_mode(const MigrateOptions& o);
// --lock-timeout.
std::chrono::milliseconds lock_timeout(const MigrateOptions& o);
// The database from --database, $DATABASE_URL, .env or the PG* variables, with --schema and
// --wait applied; nullopt when none is given.
std::optional<mg::Endpoint> database_endpoint(const MigrateOptions& o);
// The database every subcommand but `new` needs; a usage error naming how to give one.
mg::Endpoint required_endpoint(const MigrateOptions& o);
// ${NAME} placeholders: from this process's environment, in every section with --envsub (or
// migrate.envsub), else in those marked envsub:on; never toward a server a file chose untrusted.
mg::Placeholders placeholders(const MigrateOptions& o, const mg::Endpoint* endpoint);
// Where the project starts (common/project_root.h): migration files that are links out of it
// are not read, and check flags ATTACH and VACUUM INTO of files out of it.
std::filesystem::path project_root();
// --set's NAME=VALUE pairs (Error(usage) for one that is not).
std::map<std::string, std::string> tool_variables(const MigrateOptions& o);
mg::Target make_target(const MigrateOptions& o, mg::Endpoint endpoint, const DryRunFlags& dry = {});
mg::Migrator make_migrator(const MigrateOptions& o, const DryRunFlags& dry = {});
// "1.25 ms", "120 ms".
std::string format_ms(double ms);
// The options a project's settings give, no flag given (strata mcp's migration tools).
MigrateOptions project_options(std::chrono::milliseconds call_timeout);

// ---- up, down, redo, stamp, accept (migrate_run_commands.cpp) ---------------------------------

void up_options(CLI::App& sub, UpFlags& f);
int run_up(const MigrateOptions& o, const UpFlags& f);
void down_options(CLI::App& sub, DownFlags& f);
int run_down(const MigrateOptions& o, const DownFlags& f);
void redo_options(CLI::App& sub, RedoFlags& f);
int run_redo(const MigrateOptions& o, const RedoFlags& f);
void stamp_options(CLI::App& sub, StampFlags& f);
int run_stamp(const MigrateOptions& o, const StampFlags& f);
void accept_options(CLI::App& sub, AcceptFlags& f);
int run_accept(const MigrateOptions& o, const AcceptFlags& f);

// ---- status, check, lint, diff, dump (migrate_inspect_commands.cpp) ---------------------------

int run_status(const MigrateOptions& o);
void check_flag_options(CLI::App& sub, CheckFlags& f);
int run_check(const MigrateOptions& o, const CheckFlags& flags);
void lint_options(CLI::App& sub, LintFlags& f);
int run_lint_of(const MigrateOptions& o, const LintFlags& f);
void diff_options(CLI::App& sub, DiffFlags& f);
int run_diff_of(const MigrateOptions& o, const DiffFlags& f);
void dump_options(CLI::App& sub, DumpFlags& f);
int run_dump(const MigrateOptions& o, const DumpFlags& f);

// ---- new, create, drop, wait, load, import (migrate_admin_commands.cpp) -----------------------

void new_options(CLI::App& sub, NewFlags& f);
int run_new(const MigrateOptions& o, const NewFlags& f);
int run_create(const MigrateOptions& o);
void drop_options(CLI::App& sub, DropFlags& f);
int run_drop(const MigrateOptions& o, const DropFlags& f);
int run_wait(const MigrateOptions& o);
void load_options(CLI::App& sub, LoadFlags& f);
int run_load(const MigrateOptions& o, const LoadFlags& f);
void import_options(CLI::App& sub, ImportFlags& f);
int run_import(const MigrateOptions& o, const ImportFlags& f);

}  // namespace strata::cli::migrate_subcommands
