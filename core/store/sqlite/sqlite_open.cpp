#include "store/sqlite/sqlite_backend.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "common/error.h"
#include "common/setting.h"
#include "migrate/model/migration_parser.h"
#include "migrate/model/migration_source.h"
#include "migrate/run/migrator.h"
#include "sqlite/connection.h"
#include "store/sqlite/index_terms_backfill.h"
#include "store/embedded_migrations.h"
#include "store/fts_bm25.h"
#include "store/no_store.h"
#include "store/shipped_migrations.h"
#include "store/sqlite/sqlite_backend.h"

namespace strata::store {
namespace sqlite_store {
namespace {

migrate::MigrationSet shipped_migrations() {
  return shipped_migrations_of(store_migration_files(), "strata:migrations");
}

// The versions of the store's own migrations, from their file names alone: hashing and parsing
// the files (shipped_migrations) is only needed when there is something to apply.
const std::vector<migrate::Version>& shipped_versions() {
  static const std::vector<migrate::Version> versions = shipped_versions_of(store_migration_files());
  return versions;
}

// True when the store's history holds exactly the shipped migrations, each applied in full: the
// common case, which then costs one query instead of the migrator's status (the shipped files
// parsed and hashed, two more connections and a thread). Anything else (a new, older, newer or
// foreign database) takes the full path, with its checks and messages. One statement, one
// snapshot: a process upgrading the store meanwhile is either seen finished or not at all.
bool up_to_date(sqlite::Connection& conn) {
  if (!conn.table_exists(k_store_history_table)) return false;
  SQLite::Statement q(conn.db(), std::string("SELECT version, state = 'applied' FROM ") + k_store_history_table +
                                     " ORDER BY version");
  const std::vector<migrate::Version>& shipped = shipped_versions();
  std::size_t i = 0;
  while (q.executeStep()) {
    if (i == shipped.size() || q.getColumn(0).getInt64() != shipped[i] || q.getColumn(1).getInt() != 1) return false;
    ++i;
  }
  return i == shipped.size();
}

// A SQLite file with tables of its own and no store history is someone else's database:
// applying the store's migrations to it would fail half-way or, worse, succeed.
void refuse_foreign_database(const std::string& path, std::chrono::milliseconds busy) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return;
  auto conn = sqlite::Connection::open_existing_read_only(path, busy);
  if (!conn) return;
  // One statement, so one snapshot: asked separately, another process creating the store could
  // commit its first migration between "no history table" and "other tables", and a store
  // being born would be refused as someone else's database.
  SQLite::Statement q(conn->db(),
                      "SELECT coalesce(sum(name = ?), 0), count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'");
  q.bind(1, k_store_history_table);
  if (q.executeStep() && q.getColumn(0).getInt64() == 0 && q.getColumn(1).getInt64() > 0) {
    throw Error(ExitCode::unavailable, path + ": not a strata store (a SQLite database with other tables)",
                "give " + mention(Setting::store) + " a new file or an existing store");
  }
}

void upgrade(const std::string& path, std::chrono::milliseconds busy) {
  refuse_foreign_database(path, busy);
  migrate::MigrationSet shipped = shipped_migrations();
  const migrate::Version latest = shipped.migrations.back().version;
  migrate::Migrator migrator(migrate::Target{migrate::Endpoint::sqlite(path), k_store_history_table, busy},
                             std::move(shipped));
  const migrate::Status status = migrator.status();
  for (const migrate::StatusEntry& e : status.entries) {
    if (e.state == migrate::EntryState::missing && e.version > latest) {
      throw Error(ExitCode::history_mismatch,
                  path + ": store schema version " + std::to_string(e.version) +
                      " is newer than this strata supports (" + std::to_string(latest) + ")",
                  "upgrade strata to use this store");
    }
  }
  if (status.pending == 0) return;
  try {
    migrator.up(migrate::UpOptions{});
  } catch (const Error& e) {
    // The migrator names the shipped file that failed, which means nothing to a user whose
    // disk filled while the store was being created: say it as every other full-disk write does.
    // Each migration is its own transaction, so what was applied is whole.
    if (std::string_view(e.what()).find("disk is full") == std::string_view::npos) throw;
    throw Error(ExitCode::unavailable, path + ": disk is full", "free some space and run the command again");
  }
}

// WAL lets readers run beside a writer. Switching a new store to it needs a moment with no other
// connection reading: when two processes create the store at once both switch, and SQLite
// answers one of them SQLITE_BUSY at once rather than wait, since waiting could deadlock (seen
// in trial_ingest_concurrent, 2 in 600 three-process starts). The switch is idempotent: retry
// it until the busy timeout, then report it as any other lock.
void use_wal(sqlite::Connection& conn) {
  const auto deadline = std::chrono::steady_clock::now() + conn.busy_timeout();
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      conn.db().exec("PRAGMA journal_mode = WAL");
      return;
    } catch (const SQLite::Exception& e) {
      if ((e.getErrorCode() & 0xff) != SQLITE_BUSY) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  conn.exec("PRAGMA journal_mode = WAL");
}

std::int64_t applied_version(sqlite::Connection& conn) {
  if (!conn.table_exists(k_store_history_table)) return 0;
  SQLite::Statement q(conn.db(), std::string("SELECT max(version) FROM ") + k_store_history_table);
  return q.executeStep() && !q.getColumn(0).isNull() ? q.getColumn(0).getInt64() : 0;
}

}  // namespace

std::int64_t latest_schema_version() { return shipped_versions().back(); }

// A file store's connection, ready: WAL, synchronous NORMAL, foreign keys, the pending derived
// terms filled and strata_bm25 registered.
OpenedBackend open(const std::string& path, const OpenOptions& options) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::unique_ptr<sqlite::Connection> conn;
  if (std::filesystem::exists(path, ec)) {
    try {
      conn = std::make_unique<sqlite::Connection>(path, sqlite::OpenMode::read_write_existing, options.busy_timeout);
      if (!up_to_date(*conn)) conn.reset();
    } catch (const std::exception&) {
      conn.reset();  // the full path below reports it in its own words
    }
  }
  if (!conn) {
    upgrade(path, options.busy_timeout);
    conn = std::make_unique<sqlite::Connection>(path, sqlite::OpenMode::read_write_existing, options.busy_timeout);
  }
  // WAL lets readers run beside a writer; NORMAL sync keeps every commit across a process
  // crash (kill -9) and only risks the last commits on power loss, never corruption.
  use_wal(*conn);
  conn->exec("PRAGMA synchronous = NORMAL");
  conn->exec("PRAGMA foreign_keys = ON");
  // Rows an upgrade listed (CJK text, names such as C++) get their keyword terms (nothing to do
  // once done).
  fill_pending_index_terms(*conn);
  // Keyword search ranks with strata_bm25 (fts_bm25.h); functions live on the connection.
  register_fts_bm25(conn->db().getHandle());
  return OpenedBackend{std::make_unique<Backend>(std::move(conn), path), path, latest_schema_version()};
}

OpenedBackend open_existing(const std::string& path, const OpenOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw NoStore(path, "ingest documents first: strata ingest PATH");
  }
  return open(path, options);
}

std::optional<OpenedBackend> open_read_only(const std::string& path, const OpenOptions& options) {
  auto conn = sqlite::Connection::open_existing_read_only(path, options.busy_timeout);
  if (!conn) return std::nullopt;
  const std::int64_t version = applied_version(*conn);
  if (version < latest_schema_version()) {
    throw Error(ExitCode::unavailable,
                path + ": store schema version " + std::to_string(version) + " needs an upgrade to " +
                    std::to_string(latest_schema_version()) + ", which a dry run does not do",
                "run the command once without " + mention(Setting::dry_run));
  }
  register_fts_bm25(conn->db().getHandle());
  return OpenedBackend{std::make_unique<Backend>(std::move(conn), path), path, version};
}

// Beside the file: `<path>.vectors`; none for a store without a file (":memory:", "", a URI).
std::string Backend::derived_folder(const std::string&) const {
  if (path_.empty() || path_ == ":memory:" || path_.starts_with("file:")) return {};
  return path_ + ".vectors";
}

}  // namespace sqlite_store

// The store's connection; a store on another backend has none, and a caller that reaches here
// for one is a bug, said as one.
static sqlite_store::Backend& sqlite_backend(Store& store) {
  auto* b = dynamic_cast<sqlite_store::Backend*>(&store.backend());
  if (b == nullptr) throw Error(ExitCode::unavailable, store.path() + ": not a SQLite store (internal error: no PostgreSQL path)");
  return *b;
}

SQLite::Database& database(Store& store) { return sqlite_backend(store).conn().db(); }
sqlite::Connection& connection(Store& store) { return sqlite_backend(store).conn(); }

}  // namespace strata::store
