#pragma once
// `strata migrate ...`: options, parsing setup, and the printing of each subcommand's result.
// All the work is in core/migrate. The options, each subcommand's flags and runs are in
// migrate_subcommands.h.
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "command.h"

namespace strata::cli {

// Registers `migrate`'s options and subcommands (a table: a row per subcommand with its name,
// help, footer, options and run) on `cmd` and returns its run, which runs the chosen subcommand
// (command.h).
Run setup_migrate(CLI::App& cmd);

// The project's migrations as `strata migrate status --json` and `check --json` report them
// (service/migrate_reports.h),
// from its settings alone (strata.toml, $DATABASE_URL, ./.env, the user file), reading only:
// the migration tools of `strata mcp`. Each wait on a database server (connecting, a statement,
// a lock) lasts at most `call_timeout`. Throw Error as those commands fail.
nlohmann::json project_status_json(std::chrono::milliseconds call_timeout);
nlohmann::json project_check_json(std::chrono::milliseconds call_timeout);

}  // namespace strata::cli
