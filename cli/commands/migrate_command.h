#pragma once
// `strata migrate ...`: options, parsing setup, and the printing of each subcommand's result.
// All the work is in core/migrate.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "command.h"
#include "output.h"

namespace strata::cli {

struct MigrateOptions {
  // Shared by every migrate subcommand, given to `migrate` or to the subcommand.
  std::string database;  // --database, else the configuration's (then ./.env and PG*: see .cpp)
  std::string database_chosen_by;  // "/p/strata.toml:3" when a project file gave `database`
  std::vector<std::string> dirs{"./migrations"};  // --dir, repeatable: one set from all of them
  std::string table = "strata_migrations";
  double lock_timeout_s = 60;
  std::string schema;           // PostgreSQL: empty means the search_path's first schema
  bool wait = false;            // PostgreSQL: retry until the server accepts connections
  double wait_timeout_s = 60;
  bool envsub = false;          // --envsub / migrate.envsub: ${NAME} in every section
  // --ddl-lock-timeout / migrate.ddl_lock_timeout: seconds a migration's statement waits for a
  // table's lock; none: the server's own wait.
  std::optional<double> ddl_lock_timeout_s;
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

// Registers `migrate`'s options and subcommands (a table: a row per subcommand with its name,
// help, footer, options and run) on `cmd` and returns its run, which runs the chosen subcommand
// (command.h).
Run setup_migrate(CLI::App& cmd);

// The project's migrations as `strata migrate status --json` and `check --json` report them,
// from its settings alone (strata.toml, $DATABASE_URL, ./.env, the user file), reading only:
// the migration tools of `strata mcp`. Each wait on a database server (connecting, a statement,
// a lock) lasts at most `call_timeout`. Throw Error as those commands fail.
std::string project_status_json(std::chrono::milliseconds call_timeout);
std::string project_check_json(std::chrono::milliseconds call_timeout);

}  // namespace strata::cli
