#pragma once
// The database under the migration engine. The engine (migrator, history, checker) speaks to a
// Driver only; sqlite_driver.cpp, postgres_driver.cpp and mysql_driver.cpp are the implementations,
// and the only files that know SQLite's, libpq's or Connector/C's API for user databases.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/model/endpoint.h"
#include "migrate/model/migration.h"
#include "migrate/schema/schema.h"

namespace strata::migrate {

enum class Access {
  write,      // up, down, ...: takes the migration lock; SQLite creates the file
  read_only,  // status, check, dump: never writes, never creates, no lock
  dry_run,    // like read_only; SQLite falls back to an empty in-memory database
};

// Called after statement `index` (0-based) of a section completed.
using StatementDone = std::function<void(std::size_t index)>;

// The SQL spelling the history table and the dry run need.
struct Dialect {
  std::string begin;         // "BEGIN IMMEDIATE" / "BEGIN"
  std::string preamble;      // session settings printed at the top of a dry run ("" for none)
  std::string version_type;  // of the history's version column
  std::string real_type;     // of duration_ms
  std::string time_type;     // of applied_at
  std::string now;           // the current time as stored in applied_at
  std::string read_time;     // applied_at as ISO-8601 UTC text (`applied_at` or a to_char())
  std::string short_text;    // of the history's state column (MySQL gives TEXT no literal default)
};

// What Driver::many_commits() changed for a run of commits, undone by its destructor.
class CommitRun {
 public:
  virtual ~CommitRun() = default;
};

class Driver {
 public:
  virtual ~Driver() = default;

  virtual DriverKind kind() const = 0;
  virtual const Dialect& dialect() const = 0;
  // Names the database in messages; never holds a password.
  virtual const std::string& display() const = 0;
  // The first line of `dump`: which database, without host, port or user (so dumps compare).
  virtual std::string dump_title() const = 0;
  // What a dump needs before its objects to load in name order ("" for none).
  virtual std::string dump_preamble() const { return {}; }

  // Statements with no result. A failure becomes Error(unavailable) naming the database and
  // `doing` (when not empty).
  virtual void exec(const std::string& sql, const std::string& doing = {}) = 0;
  // Every row of `sql`, each column as text (NULL as "").
  virtual std::vector<std::vector<std::string>> query(const std::string& sql,
                                                      const std::string& doing = {}) = 0;
  // Runs a history statement, binding :duration_ms (if it appears) to `duration_ms`.
  virtual void exec_bound(const std::string& sql, double duration_ms, const std::string& doing) = 0;

  // Explicit transactions. rollback() never throws and is a no-op outside a transaction.
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  // Whether a transaction is open on the connection: strata's, or one a section began itself.
  virtual bool in_transaction() = 0;

  // A run of many commits (`up` of several migrations, each its own transaction) may make each
  // commit durable more cheaply for as long as the returned value lives: on SQLite, one sync a
  // commit in WAL mode instead of four in the rollback journal (sqlite_driver.cpp). nullptr when
  // the engine has nothing to gain. Whatever it changes is put back when the value goes.
  virtual std::unique_ptr<CommitRun> many_commits() { return nullptr; }

  // `name` in the migration schema (SQLite: main; PostgreSQL: --schema or current_schema()).
  virtual bool table_exists(const std::string& name) = 0;
  virtual std::vector<std::string> column_names(const std::string& table) = 0;
  // `name` quoted, and qualified with the migration schema where the database has schemas.
  virtual std::string qualified(const std::string& name) const = 0;
  // `text` as a string literal of this database's SQL (MySQL also escapes backslashes).
  virtual std::string quote(std::string_view text) const;
  // SQL run before the history table is created (PostgreSQL: CREATE SCHEMA for --schema).
  virtual std::string prepare_schema_sql() const { return {}; }

  // Runs every statement of `section`, skipping the first `skip` (a resumed transaction:false
  // migration). A failure throws Error(migration_failed) "file:line:col: <database's message>".
  // Returns the number of statements.
  virtual std::size_t run_section(const Section& section, std::size_t skip = 0,
                                  const StatementDone& on_done = {}) = 0;
  // Byte offsets at which each statement of `sql` starts, found without a database.
  virtual std::vector<std::size_t> statement_offsets(std::string_view sql) const = 0;

  // The schema in normalised form, leaving out the database's internals and everything that
  // belongs to `exclude_table` (the history table).
  // PostgreSQL: besides the migration schema, the other user schemas named in `schemas`, or all of
  // them when null (objects there are named "schema.name").
  virtual Schema read_schema(const std::string& exclude_table, const std::vector<std::string>* schemas = nullptr) = 0;

  // SQLite's foreign_keys:off sections. PostgreSQL refuses the option (Error(invalid_input)).
  virtual void set_foreign_keys(bool on) = 0;
  // Empty when no row references a missing one; else a description and the count.
  virtual std::optional<std::pair<std::string, std::size_t>> foreign_key_violations() = 0;

  // From now on no statement reaches a database file other than this one: SQLite refuses ATTACH
  // and VACUUM INTO (sqlite/connection.h), and a section that tries fails with
  // Error(migration_failed) "file:line:col: ..." naming the file it named. For SQL that a
  // repository wrote run where the user asked for no change outside one database (`load`;
  // open_scratch, read-only and dry-run connections do it themselves). PostgreSQL and MySQL:
  // nothing (a server's files are its own).
  virtual void refuse_other_files() {}

  // For a scratch database (open_scratch): what makes it less isolated than it should be, for a
  // warning; empty when nothing does.
  virtual std::string scratch_caveat() const { return {}; }
};

// Opens `endpoint`. For Access::write, takes the cross-process migration lock first (SQLite: a
// flock on the file; PostgreSQL: a session pg_advisory_lock keyed on database, schema and
// `table`), waiting up to `lock_timeout`, which is also SQLite's busy timeout. For read_only,
// returns null when a SQLite file does not exist. Errors are Error(unavailable).
std::unique_ptr<Driver> open_driver(const Endpoint& endpoint, Access access, const std::string& table,
                                    std::chrono::milliseconds lock_timeout);

// An empty database to replay migrations into, thrown away when the driver is destroyed: an
// in-memory SQLite database (refusing other files: Driver::refuse_other_files), or for a PostgreSQL `server` a scratch database created on it (and
// dropped, also when SIGINT/SIGTERM/SIGHUP interrupt the replay). When the role cannot create
// databases, a scratch schema in the live database instead, which refuses statements that name
// another schema, set the search_path or create a schema (scratch_caveat() says so). Statements
// on roles, tablespaces and databases are never replayed. `server` null means SQLite.
std::unique_ptr<Driver> open_scratch(const Endpoint* server);

}  // namespace strata::migrate
