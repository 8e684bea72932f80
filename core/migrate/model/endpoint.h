#pragma once
// Where a database is (an engine, and a file or a server's address), as resolved from --database,
// $DATABASE_URL or ./.env (database_url.h) and read by its engine's row (engines/engine_url.h).
#include <chrono>
#include <string>

#include "migrate/model/foreign_history.h"

namespace strata::migrate {

enum class DriverKind { sqlite, postgres, mysql };

// The engine of a plain path, and whose rules apply when no database is given (lint, check).
inline constexpr DriverKind k_default_engine = DriverKind::sqlite;

// How strata reaches a MySQL or MariaDB server (mysql:// and mariadb:// URLs,
// engines/mysql/mysql_url.cpp).
struct MysqlAddress {
  std::string host;    // TCP host; empty with `socket`
  unsigned port = 0;   // the URL's port, else the engine's default (its URL parser sets it)
  std::string socket;  // a Unix socket path (?socket=); then host and port are not used
  std::string user;
  // ?ssl-mode= (the mysql client's names) or dbmate's ?tls=: DISABLED (the default, as dbmate's),
  // REQUIRED, VERIFY_CA, VERIFY_IDENTITY
  std::string ssl_mode = "DISABLED";
  std::string ssl_ca, ssl_cert, ssl_key;  // files
};

// Where a database is, as resolved from --database / $DATABASE_URL / .env (engines/engine_url.h).
struct Endpoint {
  DriverKind kind = k_default_engine;
  std::string path;      // sqlite: the database file
  std::string conninfo;  // postgres: what libpq is given (a URL, may hold a password)
  std::string display;   // for messages and --json: the path, or the URL with its password as ***
  std::string password;  // postgres, mysql: the password in the URL, or $PGPASSWORD / $MYSQL_PWD; scrubbed from messages
  std::string schema;    // postgres: --schema or ?search_path=; empty: the server's current_schema()
  std::string database;  // postgres, mysql: the database the URL names (its path, decoded); "" when none
  MysqlAddress mysql;    // mysql: host, port, socket, user and TLS
  // postgres: how long to retry a server that does not accept connections yet (--wait).
  // Default: 0, fail at once.
  std::chrono::milliseconds wait{0};
  // postgres, mysql: a bound on each wait on the server, for a caller that must answer in time
  // (the MCP server's migration tools, tools.h): connecting (libpq's connect_timeout, MySQL's
  // connect timeout), each statement and each lock wait (statement_timeout and lock_timeout;
  // MySQL's read and write timeouts and lock_wait_timeout). Rounded up to whole seconds where
  // the setting counts seconds. Default: 0, none: a migration run from the command line takes
  // as long as it takes.
  std::chrono::milliseconds call_timeout{0};
  long long call_timeout_seconds() const { return (call_timeout.count() + 999) / 1000; }  // rounded up
  // postgres: set when a file the user may not have written (./.env, a project's strata.toml)
  // chose the URL and the password from the environment ($PGPASSWORD, ~/.pgpass) was withheld:
  // that file, for the hint when the server then asks for a password.
  std::string password_withheld_for;
  // postgres, mysql: the file that chose this server when the user may not have written it and
  // has not trusted the server (with or without a password in the URL); "" otherwise. Values
  // from the environment (${NAME} placeholders) never go to such a server.
  std::string untrusted_choice;
  // Other tools' history tables: golang-migrate's ?x-migrations-table= (postgres, mysql; taken
  // over as schema_migrations is), Flyway's as the project names it.
  ForeignHistoryTables foreign_history;

  static Endpoint sqlite(std::string path);
};

}  // namespace strata::migrate
