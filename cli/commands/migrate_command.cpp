// `strata migrate`: the table of its subcommands (each a row: name, help, examples, options,
// run), the options they all share, and how they find the database and the migrations.
#include "migrate_command.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>

#include "common/public.h"
#include "config/public.h"
#include "migrate/public.h"
#include "migrate_subcommands.h"
#include "net/public.h"
#include "number_flags.h"
#include "option_bundles.h"
#include "settings.h"

namespace strata::cli::migrate_subcommands {
namespace {

constexpr double k_max_wait_seconds = 86400.0 * 365;

void add_shared_options(CLI::App* app, MigrateOptions& o) {
  // -u/--url as dbmate's.
  app->add_option("-d,-u,--database,--url", o.database,
                  "Database: sqlite:path, sqlite:///abs/path, a path, postgres://user:pass@host:port/db or mysql://... "
                  "(default: $DATABASE_URL, then .env, then the PG* variables)");
  app->add_option("--schema", o.schema,
                  "PostgreSQL: schema for the migrations and the history table (default: first of the search_path)");
  app->add_flag("--wait", o.wait, "PostgreSQL, MySQL: wait for the server to accept connections (see --wait-timeout)");
  check_seconds(app->add_option("--wait-timeout", o.wait_timeout_s, "Seconds --wait waits for the server (default: 60)"),
                k_max_wait_seconds, Zero::allowed);
  // Repeatable, as dbmate's --migrations-dir. No envname: STRATA_MIGRATIONS_DIR comes through
  // the configuration (apply_configuration), like strata.toml's migrate.dir.
  app->add_option("--dir", o.dirs,
                  "Migrations directory; repeat it to read several as one set, ordered by version "
                  "(default: $STRATA_MIGRATIONS_DIR, then ./migrations)");
  app->add_option("--table", o.table, "History table (default: strata_migrations)");
  app->add_option("--history-table", o.history_table,
                  "Flyway's history table, to take it over (default: migrate.history_table, else flyway.table or "
                  "spring.flyway.table in the project's configuration files, else flyway_schema_history)");
  // Repeatable; gathered from `migrate` and its subcommand both (given_values), as --dir is.
  app->add_option("--set", o.set,
                  "Sqitch projects: a psql variable NAME=VALUE for their scripts, over sqitch.conf's (repeatable, as "
                  "sqitch's --set)");
  app->add_flag("--envsub", o.envsub,
                "Expand ${NAME} from the environment in every migration, not only in sections marked envsub:on "
                "(default: migrate.envsub)");
  check_seconds(app->add_option("--lock-timeout", o.lock_timeout_s,
                                "Seconds to wait for another strata's migration lock or a busy database (default: 60)"),
                k_max_wait_seconds, Zero::allowed);
  // Not --lock-timeout, which is strata's own migration lock: this is the server's table locks.
  check_seconds(app->add_option("--ddl-lock-timeout", o.ddl_lock_timeout_s,
                                "PostgreSQL, MySQL: seconds each migration statement waits for a table's lock before "
                                "it fails (default: migrate.ddl_lock_timeout, else the server's: for ever)"),
                k_max_wait_seconds);
  app->add_option("--server-version", o.server_version,
                  "MySQL, MariaDB: the server lint judges each ALTER for when no database is connected, e.g. "
                  "mariadb-10.11 or mysql-8.0 (default: migrate.server_version, else mariadb-10.11)");
  add_output_options(*app, o.out, {"Machine-readable output on stdout", "Print only errors"});
}

// Whether `option` was given to `migrate` or to the chosen subcommand.
bool given(CLI::App* migrate, const char* option) {
  if (migrate->count(option) > 0) return true;
  for (const CLI::App* sub : migrate->get_subcommands()) {
    if (sub->count(option) > 0) return true;
  }
  return false;
}

// Every value of a repeatable option (--dir, --set), given to `migrate` or to its subcommand
// (both bind the same vector, and whichever parses last would replace the other's), in
// command-line order.
std::vector<std::string> given_values(CLI::App* migrate, const char* option) {
  std::vector<std::string> values;
  const auto take = [&](const CLI::App* app) {
    for (const std::string& d : app->get_option(option)->results()) values.push_back(d);
  };
  take(migrate);
  for (const CLI::App* sub : migrate->get_subcommands()) take(sub);
  return values;
}

// --dir, --table and --database not given on the command line come from the configuration
// ($DATABASE_URL, strata.toml, the user file); ./.env and the PG* variables come after them
// (migrate::choose_database_url).
// The settings' values of the options no flag gave (`given` names the flags that were); the
// directories when `o.dirs` is empty.
void apply_settings(MigrateOptions& o, const std::function<bool(const char*)>& given_flag) {
  const config::Configuration& c = configuration();
  const config::Setting& dir = c.get("migrate.dir");
  if (o.dirs.empty() && !set_by_user(dir)) {
    o.dirs = {mg::default_migrations_dir()};
    mg::refuse_default_dir_outside(o.dirs.front(), project_root());
  } else if (o.dirs.empty()) {
    o.dirs = {dir.value};
  }
  if (!given_flag("--table")) o.table = c.get("migrate.table").value;
  if (!given_flag("--history-table")) o.history_table = c.get("migrate.history_table").value;
  if (!given_flag("--envsub")) o.envsub = c.get("migrate.envsub").value == "true";
  const config::Setting& ddl = c.get("migrate.ddl_lock_timeout");
  if (!given_flag("--ddl-lock-timeout") && !ddl.value.empty()) o.ddl_lock_timeout_s = std::stod(ddl.value);
  const config::Setting& server = c.get("migrate.server_version");
  if (!given_flag("--server-version") && !server.value.empty()) o.server_version = server.value;
  const config::Setting& db = c.get("migrate.database");
  if (!given_flag("--database") && set_by_user(db)) {
    o.database = db.value;
    if (chosen_by_project(db)) o.database_chosen_by = db.where;
  }
}

void apply_configuration(CLI::App* migrate, MigrateOptions& o) {
  o.dirs = given_values(migrate, "--dir");
  o.set = given_values(migrate, "--set");
  apply_settings(o, [migrate](const char* flag) { return given(migrate, flag); });
}

// ---------------------------------------------------------------------------------------------
// The subcommands: each one's options (registered on it after the shared ones) and a row of the
// table. A new subcommand is its flags struct and its options and run (declared in
// migrate_subcommands.h, written in its group's file), and a row.

// What a subcommand does once its command line is parsed.
using Action = std::function<int()>;

struct Subcommand {
  const char* name;
  const char* help;    // one line, for `strata migrate --help`
  const char* footer;  // examples, and the exit codes where they say more than strata(1)
  // Registers the subcommand's own options on `sub` and returns its action, which runs with
  // `shared`: migrate's options, complete when the run starts (apply_configuration).
  Action (*setup)(CLI::App& sub, const MigrateOptions& shared);
  const char* alias = nullptr;  // another name, as a peer tool calls it (dbmate's `rollback`)
};

// A row's setup: the subcommand's typed flags, registered by `options` and kept by the action,
// which passes them to `run`.
template <class Flags, void (*options)(CLI::App&, Flags&), int (*run)(const MigrateOptions&, const Flags&)>
Action with_flags(CLI::App& sub, const MigrateOptions& shared) {
  auto flags = std::make_shared<Flags>();
  options(sub, *flags);
  return [&shared, flags] { return run(shared, *flags); };
}

// A row's setup for a subcommand with no options of its own.
template <int (*run)(const MigrateOptions&)>
Action shared_only(CLI::App&, const MigrateOptions& shared) {
  return [&shared] { return run(shared); };
}

// In `strata migrate --help`'s order.
constexpr std::array k_subcommands = {
    Subcommand{"new", "Create <timestamp>_<name>.sql with up and down sections",
               "Examples:\n  strata migrate new add_status_to_orders_table\n"
               "  strata migrate --dir db/migrations new create_users_table",
               with_flags<NewFlags, new_options, run_new>},
    Subcommand{"up", "Apply pending migrations, oldest first",
               "Examples:\n  strata migrate up\n  strata migrate up --dry-run\n  strata migrate up --steps 1 --atomic",
               with_flags<UpFlags, up_options, run_up>},
    Subcommand{"down", "Roll back applied migrations, newest first (default: one)",
               "Examples:\n  strata migrate down\n  strata migrate down --steps 3 --dry-run\n"
               "  strata migrate down --to 20260101120000\n"
               "Also: strata migrate rollback (dbmate's name)",
               with_flags<DownFlags, down_options, run_down>, "rollback"},
    Subcommand{"redo", "Roll back the newest N migrations (default: 1) and apply them again",
               "Examples:\n  strata migrate redo\n  strata migrate redo --steps 2 --dry-run",
               with_flags<RedoFlags, redo_options, run_redo>},
    Subcommand{"create", "Create the database, unless it exists",
               "Examples:\n  strata migrate -d sqlite:app.db create\n  strata migrate create --json\n"
               "Exit: 0 created or already there, 2 usage (a URL naming no database), 7 unavailable",
               shared_only<run_create>},
    Subcommand{"drop", "Drop the database and all its data (asks first at a terminal)",
               "Examples:\n  strata migrate -d sqlite:scratch.db drop --yes\n"
               "  strata migrate -d sqlite:scratch.db drop -y --json\n"
               "Exit: 0 dropped or not there, 2 usage (no --yes off a terminal, not confirmed), 7 unavailable",
               with_flags<DropFlags, drop_options, run_drop>},
    Subcommand{"load", "Apply a schema.sql written by dump to an empty database, recording its versions",
               "Examples:\n  strata migrate -d sqlite:fresh.db load schema.sql\n"
               "  strata migrate -d sqlite:fresh2.db load --json\n"
               "Exit: 0 loaded, 2 usage (no such file), 3 a listed version has no file, 6 a statement failed, "
               "7 not empty or unavailable",
               with_flags<LoadFlags, load_options, run_load>},
    Subcommand{"diff", "Write the next migration (up and down) from the schema you want",
               "Examples:\n  strata migrate diff add_status_to_orders_table --to schema.sql\n"
               "  strata migrate diff drop_legacy_tables --to schema.sql --no-rename --dry-run\n"
               "  strata migrate -d postgres://app@localhost/app diff catch_up --to postgres://app@localhost/app_by_hand\n"
               "Exit: 0 written or no difference, 2 usage (a possible rename undecided off a terminal), 3 the desired "
               "schema does not load, 5 the draft does not give the desired schema, 6 a migration does not replay, "
               "7 unavailable",
               with_flags<DiffFlags, diff_options, run_diff_of>},
    Subcommand{"wait", "Wait until the database accepts connections (--wait-timeout, default 60 s)",
               "Examples:\n  strata migrate -d postgres://app@db/app wait && strata migrate up\n"
               "  strata migrate wait --wait-timeout 120\n"
               "Exit: 0 ready, 2 usage, 7 not ready in time (the server's last answer is the message)",
               shared_only<run_wait>},
    Subcommand{"status", "Show applied, pending, missing and modified migrations",
               "Examples:\n  strata migrate status\n  strata migrate status --json", shared_only<run_status>},
    Subcommand{"stamp", "Record migrations up to VERSION as applied without running them (baseline)",
               "Examples:\n  strata migrate stamp 20260101120000\n"
               "  strata migrate -d sqlite:app.db stamp 20260101120000 --json",
               with_flags<StampFlags, stamp_options, run_stamp>},
    Subcommand{"dump", "Write the live schema as a deterministic schema.sql",
               "Examples:\n  strata migrate dump -o schema.sql\n  strata migrate -d sqlite:app.db dump | diff - schema.sql",
               with_flags<DumpFlags, dump_options, run_dump>},
    Subcommand{"check", "Check migration files and the database for CI (read-only)",
               "Examples:\n  strata migrate check\n  strata migrate check --roundtrip --drift --json\n"
               "  strata migrate check --write-baseline   # once, on an existing project; commit the file\n"
               "Exit: 0 clean, 1 pending, 3 directory, 4 history, 5 drift/roundtrip, 6 failed, 7 unavailable",
               with_flags<CheckFlags, check_flag_options, run_check>},
    Subcommand{"lint", "Lint SQL files any tool wrote with check's rules (no database needed)",
               "Examples:\n  strata migrate lint --engine postgres migrations/*.sql\n"
               "  strata migrate lint --engine postgres --format github migrations/*.sql   # in GitHub Actions\n"
               "Exit: 0 clean, 2 usage, 3 an error found (with --strict, a warning too)",
               with_flags<LintFlags, lint_options, run_lint_of>},
    Subcommand{"import", "Write an Alembic project's history as migration files (from Alembic's offline SQL)",
               "Examples:\n  strata migrate --dir db/from_alembic import up.sql --down down.sql\n"
               "  strata migrate --dir db/from_alembic import up.sql   # no downs\n"
               "  strata migrate -d postgres://app@localhost/app status   # alembic_version is adopted\n"
               "Exit: 0 written, 2 usage (the directory already holds migrations), 3 no such file, or not Alembic's output",
               with_flags<ImportFlags, import_options, run_import>},
    Subcommand{"accept", "Accept the current checksum of applied migrations whose file changed",
               "Examples:\n  strata migrate accept 20260101120000\n  strata migrate accept --all --json",
               with_flags<AcceptFlags, accept_options, run_accept>},
};

}  // namespace

ColorMode color_mode(const MigrateOptions& o) { return o.out.color; }

std::chrono::milliseconds lock_timeout(const MigrateOptions& o) {
  return std::chrono::milliseconds(static_cast<long long>(o.lock_timeout_s * 1000));
}

// The database from --database, $DATABASE_URL, .env or the PG* variables, with --schema and
// --wait applied; nullopt when none is given.
std::optional<mg::Endpoint> database_endpoint(const MigrateOptions& o) {
  const net::Getenv getenv = process_getenv();
  const auto chosen = mg::choose_database_url(mg::ChosenDatabase{o.database, o.database_chosen_by}, getenv);
  if (!chosen) {
    if (!o.schema.empty()) throw Error(ExitCode::usage, "--schema needs a PostgreSQL database");
    return std::nullopt;
  }
  mg::Endpoint e = mg::endpoint_from_url(chosen->url, chosen->chosen_by, configuration().get("trust.endpoints").value, getenv);
  const mg::Engine& engine = mg::engine(e.kind);
  if (engine.storage == mg::Storage::file && e.path != ":memory:" && chosen->chosen_by == "./.env" &&
      !configuration().trust.trusted()) {
    // ./.env is the project's file: the SQLite database it names stays inside the project.
    config::require_inside_project(std::filesystem::absolute(e.path), configuration().trust.root,
                                   "./.env's DATABASE_URL: the database",
                                   "pass --database (or set $DATABASE_URL) to choose a database yourself, or trust the "
                                   "project: strata trust");
  }
  if (!e.password_withheld_for.empty() && engine.environment_has_password != nullptr &&
      engine.environment_has_password(getenv)) {
    print_warning(e.password_withheld_for + " chose the database " + e.display + "; the password in " +
                      std::string(engine.password_sources) +
                      " is not sent to it: trust it first with "
                      "STRATA_TRUSTED_ENDPOINTS=" + mg::server_origin(chosen->url) + " (or [trust] endpoints in your own config file)",
                  color_mode(o));
  }
  if (!o.schema.empty()) {
    if (!engine.schemas) {
      throw Error(ExitCode::usage, "--schema applies to PostgreSQL databases only", "SQLite has one schema");
    }
    e.schema = o.schema;
  }
  if (o.wait) e.wait = std::chrono::milliseconds(static_cast<long long>(o.wait_timeout_s * 1000));
  e.call_timeout = o.call_timeout;
  mg::name_flyway_history(e.foreign_history, o.history_table,
                          o.dirs.empty() ? std::vector<std::string>{mg::default_migrations_dir()} : o.dirs, project_root());
  return e;
}

// The database every subcommand but `new` needs; a usage error naming how to give one.
mg::Endpoint required_endpoint(const MigrateOptions& o) {
  auto endpoint = database_endpoint(o);
  if (!endpoint) {
    throw Error(ExitCode::usage, "no database given",
                "pass --database sqlite:path/to/db.sqlite3, postgres://user@host/db or mysql://user@host/db, or set DATABASE_URL "
                "(also read from .env)");
  }
  return std::move(*endpoint);
}

// ${NAME} placeholders: from this process's environment, in every section with --envsub (or
// migrate.envsub), else in those marked envsub:on; never toward a server a file chose untrusted.
mg::Placeholders placeholders(const MigrateOptions& o, const mg::Endpoint* endpoint) {
  mg::Placeholders p;
  p.everywhere = o.envsub;
  // A migration's own envsub:on marker is the project's request: granted in a trusted project.
  p.section_markers = configuration().trust.trusted();
  p.getenv = process_getenv();
  if (endpoint != nullptr) p.server_chosen_by = endpoint->untrusted_choice;
  return p;
}

// --set NAME=VALUE, each a Sqitch project's psql variable (the last of a name wins, as in sqitch).
std::map<std::string, std::string> tool_variables(const MigrateOptions& o) {
  std::map<std::string, std::string> vars;
  for (const std::string& given : o.set) {
    const std::size_t eq = given.find('=');
    const std::string name = given.substr(0, eq);
    const bool valid = eq != std::string::npos && !name.empty() &&
                       std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
    if (!valid) {
      throw Error(ExitCode::usage, "--set '" + escape_control_characters(given) + "': not NAME=VALUE",
                  "a psql variable's name is letters, digits and _, e.g. --set schema=app");
    }
    vars[name] = given.substr(eq + 1);
  }
  return vars;
}

// Where the project starts (common/project_root.h): migration files that are links out of it
// are not read, and check flags ATTACH and VACUUM INTO of files out of it.
std::filesystem::path project_root() { return configuration().trust.root; }

mg::Target make_target(const MigrateOptions& o, mg::Endpoint endpoint, const DryRunFlags& dry) {
  mg::Target t{std::move(endpoint), o.table, lock_timeout(o)};
  if (o.ddl_lock_timeout_s) t.ddl_lock_timeout = std::chrono::milliseconds(static_cast<long long>(*o.ddl_lock_timeout_s * 1000));
  t.project_root = project_root();
  t.tool_variables = tool_variables(o);
  t.placeholders = placeholders(o, &t.database);
  t.show_values = dry.show_values;
  return t;
}

mg::Migrator make_migrator(const MigrateOptions& o, const DryRunFlags& dry) {
  return mg::Migrator(make_target(o, required_endpoint(o), dry), o.dirs);
}

std::string format_ms(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ms < 10 ? "%.2f ms" : "%.0f ms", ms);
  return buf;
}

// The options a project's settings give, no flag given (strata mcp's migration tools).
MigrateOptions project_options(std::chrono::milliseconds call_timeout) {
  MigrateOptions o;
  o.call_timeout = call_timeout;
  o.dirs.clear();
  apply_settings(o, [](const char*) { return false; });
  // SQLite's busy timeout (a file another process holds locked) has the same bound.
  if (call_timeout.count() > 0) o.lock_timeout_s = std::min(o.lock_timeout_s, std::chrono::duration<double>(call_timeout).count());
  o.out.json = true;
  o.out.color = ColorMode::never;
  return o;
}

}  // namespace strata::cli::migrate_subcommands

namespace strata::cli {

Run setup_migrate(CLI::App& cmd) {
  using namespace migrate_subcommands;  // the table and the shared options
  // Kept by the returned run, which the subcommands' callbacks, bound to them by reference,
  // never outlive.
  auto options = std::make_shared<MigrateOptions>();
  auto chosen = std::make_shared<std::function<int()>>();
  MigrateOptions& o = *options;
  std::function<int()>& action = *chosen;
  CLI::App* migrate = &cmd;
  migrate->require_subcommand(1);
  add_shared_options(migrate, o);
  migrate->footer(
      "Examples:\n"
      "  strata migrate new create_users_table\n"
      "  strata migrate -d sqlite:app.db up\n"
      "  strata migrate -d sqlite:app.db check --json\n"
      "  strata migrate -d postgres://app@localhost/app --schema app --wait up\n"
      "  strata migrate --dir db/init --dir db/migrations up   # two directories, one set");

  for (const Subcommand& row : k_subcommands) {
    CLI::App* sub = migrate->add_subcommand(row.name, row.help);
    add_shared_options(sub, o);
    sub->footer(row.footer);
    if (row.alias != nullptr) sub->alias(row.alias);
    Action run = row.setup(*sub, o);
    sub->callback([&action, run] { action = run; });
  }
  // The configuration is applied (or its error raised) when the run starts, inside run()'s
  // error handling, after the subcommand's callback has chosen what to run.
  return [options, chosen, migrate](const RunContext& context) {
    options->out.color = context.color;
    apply_configuration(migrate, *options);
    return (*chosen)();
  };
}

}  // namespace strata::cli
