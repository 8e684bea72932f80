#pragma once
// `strata migrate ...`: options, parsing setup, and the printing of each subcommand's result.
// All the work is in core/migrate.
#include <cstdint>
#include <string>
#include <vector>

#include "commands.h"
#include "output.h"

namespace strata::cli {

struct MigrateOptions {
  // Shared by every migrate subcommand.
  std::string database;  // --database, else the configuration's (then ./.env and PG*: see .cpp)
  std::string database_chosen_by;  // "/p/strata.toml:3" when a project file gave `database`
  std::vector<std::string> dirs{"./migrations"};  // --dir, repeatable: one set from all of them
  std::string table = "strata_migrations";
  double lock_timeout_s = 60;
  std::string schema;           // PostgreSQL: empty means the search_path's first schema
  bool wait = false;            // PostgreSQL: retry until the server accepts connections
  double wait_timeout_s = 60;
  bool envsub = false;          // --envsub / migrate.envsub: ${NAME} in every section
  OutputOptions out;  // out.color: the run's (RunContext)

  // Per subcommand.
  std::string name;             // new
  std::int64_t to = 0;          // up/down --to
  std::size_t steps = 0;        // up/down/redo --steps
  bool atomic = false;
  bool dry_run = false;
  bool show_values = false;     // up/down/redo --dry-run --show-values
  bool allow_out_of_order = false;
  bool resume = false;
  bool all = false;
  bool yes = false;             // drop --yes: no question asked
  std::int64_t version = 0;     // stamp, accept
  std::string output_file;      // dump -o
  std::string input_file = "schema.sql";  // load FILE
  bool drift = false;
  bool roundtrip = false;
  bool strict = false;
  bool verbose = false;  // check: the full definitions behind drift/roundtrip findings
  std::string baseline;         // check --baseline; empty: DIR/.strata-baseline.json if present
  bool no_baseline = false;     // check --no-baseline
  std::string write_baseline;   // check --write-baseline [FILE]; empty FILE: the baseline file
  std::vector<std::string> diff_to;       // diff --to
  std::vector<std::string> diff_renames;  // diff --rename
  bool no_rename = false;                 // diff --no-rename
  bool concurrently = false;              // diff --concurrently
};

// Registers `migrate`'s options and subcommands on `cmd` and returns its run, which runs the
// chosen subcommand (commands.h).
Run setup_migrate(CLI::App& cmd);

// The project's migrations as `strata migrate status --json` and `check --json` report them,
// from its settings alone (strata.toml, $DATABASE_URL, ./.env, the user file), reading only:
// the migration tools of `strata mcp`. Throw Error as those commands fail.
std::string project_status_json();
std::string project_check_json();

}  // namespace strata::cli
