// sqlite_floor: the physical floor for applying SQL migrations to SQLite.
//
// A plain program against the SQLite C API (no strata code): it reads the up/down sections of
// the dbmate-format migration files in DIR (untimed), then times only the database work:
//
//   per     each migration's up SQL in its own BEGIN IMMEDIATE ... COMMIT, together with one
//           INSERT into a small history table (what `strata migrate up` must do at least)
//   atomic  the same statements and INSERTs, all in one BEGIN IMMEDIATE ... COMMIT
//           (floor for `up --atomic`)
//   down N  the newest N applied migrations: each down SQL + one DELETE from the history table
//           in its own transaction (floor for `down --steps N`)
//   status  read every migration file and split its sections, open the database read-only and
//           read the whole history table (floor for `status`/`check` on an up-to-date database;
//           here the file reading IS timed, and any first statement makes SQLite load the schema)
//
// The connection keeps SQLite's defaults (journal_mode=DELETE, synchronous=FULL), as strata does.
// --synchronous=normal sets PRAGMA synchronous=NORMAL instead: what dbmate's driver
// (mattn/go-sqlite3) does on every connection; one fsync fewer per commit (3 instead of 4).
// --wal holds the database in exclusive locking mode and WAL for the run and returns it to
// DELETE at the end: what `strata migrate up` does for a run of two or more migrations (one sync
// a commit).
// The timed span is open + schema check + all transactions + close. One JSON line on stdout.
//
//   build: g++ -O2 bench/sqlite_floor.cpp -lsqlite3 -o sqlite_floor
//   usage: sqlite_floor [--synchronous=normal] [--wal] per|atomic DB DIR
//          sqlite_floor [--synchronous=normal] [--wal] down DB DIR N
//          sqlite_floor status DB DIR
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Migration {
  long long version;
  std::string name;
  std::string up;
  std::string down;
};

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "sqlite_floor: %s\n", msg.c_str());
  std::exit(1);
}

void exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string m = err ? err : "unknown error";
    sqlite3_free(err);
    die("SQL error: " + m);
  }
}

// Split "-- migrate:up ... -- migrate:down ..." (dbmate format).
std::vector<Migration> load(const std::string& dir) {
  std::vector<Migration> out;
  DIR* d = opendir(dir.c_str());
  if (!d) die("cannot open " + dir);
  while (dirent* e = readdir(d)) {
    std::string f = e->d_name;
    if (f.size() < 5 || f.compare(f.size() - 4, 4, ".sql") != 0) continue;
    size_t us = f.find('_');
    if (us == std::string::npos) continue;
    std::ifstream in(dir + "/" + f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    size_t u = text.find("-- migrate:up");
    size_t dn = text.find("-- migrate:down");
    if (u == std::string::npos || dn == std::string::npos || dn < u) die("bad file " + f);
    size_t ubody = text.find('\n', u);
    size_t dbody = text.find('\n', dn);
    Migration m;
    m.version = std::atoll(f.substr(0, us).c_str());
    m.name = f.substr(us + 1, f.size() - us - 5);
    m.up = text.substr(ubody + 1, dn - ubody - 1);
    m.down = dbody == std::string::npos ? "" : text.substr(dbody + 1);
    out.push_back(std::move(m));
  }
  closedir(d);
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  bool normal = false;
  bool wal = false;
  while (argc > 1 && (std::strcmp(argv[1], "--synchronous=normal") == 0 || std::strcmp(argv[1], "--wal") == 0)) {
    (std::strcmp(argv[1], "--wal") == 0 ? wal : normal) = true;
    ++argv;
    --argc;
  }
  if (argc < 4) die("usage: sqlite_floor [--synchronous=normal] [--wal] per|atomic DB DIR | ... down DB DIR N");
  std::string mode = argv[1], path = argv[2], dir = argv[3];
  int steps = argc > 4 ? std::atoi(argv[4]) : 0;
  if (mode != "per" && mode != "atomic" && mode != "down" && mode != "status") die("unknown mode " + mode);
  if (mode == "status") {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<Migration> migs = load(dir);
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) die("cannot open database");
    sqlite3_stmt* q = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT version, name, applied_at FROM floor_migrations ORDER BY version", -1, &q,
                           nullptr) != SQLITE_OK)
      die(sqlite3_errmsg(db));
    size_t rows = 0;
    while (sqlite3_step(q) == SQLITE_ROW) ++rows;
    sqlite3_finalize(q);
    sqlite3_close(db);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("{\"tool\":\"sqlite-floor\",\"mode\":\"status\",\"sqlite\":\"%s\",\"files\":%zu,\"rows\":%zu,"
                "\"seconds\":%.5f}\n",
                sqlite3_libversion(), migs.size(), rows, s);
    return 0;
  }
  std::vector<Migration> migs = load(dir);

  auto t0 = std::chrono::steady_clock::now();
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) die("cannot open database");
  if (normal) exec(db, "PRAGMA synchronous=NORMAL");
  if (wal) exec(db, "PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL");
  exec(db,
       "CREATE TABLE IF NOT EXISTS floor_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
       " applied_at TEXT NOT NULL)");
  int done = 0;
  if (mode == "down") {
    // newest applied first
    std::vector<long long> applied;
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, "SELECT version FROM floor_migrations ORDER BY version DESC LIMIT ?", -1, &q,
                       nullptr);
    sqlite3_bind_int(q, 1, steps);
    while (sqlite3_step(q) == SQLITE_ROW) applied.push_back(sqlite3_column_int64(q, 0));
    sqlite3_finalize(q);
    sqlite3_stmt* del = nullptr;
    sqlite3_prepare_v2(db, "DELETE FROM floor_migrations WHERE version = ?", -1, &del, nullptr);
    for (long long v : applied) {
      auto it = std::find_if(migs.begin(), migs.end(), [v](const Migration& m) { return m.version == v; });
      if (it == migs.end()) die("no file for applied version");
      exec(db, "BEGIN IMMEDIATE");
      exec(db, it->down);
      sqlite3_bind_int64(del, 1, v);
      if (sqlite3_step(del) != SQLITE_DONE) die(sqlite3_errmsg(db));
      sqlite3_reset(del);
      exec(db, "COMMIT");
      ++done;
    }
    sqlite3_finalize(del);
  } else {
    bool atomic = mode == "atomic";
    sqlite3_stmt* ins = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT INTO floor_migrations (version, name, applied_at)"
                       " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
                       -1, &ins, nullptr);
    if (atomic) exec(db, "BEGIN IMMEDIATE");
    for (const Migration& m : migs) {
      if (!atomic) exec(db, "BEGIN IMMEDIATE");
      exec(db, m.up);
      sqlite3_bind_int64(ins, 1, m.version);
      sqlite3_bind_text(ins, 2, m.name.c_str(), -1, SQLITE_STATIC);
      if (sqlite3_step(ins) != SQLITE_DONE) die(sqlite3_errmsg(db));
      sqlite3_reset(ins);
      if (!atomic) exec(db, "COMMIT");
      ++done;
    }
    if (atomic) exec(db, "COMMIT");
    sqlite3_finalize(ins);
  }
  if (wal) exec(db, "PRAGMA journal_mode=DELETE; PRAGMA locking_mode=NORMAL");
  if (sqlite3_close(db) != SQLITE_OK) die("close failed");
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"tool\":\"sqlite-floor\",\"synchronous\":\"%s\",\"journal\":\"%s\",\"mode\":\"%s\",\"sqlite\":\"%s\",\"migrations\":%d,\"seconds\":%.4f,"
              "\"ms_per_migration\":%.4f}\n",
              normal ? "NORMAL" : "FULL", wal ? "WAL" : "DELETE", mode.c_str(), sqlite3_libversion(), done, s, done ? 1000.0 * s / done : 0.0);
  return 0;
}
