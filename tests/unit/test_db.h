#pragma once
// A database for the migrate tests, SQLite, PostgreSQL or MySQL, with the few queries the
// assertions need. PostgreSQL tests run against a real server: $STRATA_TEST_PG_URL, else the
// server the CTest fixture started (its URL in $STRATA_TEST_PG_DIR/url), else one started here
// with tests/servers/pg_server.sh for the life of the test process. MySQL tests run only when
// $STRATA_TEST_MYSQL_URL names a server's root (tests/servers/mariadb_server.sh start DIR writes
// it to DIR/root_url). Each TestDatabase gets a fresh database on its server. Without a server,
// available() is false and the tests skip, saying why (skip_reason()).
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "migrate/engines/engine_url.h"
#include "migrate/engines/driver.h"
#include "migrate/run/database_admin.h"
#include "test_util.h"

namespace strata::testing {

inline std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The server's URL (to its `postgres` database), or nullopt when no server can be had; then
// pg_skip_reason() says why.
inline std::string& pg_skip_reason() {
  static std::string reason;
  return reason;
}

inline const std::optional<std::string>& pg_server_url() {
  static const std::optional<std::string> url = []() -> std::optional<std::string> {
    if (const char* env = std::getenv("STRATA_TEST_PG_URL"); env != nullptr && *env != '\0') return std::string(env);
    if (const char* dir = std::getenv("STRATA_TEST_PG_DIR"); dir != nullptr && *dir != '\0') {
      const std::string u = read_first_line(std::string(dir) + "/url");
      if (!u.empty()) return u;
    }
    static TempDir holder;
    static const std::string dir = holder / "pg";
    const std::string script = std::string(STRATA_SOURCE_DIR) + "/tests/servers/pg_server.sh";
    const int rc = std::system(("bash '" + script + "' start '" + dir + "' >/dev/null 2>'" + holder / "pg.err" + "'").c_str());
    if (rc != 0) {
      pg_skip_reason() = read_first_line(holder / "pg.err");
      if (pg_skip_reason().empty()) pg_skip_reason() = "could not start a PostgreSQL server";
      return std::nullopt;
    }
    std::atexit([] { std::system(("bash '" + std::string(STRATA_SOURCE_DIR) + "/tests/servers/pg_server.sh' stop '" + dir + "'").c_str()); });
    return read_first_line(dir + "/url");
  }();
  return url;
}

// A MySQL or MariaDB server's root URL ("mysql://root:PW@127.0.0.1:PORT/"), or nullopt.
inline std::optional<std::string> mysql_server_url() {
  const char* env = std::getenv("STRATA_TEST_MYSQL_URL");
  if (env == nullptr || *env == '\0') return std::nullopt;
  std::string url = env;
  if (!url.ends_with("/")) url += "/";
  return url;
}

inline const char* mysql_skip_reason() {
  return "STRATA_TEST_MYSQL_URL is not set (tests/servers/mariadb_server.sh start DIR writes a root URL to "
         "DIR/root_url)";
}

// Why a test of engine `kind` found no server to run on.
inline std::string server_skip_reason(migrate::DriverKind kind) {
  if (kind == migrate::DriverKind::mysql) return std::string("MySQL server unavailable: ") + mysql_skip_reason();
  return "PostgreSQL server unavailable: " + pg_skip_reason();
}

// Runs `sql` on the PostgreSQL database at `url`; returns the first column of the first row.
inline std::string pg_query(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    const std::string m = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("test connection failed: " + m);
  }
  PGresult* r = PQexec(c, sql.c_str());
  const ExecStatusType s = PQresultStatus(r);
  std::string out;
  if (s == PGRES_TUPLES_OK && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
  const std::string error = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) throw std::runtime_error("test query failed: " + error + sql);
  return out;
}

inline const char* driver_name(migrate::DriverKind k) {
  switch (k) {
    case migrate::DriverKind::sqlite: return "SQLite";
    case migrate::DriverKind::postgres: return "PostgreSQL";
    case migrate::DriverKind::mysql: return "MySQL";
  }
  return "?";
}

class TestDatabase {
 public:
  // `dir` holds the SQLite file. For PostgreSQL, creates a fresh database on the test server.
  TestDatabase(migrate::DriverKind kind, const TempDir& dir) : kind_(kind) {
    if (kind == migrate::DriverKind::sqlite) {
      path_ = dir / "app.db";
      url_ = "sqlite:" + path_;
      return;
    }
    if (kind == migrate::DriverKind::mysql) {
      const auto server = mysql_server_url();
      if (!server) return;
      url_ = *server + fresh_name();
      migrate::create_database(endpoint());
      return;
    }
    const auto& server = pg_server_url();
    if (!server) return;
    const std::string name = fresh_name();
    pg_query(*server, "CREATE DATABASE " + name);
    const std::size_t slash = server->rfind('/');
    url_ = server->substr(0, slash + 1) + name;
  }

  // False for a server engine without a server (the test should GTEST_SKIP() with skip_reason()).
  bool available() const { return !url_.empty(); }
  std::string skip_reason() const { return server_skip_reason(kind_); }
  migrate::DriverKind kind() const { return kind_; }
  bool sqlite() const { return kind_ == migrate::DriverKind::sqlite; }
  const std::string& url() const { return url_; }
  const std::string& path() const { return path_; }
  migrate::Endpoint endpoint() const { return migrate::endpoint_from_url(url_); }

  std::string query_one(const std::string& sql) const {
    if (kind_ == migrate::DriverKind::mysql) {
      const auto rows = connect(migrate::Access::read_only)->query(sql);
      return rows.empty() || rows[0].empty() ? std::string{} : rows[0][0];
    }
    if (!sqlite()) return pg_query(url_, sql);
    SQLite::Database db(path_, SQLite::OPEN_READONLY);
    SQLite::Statement q(db, sql);
    return q.executeStep() ? q.getColumn(0).getString() : std::string{};
  }
  void exec(const std::string& sql) const {
    if (kind_ == migrate::DriverKind::mysql) {
      // A statement at a time: strata's MySQL connection sends no batches.
      const auto db = connect(migrate::Access::write);
      const std::vector<std::size_t> starts = db->statement_offsets(sql);
      for (std::size_t i = 0; i < starts.size(); ++i) {
        db->exec(sql.substr(starts[i], (i + 1 < starts.size() ? starts[i + 1] : sql.size()) - starts[i]));
      }
      return;
    }
    if (!sqlite()) {
      pg_query(url_, sql);
      return;
    }
    SQLite::Database db(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(sql);
  }
  bool has_table(const std::string& name) const {
    if (sqlite()) {
      if (!std::filesystem::exists(path_)) return false;
      return query_one("SELECT count(*) FROM sqlite_schema WHERE name = '" + name + "'") == "1";
    }
    if (kind_ == migrate::DriverKind::mysql) {
      return query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = database() AND table_name = '" +
                       name + "'") == "1";
    }
    return query_one("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = '" + name + "'") == "1";
  }
  // Tables of the user's schema, the history table included.
  std::string table_count() const {
    if (sqlite()) {
      if (!std::filesystem::exists(path_)) return "0";
      return query_one("SELECT count(*) FROM sqlite_schema");
    }
    if (kind_ == migrate::DriverKind::mysql) {
      return query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = database()");
    }
    return query_one("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                     "WHERE n.nspname = 'public'");
  }
  // `parts` joined as one string in SQL: MySQL reads || as OR.
  std::string concat(const std::vector<std::string>& parts) const {
    std::string sql;
    for (const std::string& p : parts) sql += (sql.empty() ? "" : kind_ == migrate::DriverKind::mysql ? ", " : " || ") + p;
    return kind_ == migrate::DriverKind::mysql ? "CONCAT(" + sql + ")" : sql;
  }
  // The database's message for a table that does not exist.
  std::string no_such_table(const std::string& name) const {
    if (kind_ == migrate::DriverKind::mysql) return name + "' doesn't exist";
    return sqlite() ? "no such table: " + name : "relation \"" + name + "\" does not exist";
  }

 private:
  static std::string fresh_name() {
    static std::atomic<int> counter{0};
    return "t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  }
  // strata's own driver: the tests need no MySQL client library of their own.
  std::unique_ptr<migrate::Driver> connect(migrate::Access access) const {
    return migrate::open_driver(endpoint(), access, "strata_migrations", std::chrono::seconds(5));
  }

  migrate::DriverKind kind_;
  std::string url_;
  std::string path_;
};

inline std::string driver_param_name(const ::testing::TestParamInfo<migrate::DriverKind>& info) {
  return driver_name(info.param);
}

}  // namespace strata::testing
