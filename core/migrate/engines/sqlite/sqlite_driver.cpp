// The SQLite driver: a Connection (sqlite/connection.h), the flock (migration_lock.h), SQLite's
// own prepare-tail loop (sql_runner.h) and sqlite_schema (schema.h) behind the Driver interface.
#include <sqlite3.h>
#include <sys/statvfs.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <chrono>
#include <cstdint>
#include <filesystem>

#include "common/error.h"
#include "common/setting.h"
#include "common/text.h"
#include "migrate/engines/driver.h"
#include "migrate/engines/sqlite/sqlite_engine.h"
#include "migrate/engines/sqlite/migration_lock.h"
#include "migrate/engines/sqlite/sql_runner.h"
#include "sqlite/connection.h"

namespace strata::migrate {

namespace {

// What a migration section of a repository's may cost in an in-memory scratch database (check's
// replays, diff's proof, a dry run without a database): on an empty database a real section
// takes milliseconds, so these stop only what never ends or fills the memory.
constexpr std::chrono::seconds k_scratch_budget{300};
constexpr std::int64_t k_scratch_max_bytes = std::int64_t{1} << 30;
// The free space below which a run of commits keeps the rollback journal (many_commits).
constexpr std::uint64_t k_wal_run_min_free_bytes = std::uint64_t{64} << 20;

using sqlite::Connection;
using sqlite::OpenMode;

const Dialect& sqlite_dialect() {
  static const Dialect d{"BEGIN IMMEDIATE", "PRAGMA foreign_keys = ON;", "INTEGER", "REAL", "TEXT",
                         "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", "applied_at", "TEXT"};
  return d;
}

// SQLite's rollback journal makes a commit durable with four syncs at synchronous=FULL (the
// journal, its header, the database, the directory), WAL with one (the log). For a run of many
// small commits, `up` holds the database in exclusive locking mode and WAL, so each migration is
// still its own durable transaction at a quarter of the syncs, and puts both modes back when the
// run ends or fails. Exclusive locking keeps the WAL index out of a -shm file and makes the way
// back certain: no other connection can be reading the log when the journal mode is restored.
// A process killed mid-run leaves the database in WAL mode, which SQLite opens as it is.
class WalRun final : public CommitRun {
 public:
  WalRun(Connection& conn, std::string journal_mode) : conn_(conn), journal_mode_(std::move(journal_mode)) {}
  ~WalRun() override {
    sqlite3* db = conn_.handle();
    if (sqlite3_get_autocommit(db) == 0) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    const std::string back = "PRAGMA journal_mode = " + journal_mode_;
    sqlite3_exec(db, back.c_str(), nullptr, nullptr, nullptr);
    sqlite3_exec(db, "PRAGMA locking_mode = NORMAL", nullptr, nullptr, nullptr);
    // The exclusive lock goes at the next access in normal locking mode.
    sqlite3_exec(db, "SELECT 1 FROM sqlite_schema LIMIT 1", nullptr, nullptr, nullptr);
  }
  WalRun(const WalRun&) = delete;
  WalRun& operator=(const WalRun&) = delete;

 private:
  Connection& conn_;
  std::string journal_mode_;
};

// The first column of the first row of `sql` on `db`, or "" when it fails or gives none.
std::string pragma_text(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    if (const auto* text = sqlite3_column_text(stmt, 0)) out = reinterpret_cast<const char*>(text);
  }
  sqlite3_finalize(stmt);
  return to_lower(out);
}

class SqliteDriver final : public Driver {
 public:
  SqliteDriver(std::unique_ptr<MigrationLock> lock, std::unique_ptr<Connection> conn)
      : lock_(std::move(lock)), conn_(std::move(conn)), display_(conn_->path()) {}
  ~SqliteDriver() override {
    rollback();
    conn_.reset();  // the connection closes before the lock goes
  }

  DriverKind kind() const override { return DriverKind::sqlite; }
  const Dialect& dialect() const override { return sqlite_dialect(); }
  const std::string& display() const override { return display_; }
  std::string dump_title() const override {
    return std::filesystem::path(conn_->path()).filename().string();
  }

  void exec(const std::string& sql, const std::string& doing) override {
    try {
      conn_->db().exec(sql);
    } catch (const SQLite::Exception& e) {
      conn_->fail(e, doing);
    }
  }

  std::vector<std::vector<std::string>> query(const std::string& sql, const std::string& doing) override {
    std::vector<std::vector<std::string>> rows;
    try {
      SQLite::Statement q(conn_->db(), sql);
      while (q.executeStep()) {
        std::vector<std::string> row;
        for (int i = 0; i < q.getColumnCount(); ++i) row.push_back(q.getColumn(i).getString());
        rows.push_back(std::move(row));
      }
    } catch (const SQLite::Exception& e) {
      conn_->fail(e, doing);
    }
    return rows;
  }

  void exec_bound(const std::string& sql, double duration_ms, const std::string& doing) override {
    try {
      SQLite::Statement q(conn_->db(), sql);
      if (q.getBindParameterCount() > 0) q.bind(":duration_ms", duration_ms);
      q.exec();
    } catch (const SQLite::Exception& e) {
      conn_->fail(e, doing);
    }
  }

  void begin() override { conn_->exec("BEGIN IMMEDIATE"); }
  void commit() override { conn_->exec("COMMIT"); }
  void rollback() noexcept override {
    // A failed statement may already have ended the transaction.
    if (conn_ && sqlite3_get_autocommit(conn_->handle()) == 0) {
      sqlite3_exec(conn_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }

  bool in_transaction() override { return sqlite3_get_autocommit(conn_->handle()) == 0; }

  std::unique_ptr<CommitRun> many_commits() override {
    sqlite3* db = conn_->handle();
    // Only a rollback-journal file database this process writes (not a dry run's read-only or
    // in-memory scratch); a database already in WAL (or another mode the user chose) is left so.
    if (lock_ == nullptr || in_transaction() || sqlite3_db_readonly(db, "main") != 0) return nullptr;
    const std::string path = sqlite3_db_filename(db, "main") != nullptr ? sqlite3_db_filename(db, "main") : "";
    if (path.empty()) return nullptr;
    // The log and its checkpoint need room: on a nearly full disk a failed run could not put the
    // journal mode back, and the database would stay in WAL, unreadable there without room for
    // its -shm file. There the rollback journal stays.
    struct statvfs fs {};
    const std::string dir = std::filesystem::path(path).parent_path().string();
    if (::statvfs(dir.empty() ? "." : dir.c_str(), &fs) != 0 ||
        static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize < k_wal_run_min_free_bytes) {
      return nullptr;
    }
    const std::string mode = pragma_text(db, "PRAGMA journal_mode");
    if (mode != "delete" && mode != "truncate" && mode != "persist") return nullptr;
    if (sqlite3_exec(db, "PRAGMA locking_mode = EXCLUSIVE", nullptr, nullptr, nullptr) != SQLITE_OK) return nullptr;
    auto run = std::make_unique<WalRun>(*conn_, mode);
    // Fails (and stays in the journal mode it had) while another connection reads the database.
    if (pragma_text(db, "PRAGMA journal_mode = WAL") != "wal") return nullptr;  // run's destructor restores
    return run;
  }

  bool table_exists(const std::string& name) override { return conn_->table_exists(name); }
  std::vector<std::string> column_names(const std::string& table) override {
    std::vector<std::string> names;
    for (auto& row : query("SELECT name FROM pragma_table_info(" + sql_quote(table) + ")", "")) {
      names.push_back(std::move(row[0]));
    }
    return names;
  }
  std::string qualified(const std::string& name) const override { return sql_identifier(name); }

  std::size_t run_section(const Section& section, std::size_t skip, const StatementDone& on_done) override {
    conn_->clear_refused();
    conn_->start_budget();
    try {
      return migrate::run_section(conn_->handle(), section, skip, on_done);
    } catch (const Error& e) {
      if (conn_->over_budget()) throw over_budget(e);
      if (conn_->refused().empty()) throw;
      throw refusal(e);
    }
  }

  void refuse_other_files() override { conn_->refuse_other_files(); }
  std::vector<std::size_t> statement_offsets(std::string_view sql) const override {
    return migrate::statement_offsets(sql);
  }
  Schema read_schema(const std::string& exclude_table, const std::vector<std::string>* /*schemas*/) override {
    return migrate::read_schema(conn_->handle(), exclude_table);
  }

  void set_foreign_keys(bool on) override { conn_->set_foreign_keys(on); }
  std::optional<std::pair<std::string, std::size_t>> foreign_key_violations() override {
    const auto rows = query("PRAGMA foreign_key_check", "checking foreign keys");
    if (rows.empty()) return std::nullopt;
    const auto& r = rows.front();
    return std::make_pair("table " + r[0] + " rowid " + r[1] + " references a missing row in " + r[2],
                          rows.size());
  }

 private:
  // The runner's "file:line:col: not authorized" (or "authorization denied", VACUUM INTO's) in
  // words that say which file and why.
  Error refusal(const Error& e) const {
    std::string message = e.what();
    for (const std::string_view said : {std::string_view("not authorized"), std::string_view("authorization denied")}) {
      if (message.ends_with(said)) message.resize(message.size() - said.size());
    }
    return Error(e.code(),
                 message + "ATTACH or VACUUM INTO of " + conn_->refused() +
                     " refused: this database may change no file but its own",
                 "migrations replayed by check and diff, and a schema that load applies, reach no other "
                 "database file; `up` runs them on your database as written");
  }

  // The runner's "file:line:col: interrupted", said as what stopped it.
  Error over_budget(const Error& e) const {
    std::string message = e.what();
    if (message.ends_with("interrupted")) message.resize(message.size() - std::string_view("interrupted").size());
    return Error(e.code(),
                 message + "stopped after " + std::to_string(conn_->budget().count()) +
                     " s in the scratch database (a query that never ends?)",
                 "a section replayed by check, diff or " + mention(Setting::dry_run) + " may run " +
                     std::to_string(conn_->budget().count()) + " s and grow the scratch database to " +
                     std::to_string(k_scratch_max_bytes >> 20) + " MiB (strata-security(7))");
  }

  std::unique_ptr<MigrationLock> lock_;
  std::unique_ptr<Connection> conn_;
  std::string display_;
};

}  // namespace

std::unique_ptr<Driver> open_sqlite(const Endpoint& endpoint, Access access, const std::string& table,
                                    std::chrono::milliseconds lock_timeout) {
  (void)table;  // the lock is the file's own: one history table or another, one writer at a time
  const std::string& path = endpoint.path;
  switch (access) {
    case Access::write: {
      auto lock = std::make_unique<MigrationLock>(path, lock_timeout);
      auto conn = std::make_unique<Connection>(path, OpenMode::read_write_create, lock_timeout);
      conn->set_foreign_keys(true);
      return std::make_unique<SqliteDriver>(std::move(lock), std::move(conn));
    }
    // Nothing of the migrations runs on these; whatever might, reaches no other file.
    case Access::read_only: {
      auto conn = Connection::open_existing_read_only(path, lock_timeout);
      if (!conn) return nullptr;
      conn->refuse_other_files();
      return std::make_unique<SqliteDriver>(nullptr, std::move(conn));
    }
    case Access::dry_run: {
      auto conn = Connection::open_existing_read_only(path, lock_timeout);
      if (!conn) {
        conn = std::make_unique<Connection>(":memory:", OpenMode::read_write_create, lock_timeout);
        conn->bound_work(k_scratch_budget, k_scratch_max_bytes);
      }
      conn->refuse_other_files();
      return std::make_unique<SqliteDriver>(nullptr, std::move(conn));
    }
  }
  return nullptr;
}

std::unique_ptr<Driver> open_sqlite_scratch(const Endpoint*) {
  auto conn = std::make_unique<Connection>(":memory:", OpenMode::read_write_create, std::chrono::milliseconds(0));
  conn->set_foreign_keys(true);
  // `check` and `diff` run in CI on pull requests: a replayed migration changes nothing but
  // this scratch (no ATTACH '../app.db', no VACUUM INTO a path of its choosing).
  conn->refuse_other_files();
  conn->bound_work(k_scratch_budget, k_scratch_max_bytes);
  return std::make_unique<SqliteDriver>(nullptr, std::move(conn));
}

}  // namespace strata::migrate
