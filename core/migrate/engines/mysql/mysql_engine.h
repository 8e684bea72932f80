#pragma once
// MySQL's and MariaDB's row of the engine table (engines.h).
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "migrate/engines/driver.h"
#include "migrate/engines/lint_rules.h"
#include "migrate/engines/server_reach.h"
#include "migrate/engines/statement_scan.h"
#include "migrate/model/database_url.h"
#include "migrate/schema/ddl_writer.h"
#include "net/endpoint.h"

namespace strata::migrate {

// The port a mysql:// or mariadb:// URL without one means (the server's own default).
inline constexpr unsigned k_mysql_port = 3306;

// mysql://[user[:password]@][host][:port][/database][?socket=...&ssl-mode=...], as dbmate takes it,
// or with go-sql-driver's tcp(host:port) or unix(/path) as the host (golang-migrate's URLs).
// Throws Error(usage) for a bad port, TLS mode or parameter.
Endpoint mysql_endpoint(const std::string& url, const UrlChoice& choice);

std::unique_ptr<Driver> open_mysql(const Endpoint& endpoint, Access access, const std::string& table,
                                   std::chrono::milliseconds lock_timeout);
// A scratch database created on the server: open_scratch's contract.
std::unique_ptr<Driver> open_mysql_scratch(const Endpoint* server);
// A connection to the server with no database (a MySQL connection needs none; `target` is not used).
std::unique_ptr<Driver> open_mysql_admin(const Endpoint& server, const std::string& target);

// The run plan's reading of a section (engines/statement_scan.h).
StatementScan scan_mysql_statements(const std::string& sql, std::size_t first_line);

// Lint rules for a section (engines/lint_rules.h).
void lint_mysql_section(const Section& s, const LintContext& c, std::vector<LintFinding>& out);

// What no scratch database contains (engines/server_reach.h): the replay refuses it, and lint
// reports it as server-reach (`up` would run it with the user's role on the server).
std::span<const ReachRule> mysql_reach_rules();
// What a replay refuses besides mysql_reach_rules() (mysql_lint.cpp): accounts, databases,
// the server's caches and sessions, wherever a statement names them.
std::span<const ReachRule> mysql_replay_reach_rules();
std::vector<LintFinding> lint_mysql_files(const Migration& m, const std::filesystem::path& project_root);

// `migrate diff`: the dialect and the DDL writer (schema/ddl_writer.h).
extern const SqlDialect k_mysql_dialect;
Script write_mysql_ddl(const SchemaChanges& changes, const Schema& from, const Schema& to, const DdlOptions& options);

// $MYSQL_PWD is set.
bool mysql_environment_has_password(const net::Getenv& getenv);

// On the admin connection: the query finding the database `name` (information_schema.SCHEMATA),
// and its identifier in backticks.
std::string mysql_database_lookup(const Driver& admin, const std::string& name);
std::string mysql_database_identifier(const std::string& name);

}  // namespace strata::migrate
