#include "migrate/engines/engines.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <string>

#include "common/text.h"
#include "migrate/engines/mysql/mysql_engine.h"
#include "migrate/engines/mysql/mysql_server.h"
#include "migrate/engines/postgres/postgres_engine.h"
#include "migrate/engines/sqlite/sqlite_engine.h"

namespace strata::migrate {
namespace {

// An engine's first scheme is the one strata writes (a config file's relative path made
// absolute: sqlite:/p/app.db).
constexpr std::string_view k_sqlite_schemes[] = {"sqlite", "sqlite3", "file"};
constexpr std::string_view k_postgres_schemes[] = {"postgres", "postgresql"};
constexpr std::string_view k_mysql_schemes[] = {"mysql", "mariadb"};

constexpr std::array<Engine, 3> k_engines = {{
    {.kind = DriverKind::sqlite,
     .name = "sqlite",
     .title = "SQLite",
     .storage = Storage::file,
     .schemes = k_sqlite_schemes,
     .origin_scheme = "",
     .default_port = 0,
     .url_form = "sqlite:path",
     .endpoint_from_url = nullptr,
     .wait_for = WaitFor::file,
     .url_example = "",
     .ddl_commits = false,
     .false_literal = "0",
     .load_order = LoadOrder::as_written,
     .schemas = false,
     .concurrent_indexes = false,
     .password_sources = "",
     .environment_has_password = nullptr,
     .scan_statements = scan_sqlite_statements,
     .no_transaction_code = "pragma-in-transaction",
     .foreign_keys_off_refusal = "",
     .ddl_lock_timeout_sql = nullptr,
     .lint_section = lint_sqlite_section,
     .lint_files = lint_sqlite_files,
     .dialect = &k_sqlite_dialect,
     .write_ddl = write_sqlite_ddl,
     .open = open_sqlite,
     .open_scratch = open_sqlite_scratch,
     .open_admin = nullptr,
     .database_lookup = nullptr,
     .database_identifier = nullptr,
     .schema_file_sql = sqlite_schema_file_sql},
    {.kind = DriverKind::postgres,
     .name = "postgres",
     .title = "PostgreSQL",
     .storage = Storage::server,
     .schemes = k_postgres_schemes,
     .origin_scheme = "postgres",
     .default_port = k_postgres_port,
     .url_form = "postgres://user@host/db",
     .endpoint_from_url = postgres_endpoint,
     .wait_for = WaitFor::database,
     .url_example = "postgres://user@host:5432/NAME",
     .ddl_commits = false,
     .false_literal = "false",
     .load_order = LoadOrder::dependency_order,
     .schemas = true,
     .concurrent_indexes = true,
     .password_sources = "$PGPASSWORD or ~/.pgpass",
     .environment_has_password = postgres_environment_has_password,
     .scan_statements = scan_postgres_statements,
     .no_transaction_code = "not-in-transaction",
     .foreign_keys_off_refusal = "foreign_keys:off is a SQLite option; PostgreSQL has no such switch (declare the "
                                 "constraints DEFERRABLE and use SET CONSTRAINTS ... DEFERRED)",
     .ddl_lock_timeout_sql = [](std::chrono::milliseconds t) {
       return "SET lock_timeout = '" + std::to_string(std::max<long long>(1, t.count())) + "ms'";
     },
     .lint_section = lint_postgres_section,
     .lint_files = lint_postgres_files,
     .dialect = &k_postgres_dialect,
     .write_ddl = write_postgres_ddl,
     .open = open_postgres,
     .open_scratch = open_postgres_scratch,
     .open_admin = open_postgres_admin,
     .database_lookup = postgres_database_lookup,
     .database_identifier = postgres_database_identifier,
     .schema_file_sql = postgres_schema_file_sql,
     .preload_client = preload_libpq},
    {.kind = DriverKind::mysql,
     .name = "mysql",
     .title = "MySQL",
     .storage = Storage::server,
     .schemes = k_mysql_schemes,
     .origin_scheme = "",
     .default_port = k_mysql_port,
     .url_form = "mysql://user@host/db",
     .endpoint_from_url = mysql_endpoint,
     .wait_for = WaitFor::server,
     .url_example = "mysql://user@host:3306/NAME",
     .ddl_commits = true,
     .false_literal = "0",
     .load_order = LoadOrder::undo_on_failure,
     .schemas = false,
     .concurrent_indexes = false,
     .password_sources = "$MYSQL_PWD",
     .environment_has_password = mysql_environment_has_password,
     .scan_statements = scan_mysql_statements,
     .no_transaction_code = "not-in-transaction",
     .foreign_keys_off_refusal = "foreign_keys:off is a SQLite option (on MySQL, write SET FOREIGN_KEY_CHECKS = 0 "
                                 "in the migration and = 1 at its end)",
     // Whole seconds, at least 1 (lock_wait_timeout's unit and floor).
     .ddl_lock_timeout_sql = [](std::chrono::milliseconds t) {
       return "SET SESSION lock_wait_timeout = " + std::to_string(std::max<long long>(1, (t.count() + 999) / 1000));
     },
     .lint_section = lint_mysql_section,
     .lint_files = lint_mysql_files,
     .dialect = &k_mysql_dialect,
     .write_ddl = write_mysql_ddl,
     .open = open_mysql,
     .open_scratch = open_mysql_scratch,
     .open_admin = open_mysql_admin,
     .database_lookup = mysql_database_lookup,
     .database_identifier = mysql_database_identifier,
     .names_lint_server = [](std::string_view v) { return parse_mysql_server(v).has_value(); },
     .check_lint_server = [](std::string_view s) { mysql_server_or_default(s); }},
}};

// Row i is the engine of DriverKind i: engine() looks a row up by index.
constexpr bool rows_in_kind_order() {
  for (std::size_t i = 0; i < k_engines.size(); ++i) {
    if (static_cast<std::size_t>(k_engines[i].kind) != i) return false;
  }
  return true;
}
static_assert(rows_in_kind_order(), "k_engines: row i must be DriverKind i");

}  // namespace

std::span<const Engine> engines() { return k_engines; }

const Engine& engine(DriverKind kind) { return k_engines[static_cast<std::size_t>(kind)]; }

std::unique_ptr<Driver> open_driver(const Endpoint& endpoint, Access access, const std::string& table,
                                    std::chrono::milliseconds lock_timeout) {
  return engine(endpoint.kind).open(endpoint, access, table, lock_timeout);
}

std::unique_ptr<Driver> open_scratch(const Endpoint* server) {
  return engine(server != nullptr ? server->kind : k_default_engine).open_scratch(server);
}

std::string Driver::quote(std::string_view text) const { return sql_quote(text); }

}  // namespace strata::migrate
