#pragma once
// PostgreSQL's row of the engine table (engines.h).
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "migrate/engines/driver.h"
#include "migrate/engines/lint_rules.h"
#include "migrate/engines/server_reach.h"
#include "migrate/engines/statement_scan.h"
#include "migrate/model/database_url.h"
#include "migrate/schema/ddl_writer.h"
#include "net/endpoint.h"

namespace strata::migrate {

// The port a postgres:// URL without one means, as libpq takes it.
inline constexpr unsigned k_postgres_port = 5432;

// postgres:// or postgresql:// [user[:password]@][host][:port][/dbname][?param=value&...]: libpq
// takes what the URL leaves out from the PG* variables. strata takes search_path= (the schema)
// and golang-migrate's x-... parameters out of what libpq is given. Throws Error(usage) for a bad
// x-migrations-table.
Endpoint postgres_endpoint(const std::string& url, const UrlChoice& choice);

// Starts loading libpq on another thread (Engine::preload_client).
std::jthread preload_libpq();

std::unique_ptr<Driver> open_postgres(const Endpoint& endpoint, Access access, const std::string& table,
                                      std::chrono::milliseconds lock_timeout);
// A scratch database created on the server (or a scratch schema): open_scratch's contract.
std::unique_ptr<Driver> open_postgres_scratch(const Endpoint* server);
// A connection to the server for creating or dropping `target`: to a database other than it
// (template1 when `target` is postgres, else postgres), since one cannot drop the database one
// is connected to.
std::unique_ptr<Driver> open_postgres_admin(const Endpoint& server, const std::string& target);

// The run plan's reading of a section (engines/statement_scan.h).
StatementScan scan_postgres_statements(const std::string& sql, std::size_t first_line);

// Lint rules for a section (engines/lint_rules.h).
void lint_postgres_section(const Section& s, const LintContext& c, std::vector<LintFinding>& out);

// What no scratch database contains (engines/server_reach.h): the replay refuses it, and lint
// reports it as server-reach (`up` would run it with the user's role on the server).
std::span<const ReachRule> postgres_reach_rules();
// What a replay refuses besides postgres_reach_rules() (postgres_lint.cpp): roles, databases,
// tablespaces, replication slots, wherever a statement names them.
std::span<const ReachRule> postgres_replay_reach_rules();
std::vector<LintFinding> lint_postgres_files(const Migration& m, const std::filesystem::path& project_root);

// A schema file's SQL (a dump, diff's desired schema) without the lines that psql, not the
// server, runs: pg_dump's \restrict and \unrestrict (Engine::schema_file_sql).
std::string postgres_schema_file_sql(std::string_view sql);

// `migrate diff`: the dialect and the DDL writer (schema/ddl_writer.h).
extern const SqlDialect k_postgres_dialect;
Script write_postgres_ddl(const SchemaChanges& changes, const Schema& from, const Schema& to, const DdlOptions& options);

// $PGPASSWORD, or a password file ($PGPASSFILE, ~/.pgpass): libpq would find a password.
bool postgres_environment_has_password(const net::Getenv& getenv);

// On the admin connection: the query finding the database `name` (pg_database), and its identifier.
std::string postgres_database_lookup(const Driver& admin, const std::string& name);
std::string postgres_database_identifier(const std::string& name);

}  // namespace strata::migrate
