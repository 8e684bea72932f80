#pragma once
// A SQLite connection, shared by the migration engine (migrate/sqlite_driver) and the store:
// opening with errors in the user's words, and a BEGIN IMMEDIATE transaction. Internal to core:
// SQLiteCpp types stop here.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

struct sqlite3;
namespace SQLite {
class Database;
}

namespace strata::sqlite {

enum class OpenMode {
  read_write_create,  // `up`, `down`, ...: creates the file if needed
  read_only,          // `check`, `status`, `dump`: never writes, never creates
  read_write_existing,  // internal: see open_existing_read_only
};

class Connection {
 public:
  // Opens `path` (":memory:" for a scratch database). Errors become Error(unavailable) naming
  // the path: a directory, not a database, unreadable, read-only when writing.
  // `busy_timeout` is how long a statement waits for another process's lock.
  Connection(const std::string& path, OpenMode mode, std::chrono::milliseconds busy_timeout);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Opens read-only if the file exists; null when it does not (nothing is created). Leaves no
  // -wal/-shm files behind on a WAL database that no one else has open.
  static std::unique_ptr<Connection> open_existing_read_only(const std::string& path,
                                                              std::chrono::milliseconds busy);

  SQLite::Database& db() { return *db_; }
  sqlite3* handle();
  const std::string& path() const { return path_; }
  std::chrono::milliseconds busy_timeout() const { return busy_timeout_; }

  // Runs SQL with no results; SQLite errors become Error(code) prefixed with `context`.
  void exec(const std::string& sql);
  bool table_exists(const std::string& name);
  bool foreign_keys_enabled();
  void set_foreign_keys(bool on);

  // Converts a SQLite failure into the user-facing error for this connection.
  [[noreturn]] void fail(const std::exception& e, const std::string& doing);

  // From now on no statement on this connection reaches another database file: SQLite's
  // authorizer refuses ATTACH of any file (VACUUM INTO, which SQLite authorizes as an ATTACH of
  // its target, with it), except a private temporary database ("" or ":memory:", what a plain
  // VACUUM attaches); loading extensions stays off. For SQL from files a repository wrote, run
  // where the user asked for no change outside one database: scratch replays, dry runs, `load`.
  // A refused statement fails with SQLite's "not authorized"; refused() then names the file.
  void refuse_other_files();
  // Bounds what SQL a repository wrote can cost in a scratch database that lives in memory:
  // each run started with start_budget() may take `budget` of time (SQLite's progress handler
  // interrupts it: a recursive query that never ends), and the database may grow to `max_bytes`
  // (max_page_count: rows of randomblob() would otherwise fill the memory). An interrupted run
  // fails with SQLite's "interrupted" and over_budget() true; a full one with SQLITE_FULL.
  void bound_work(std::chrono::seconds budget, std::int64_t max_bytes);
  void start_budget();
  bool over_budget() const { return over_budget_; }
  std::chrono::seconds budget() const { return budget_; }
  // What the last refusal was about ("'../x.db'", or "a file name computed at run time"); empty
  // when nothing was refused since clear_refused().
  const std::string& refused() const { return refused_; }
  void clear_refused() { refused_.clear(); }

 private:
  static int check_budget(void* self);
  static int authorize(void* self, int action, const char* a, const char* b, const char* c, const char* d);

  std::string path_;
  std::string refused_;
  std::unique_ptr<SQLite::Database> db_;
  std::chrono::milliseconds busy_timeout_;
  std::chrono::seconds budget_{0};
  std::chrono::steady_clock::time_point deadline_{};
  bool over_budget_ = false;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back in its destructor unless committed. Never throws from
// the destructor.
class Transaction {
 public:
  explicit Transaction(Connection& conn);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& conn_;
  bool done_ = false;
};

}  // namespace strata::sqlite
