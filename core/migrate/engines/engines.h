#pragma once
// The engines strata migrates, one row each, as dbmate's RegisterDriver and ccache's storage
// table have them: how a database of the engine is opened for a command (open_driver), as an
// empty scratch to replay into (open_scratch) and as its server's own connection for `create`,
// `drop` and `wait`; how the run plan reads its statements, its lint rules, its DDL writer and
// SQL dialect, its URL schemes and default port, and what else differs between engines. Nothing
// outside engines/ and model/ names an engine: it asks the row (URLs: engine_url.h). A new
// engine is a folder under engines/ (its driver, URL parser, statement scan, lint rules, DDL
// writer), a row in engines.cpp and its DriverKind value; engines.cpp is the one file that
// includes every engine.
#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "migrate/engines/driver.h"
#include "migrate/engines/lint_rules.h"
#include "migrate/engines/statement_scan.h"
#include "migrate/model/database_url.h"
#include "migrate/schema/ddl_writer.h"
#include "net/endpoint.h"

namespace strata::migrate {

// How `migrate load` applies a dump to an empty database.
enum class LoadOrder {
  as_written,        // the dump's order is the order the objects were created (SQLite)
  dependency_order,  // sorted by kind and name: each statement after what it needs (dependency_order.h)
  undo_on_failure,   // DDL commits as it goes: a failure drops what the dump had created
};

// Where the engine's databases are.
enum class Storage {
  file,    // a file, created and dropped as one (SQLite); no server, no scratch server
  server,  // on a server, created and dropped through its admin connection
};

// What `migrate wait` waits for.
enum class WaitFor {
  file,      // nothing: the file's folder is checked and an existing file opened
  server,    // the server to accept a connection (open_admin with no target)
  database,  // the database itself to accept a connection (open_driver retries for Endpoint::wait)
};

struct Engine {
  DriverKind kind;
  std::string_view name;   // as messages and --json name it
  std::string_view title;  // as prose names it: "PostgreSQL"
  Storage storage;
  // The URL schemes naming a database of the engine, lower case: a server's URLs are
  // SCHEME://..., a file engine's SCHEME:PATH (and a plain path is the default engine's file).
  std::span<const std::string_view> schemes;
  // How an origin (engine_url.h's server_origin: which servers the user trusts) spells each of
  // `schemes`, so that an engine's aliases are one server; and the port a URL without one means.
  // "" and 0 for files.
  std::string_view origin_scheme;
  unsigned default_port;
  // A URL of the engine, in the hint for a scheme no engine has ("postgres://user@host/db").
  std::string_view url_form;
  // A server's URL into the engine's Endpoint (engine_url.h's endpoint_from_url); null for files,
  // whose URL names the file.
  Endpoint (*endpoint_from_url)(const std::string& url, const UrlChoice& choice);
  WaitFor wait_for;
  // A URL naming a database of the engine, for the hint when a URL names none ("" for files).
  std::string_view url_example;
  // DDL commits the open transaction (MySQL, MariaDB): the history table is created before a
  // migration's transaction, and a batch cannot be one transaction (--atomic).
  bool ddl_commits;
  std::string_view false_literal;  // a boolean column's false, in a hint's SQL
  LoadOrder load_order;
  // --schema and --concurrently apply (PostgreSQL: schemas in a database, CREATE INDEX CONCURRENTLY).
  bool schemas;
  bool concurrent_indexes;
  // Where the client finds a password the URL does not give, for messages ("$MYSQL_PWD"), and
  // whether the environment holds one; "" and null for an engine without passwords.
  std::string_view password_sources;
  bool (*environment_has_password)(const net::Getenv& getenv);

  // How the run plan (run/run_plan.h) reads a section's statements.
  ScanStatements scan_statements;
  // The code of a statement that cannot run inside a transaction ("not-in-transaction").
  std::string_view no_transaction_code;
  // "" when the section option foreign_keys:off is honoured; else why it is refused.
  std::string_view foreign_keys_off_refusal;
  // The statement that makes each statement of a migration give up waiting for a table's lock
  // after `timeout` (--ddl-lock-timeout, migrate.ddl_lock_timeout); null: the engine has no such
  // wait (SQLite's is the busy timeout).
  std::string (*ddl_lock_timeout_sql)(std::chrono::milliseconds timeout);
  // Lint (check/lint.h): the engine's rules for a section, and for the files a migration reaches
  // (null: none).
  LintSection lint_section;
  LintFiles lint_files;
  // `migrate diff`: the engine's SQL, and its writer of DDL.
  const SqlDialect* dialect;
  WriteDdl write_ddl;

  // How a database of the engine is opened: for a command (open_driver's contract, driver.h)...
  std::unique_ptr<Driver> (*open)(const Endpoint& endpoint, Access access, const std::string& table,
                                  std::chrono::milliseconds lock_timeout);
  // ...as an empty scratch to replay into (`server` null: SQLite's in-memory scratch)...
  std::unique_ptr<Driver> (*open_scratch)(const Endpoint* server);
  // ...and as a connection to the server for creating or dropping the database `target` ("" to
  // wait for the server); null for an engine whose databases are files.
  std::unique_ptr<Driver> (*open_admin)(const Endpoint& server, const std::string& target);
  // On the admin connection: the query that returns a row when the database `name` exists, and
  // `name` as an identifier in CREATE/DROP DATABASE; null for an engine whose databases are files.
  std::string (*database_lookup)(const Driver& admin, const std::string& name);
  std::string (*database_identifier)(const std::string& name);
  // A schema file's SQL (load, diff's desired schema) as the server reads it, without the lines
  // the engine's own client runs (PostgreSQL: pg_dump's \restrict); null: the file as it is.
  std::string (*schema_file_sql)(std::string_view sql) = nullptr;
  // Starts loading the engine's client library on another thread, for a command about to connect
  // (engine_url.h's preload_client); null: nothing worth loading early.
  std::jthread (*preload_client)() = nullptr;
  // The server lint judges for, where the engine's servers differ (MySQL and MariaDB, by
  // version: mysql/mysql_server.h): whether a server's VERSION() text names one, and the setting
  // checked (Error(usage) naming it when it is not a version); null where every server is alike.
  bool (*names_lint_server)(std::string_view version) = nullptr;
  void (*check_lint_server)(std::string_view setting) = nullptr;
};

// Every engine, in DriverKind's order.
std::span<const Engine> engines();
const Engine& engine(DriverKind kind);

}  // namespace strata::migrate
