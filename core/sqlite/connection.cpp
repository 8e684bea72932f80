#include "sqlite/connection.h"

#include <sqlite3.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "common/error.h"

namespace strata::sqlite {
namespace {

namespace fs = std::filesystem;

// Why SQLite could not open `path`, in the user's words: its message says only "unable to open
// database file" for a read-only mount, a missing folder and a permission problem alike.
std::string cannot_open_reason(const std::string& path) {
  std::error_code ec;
  const fs::path parent = fs::absolute(path, ec).parent_path();
  if (!fs::is_directory(parent, ec)) return " (its folder " + parent.string() + " does not exist)";
  struct statvfs vfs {};
  if (::statvfs(parent.c_str(), &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0) return " (read-only file system)";
  if (::access(parent.c_str(), W_OK) != 0) return " (its folder is not writable)";
  if (fs::exists(path, ec) && ::access(path.c_str(), R_OK | W_OK) != 0) return " (permission denied)";
  return "";
}

// True when the file system holding `path` has less room left than SQLite needs to start a WAL
// (its 32 KB shared-memory file and a first frame).
bool nearly_full(const std::string& path) {
  std::error_code ec;
  const fs::path parent = fs::absolute(path, ec).parent_path();
  struct statvfs vfs {};
  if (::statvfs(parent.c_str(), &vfs) != 0) return false;
  return static_cast<unsigned long long>(vfs.f_bavail) * vfs.f_frsize < 128ULL * 1024;
}

// A database file deleted or replaced while open (its folder removed mid-run) still takes
// writes, into an unlinked file: every later commit would report success and be lost. The
// commit hook refuses such a commit; SQLite then rolls it back with SQLITE_CONSTRAINT_COMMITHOOK.
int refuse_commit_if_moved(void* handle) {
  int moved = 0;
  if (sqlite3_file_control(static_cast<sqlite3*>(handle), "main", SQLITE_FCNTL_HAS_MOVED, &moved) != SQLITE_OK) {
    return 0;
  }
  return moved != 0 ? 1 : 0;
}

std::string describe_sqlite_failure(const std::exception& e, int code, const std::string& path,
                                    std::chrono::milliseconds busy) {
  if (code == SQLITE_CONSTRAINT_COMMITHOOK) {
    return path + ": the database file was deleted or replaced while strata was writing to it (the last changes were not kept)";
  }
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return path + ": database is locked by another process (waited " +
             std::to_string(static_cast<double>(busy.count()) / 1000.0).substr(0, 4) + " s)";
    case SQLITE_NOTADB:
      return path + ": not a SQLite database";
    case SQLITE_READONLY:
      if (code == SQLITE_READONLY_ROLLBACK) {
        return path + ": holds an unfinished transaction (" + path +
               "-journal, left by a run that was interrupted) that only a connection allowed to write can roll back";
      }
      return path + ": database is read-only";
    case SQLITE_CANTOPEN:
      return path + ": cannot open database" + cannot_open_reason(path);
    case SQLITE_FULL:
      return path + ": disk is full";
    case SQLITE_IOERR:
      // A full disk often surfaces as an I/O error, not SQLITE_FULL: a reader creating the WAL's
      // shared-memory file (search, documents list) gets SQLITE_IOERR_SHMSIZE.
      if (nearly_full(path)) return path + ": disk is full";
      return path + ": I/O error: " + e.what();
    case SQLITE_CORRUPT:
      return path + ": database is corrupt";
    default:
      return path + ": " + e.what();
  }
}

// A rollback journal (PATH-journal) may end with the name of a super-journal: the file that
// tied a transaction over several attached databases together. When SQLite rolls such a journal
// back, on the first read of any connection allowed to write, it reads that file as a list of
// journals and deletes it when none of them exists. A journal is a file like any other in a
// repository, so that name is the repository's to choose: with it, opening a database to
// read its status would delete any file the user may delete. strata's own transactions never
// span databases, so no journal it leaves names one; such a journal is refused before SQLite
// sees it. (The record is read as SQLite's readSuperJournal reads it: from the end of the file,
// the name's length, a checksum and the journal magic.)
void refuse_journal_naming_super_journal(const std::string& path) {
  static constexpr unsigned char k_magic[8] = {0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7};
  const std::string journal = path + "-journal";
  FILE* f = std::fopen(journal.c_str(), "rb");
  if (f == nullptr) return;
  unsigned char tail[16] = {};
  const bool read = std::fseek(f, -16, SEEK_END) == 0 && std::fread(tail, 1, sizeof tail, f) == sizeof tail;
  std::fclose(f);
  if (!read || std::memcmp(tail + 8, k_magic, sizeof k_magic) != 0) return;
  const std::uint32_t length = (std::uint32_t{tail[0]} << 24) | (std::uint32_t{tail[1]} << 16) |
                               (std::uint32_t{tail[2]} << 8) | std::uint32_t{tail[3]};
  if (length == 0) return;
  throw Error(ExitCode::unavailable,
              journal + ": an unfinished transaction that names another file for SQLite to delete when it is rolled "
                        "back (a super-journal); strata does not open the database",
              "strata never writes such a journal: if the database is yours, restore it from a copy, or remove " +
                  journal + " (the unfinished transaction is then lost)");
}

std::int64_t query_int(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  std::int64_t value = 0;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    value = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  return value;
}

// A FIFO blocks an open for ever (a read-only open of it waits for a writer), and a device is
// no database: a path a project chose may be either. Checked before anything opens the path.
void refuse_special_file(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st) || fs::is_regular_file(st) || fs::is_directory(st)) return;
  throw Error(ExitCode::unavailable,
              path + ": not a regular file (" + (fs::is_fifo(st) ? "a named pipe" : "a device or socket") +
                  "), not a database");
}

}  // namespace

Connection::Connection(const std::string& path, OpenMode mode, std::chrono::milliseconds busy)
    : path_(path), busy_timeout_(busy) {
  std::error_code ec;
  if (path != ":memory:" && fs::is_directory(path, ec)) {
    throw Error(ExitCode::unavailable, path + ": database path is a directory");
  }
  if (path != ":memory:" && !path.empty()) {
    refuse_special_file(path);
    refuse_journal_naming_super_journal(path);
  }
  const int flags = mode == OpenMode::read_only             ? SQLite::OPEN_READONLY
                    : mode == OpenMode::read_write_existing ? SQLite::OPEN_READWRITE
                                                            : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE;
  try {
    db_ = std::make_unique<SQLite::Database>(path, flags, static_cast<int>(busy.count()));
    if (mode != OpenMode::read_only && path != ":memory:") {
      sqlite3_commit_hook(db_->getHandle(), refuse_commit_if_moved, db_->getHandle());
    }
    // Reading the schema is the first thing that notices a file that is not a database.
    db_->exec("SELECT count(*) FROM sqlite_schema");
    if (mode == OpenMode::read_write_create && sqlite3_db_readonly(db_->getHandle(), "main") == 1) {
      throw Error(ExitCode::unavailable, path + ": database is read-only");
    }
  } catch (const SQLite::Exception& e) {
    fail(e, "open");
  }
}

Connection::~Connection() = default;

namespace {

// True for a database in WAL mode (file format bytes 18 and 19 are 2) with no -wal file: no
// WAL connection is open on it.
bool idle_wal_database(const std::string& path) {
  std::error_code ec;
  if (fs::exists(path + "-wal", ec)) return false;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  unsigned char header[20] = {};
  const std::size_t n = std::fread(header, 1, sizeof header, f);
  std::fclose(f);
  return n == sizeof header && header[18] == 2 && header[19] == 2;
}

}  // namespace

std::unique_ptr<Connection> Connection::open_existing_read_only(const std::string& path,
                                                                std::chrono::milliseconds busy) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return nullptr;
  refuse_special_file(path);  // idle_wal_database reads the file's header first
  // A read-only connection to a WAL database creates -wal and -shm files and cannot remove
  // them when it closes. When no other connection has them open, a read-write connection
  // limited by query_only reads the same and removes them on close; with nothing in the WAL,
  // closing writes nothing to the database file.
  // A rollback journal left by a killed `up` (a hot journal) can only be rolled back by a
  // connection allowed to write: a read-only one fails with "database is read-only". The
  // rollback is recovery, which SQLite does on the first read of such a connection, before any
  // query; query_only keeps everything after it a read. (A journal of a live writer is not hot:
  // the reader then waits for its lock as usual.)
  const bool journal = fs::exists(path + "-journal", ec);
  if (::access(path.c_str(), W_OK) == 0 && (journal || idle_wal_database(path))) {
    auto conn = std::make_unique<Connection>(path, OpenMode::read_write_existing, busy);
    conn->exec("PRAGMA query_only = ON");
    return conn;
  }
  return std::make_unique<Connection>(path, OpenMode::read_only, busy);
}

sqlite3* Connection::handle() { return db_->getHandle(); }

void Connection::refuse_other_files() {
  sqlite3* db = handle();
  sqlite3_enable_load_extension(db, 0);  // the C call and SQL's load_extension() both
  // Not SQLITE_LIMIT_ATTACHED = 0 as well: a plain VACUUM attaches a temporary database, and
  // would then fail with "too many attached databases".
  sqlite3_set_authorizer(db, &Connection::authorize, this);
}

void Connection::bound_work(std::chrono::seconds budget, std::int64_t max_bytes) {
  budget_ = budget;
  sqlite3* db = handle();
  // Every 10,000 virtual machine steps: well under a millisecond, so the deadline is kept to
  // the millisecond without measurable cost.
  sqlite3_progress_handler(db, 10000, &Connection::check_budget, this);
  const std::int64_t page_size = query_int(db, "PRAGMA page_size");
  exec("PRAGMA max_page_count = " + std::to_string(std::max<std::int64_t>(1, max_bytes / std::max<std::int64_t>(page_size, 512))));
  start_budget();
}

void Connection::start_budget() {
  over_budget_ = false;
  deadline_ = std::chrono::steady_clock::now() + budget_;
}

int Connection::check_budget(void* self) {
  auto* conn = static_cast<Connection*>(self);
  if (conn->budget_.count() <= 0 || std::chrono::steady_clock::now() < conn->deadline_) return 0;
  conn->over_budget_ = true;
  return 1;
}

int Connection::authorize(void* self, int action, const char* a, const char* /*b*/, const char* /*c*/,
                          const char* /*d*/) {
  if (action != SQLITE_ATTACH) return SQLITE_OK;
  // `a` is the file name when it is a literal (ATTACH, and the target of VACUUM INTO); null
  // when an expression computes it, which cannot be told apart from a file elsewhere.
  if (a != nullptr && (a[0] == '\0' || std::strcmp(a, ":memory:") == 0)) return SQLITE_OK;
  auto* conn = static_cast<Connection*>(self);
  conn->refused_ = a != nullptr ? "'" + std::string(a) + "'" : "a file name computed at run time";
  return SQLITE_DENY;
}

void Connection::fail(const std::exception& e, const std::string& doing) {
  int code = SQLITE_ERROR;
  if (const auto* se = dynamic_cast<const SQLite::Exception*>(&e)) code = se->getExtendedErrorCode();
  std::string message = describe_sqlite_failure(e, code, path_, busy_timeout_);
  if ((code & 0xff) == SQLITE_ERROR && !doing.empty()) message = path_ + ": " + doing + ": " + e.what();
  throw Error(ExitCode::unavailable, message);
}

void Connection::exec(const std::string& sql) {
  try {
    db_->exec(sql);
  } catch (const SQLite::Exception& e) {
    fail(e, "");
  }
}

bool Connection::table_exists(const std::string& name) {
  try {
    SQLite::Statement q(*db_, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?");
    q.bind(1, name);
    return q.executeStep();
  } catch (const SQLite::Exception& e) {
    fail(e, "");
  }
}

bool Connection::foreign_keys_enabled() {
  try {
    return db_->execAndGet("PRAGMA foreign_keys").getInt() != 0;
  } catch (const SQLite::Exception& e) {
    fail(e, "");
  }
}

void Connection::set_foreign_keys(bool on) { exec(on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF"); }

Transaction::Transaction(Connection& conn) : conn_(conn) { conn_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (done_) return;
  // A failed statement may already have ended the transaction; rollback is then a no-op.
  if (sqlite3_get_autocommit(conn_.handle()) == 0) {
    sqlite3_exec(conn_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  conn_.exec("COMMIT");
  done_ = true;
}

}  // namespace strata::sqlite
