#pragma once
// What the files of `strata migrate` share; not a command's header (commands.cpp includes
// migrate_command.h). The subcommands are the rows of the table in migrate_command.cpp, which
// also holds the options every subcommand shares and how they resolve a database; each group's
// options functions and runs are in a file of their own:
//   migrate_run_commands.cpp      up, down, redo, stamp, accept: what applies or records migrations
//   migrate_inspect_commands.cpp  status, check, lint, diff, dump: what reads and reports
//   migrate_admin_commands.cpp    new, create, drop, wait, load, import: databases and files
// In a namespace of their own: a unity build compiles these files with other commands', whose
// helpers may share a name.
#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "migrate/public.h"
#include "migrate_command.h"
#include "output.h"

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
