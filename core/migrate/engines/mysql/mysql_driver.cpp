// The MySQL and MariaDB driver, on MariaDB Connector/C (mysql_library.h). Statements are split as
// the `mysql` client splits them (mysql_splitter.h: DELIMITER blocks, backslash escapes,
// conditional comments) and sent one at a time: the server commits DDL implicitly, so one
// statement per call is what lets strata record a migration's progress statement by statement
// and name the statement that failed.
//
// A hostile server is kept in check: LOAD DATA LOCAL is off (the server could ask for any of the
// user's files), the authentication plugins that would send the password in clear text are
// refused unless the server's certificate is verified, and no option file (my.cnf) is read.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include "common/error.h"
#include "common/text.h"
#include "migrate/model/database_url.h"
#include "migrate/engines/driver.h"
#include "migrate/engines/mysql/mysql_engine.h"
#include "migrate/engines/mysql/mysql_library.h"
#include "migrate/engines/mysql/mysql_splitter.h"
#include "migrate/run/replay_signals.h"
#include "migrate/schema/schema.h"
#include "migrate/engines/server_locking.h"
#include "migrate/engines/server_reach.h"
#include "migrate/model/section_location.h"
#include "common/setting.h"

namespace strata::migrate {
namespace {


const MysqlLibrary& my() { return mysql_library(); }

using Clock = std::chrono::steady_clock;

// Client error codes (errmsg.h) that mean "no server answering there yet": worth waiting for.
constexpr unsigned k_cannot_connect_socket = 2002;
constexpr unsigned k_cannot_connect_host = 2003;
constexpr unsigned k_server_gone = 2006;
constexpr unsigned k_server_lost = 2013;
constexpr unsigned k_server_shutdown = 1053;
constexpr unsigned k_parse_error = 1064;

const Dialect& mysql_dialect() {
  static const Dialect d{"START TRANSACTION",
                         "",
                         "BIGINT",
                         "DOUBLE",
                         "DATETIME(3)",
                         "UTC_TIMESTAMP(3)",
                         "CONCAT(DATE_FORMAT(applied_at, '%Y-%m-%dT%H:%i:%s.'), "
                         "LPAD(FLOOR(MICROSECOND(applied_at) / 1000), 3, '0'), 'Z')",
                         "VARCHAR(16)"};
  return d;
}

std::string backtick(std::string_view name) {
  std::string out = "`";
  for (const char c : name) {
    out.push_back(c);
    if (c == '`') out.push_back('`');
  }
  out.push_back('`');
  return out;
}

// A string literal that reads the same whatever the sql_mode: text holding a quote, a backslash
// or a control byte goes as hex (NO_BACKSLASH_ESCAPES changes what '\' means inside quotes).
std::string mysql_literal(std::string_view text) {
  const bool plain = std::none_of(text.begin(), text.end(), [](char c) {
    return c == '\'' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
  });
  if (plain) return "'" + std::string(text) + "'";
  static const char* const digits = "0123456789ABCDEF";
  std::string hex = "CONVERT(X'";
  for (const char c : text) {
    hex.push_back(digits[static_cast<unsigned char>(c) >> 4]);
    hex.push_back(digits[static_cast<unsigned char>(c) & 15]);
  }
  return hex + "' USING utf8mb4)";
}

// Removes the clauses that name who created an object or when, which differ between the live
// database and a scratch replay: DEFINER=`u`@`h`, a table's AUTO_INCREMENT=N, an event's STARTS.
std::string without_definer(std::string text) {
  for (std::size_t at = text.find("DEFINER="); at != std::string::npos; at = text.find("DEFINER=", at)) {
    std::size_t end = at + 8;
    // `user`@`host`, user@host, or CURRENT_USER
    for (int part = 0; part < 2 && end < text.size(); ++part) {
      if (text[end] == '`') {
        const std::size_t close = text.find('`', end + 1);
        end = close == std::string::npos ? text.size() : close + 1;
      } else {
        while (end < text.size() && text[end] != '@' && text[end] != ' ') ++end;
      }
      if (end < text.size() && text[end] == '@') ++end;
    }
    while (end < text.size() && text[end] == ' ') ++end;
    text.erase(at, end - at);
  }
  return text;
}

std::string without_clause(std::string text, std::string_view clause) {
  const std::size_t at = text.find(clause);
  if (at == std::string::npos) return text;
  std::size_t end = at + clause.size();
  if (end < text.size() && text[end] == '\'') {
    const std::size_t close = text.find('\'', end + 1);
    end = close == std::string::npos ? text.size() : close + 1;
  } else {
    while (end < text.size() && text[end] != ' ' && text[end] != '\n') ++end;
  }
  std::size_t start = at;
  if (start > 0 && text[start - 1] == ' ') --start;
  text.erase(start, end - start);
  return text;
}

// `db`.`name` -> `name` for the database being read, so a scratch database reads as the live one.
std::string mysql_unqualify(std::string text, const std::string& database) {
  const std::string prefix = backtick(database) + ".";
  for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) text.erase(at, prefix.size());
  return text;
}

class MysqlDriver;

// The connection, its results drained after every statement (a CALL may return several).
class MysqlConnection {
 public:
  MysqlConnection() = default;
  MysqlConnection(const MysqlConnection&) = delete;
  MysqlConnection& operator=(const MysqlConnection&) = delete;
  ~MysqlConnection() {
    if (conn_ != nullptr) my().close(conn_);
  }

  MYSQL* get() const { return conn_; }
  void reset(MYSQL* c) {
    if (conn_ != nullptr) my().close(conn_);
    conn_ = c;
  }

  unsigned error_number() const { return my().error_number(conn_); }
  // "ERROR 1050 (42S01): Table 't' already exists", as the mysql client says it.
  std::string error_text() const {
    return "ERROR " + std::to_string(my().error_number(conn_)) + " (" + my().sqlstate(conn_) + "): " + my().error(conn_);
  }
  bool lost() const {
    const unsigned e = error_number();
    return e == k_server_gone || e == k_server_lost;
  }

  // Runs one statement; every row of its first result set, each column as text (NULL as "").
  // False on error (error_text() says which).
  bool run(std::string_view sql, std::vector<std::vector<std::string>>* rows = nullptr) {
    if (my().real_query(conn_, sql.data(), sql.size()) != 0) return false;
    bool first = true;
    while (true) {
      MYSQL_RES* res = my().store_result(conn_);
      if (res == nullptr && my().field_count(conn_) != 0) return false;
      if (res != nullptr) {
        if (first && rows != nullptr) read_rows(res, *rows);
        my().free_result(res);
      }
      first = false;
      const int more = my().next_result(conn_);
      if (more > 0) return false;
      if (more < 0) return true;
    }
  }

  bool in_transaction() const {
    unsigned int status = 0;
    if (conn_ == nullptr || my().get_infov(conn_, MARIADB_CONNECTION_SERVER_STATUS, &status) != 0) return false;
    return (status & SERVER_STATUS_IN_TRANS) != 0;
  }

 private:
  static void read_rows(MYSQL_RES* res, std::vector<std::vector<std::string>>& rows) {
    const unsigned cols = my().num_fields(res);
    while (MYSQL_ROW row = my().fetch_row(res)) {
      const unsigned long* lengths = my().fetch_lengths(res);
      std::vector<std::string> r;
      r.reserve(cols);
      for (unsigned c = 0; c < cols; ++c) r.emplace_back(row[c] == nullptr ? "" : std::string(row[c], lengths[c]));
      rows.push_back(std::move(r));
    }
  }

  MYSQL* conn_ = nullptr;
};

// A database created for one replay, dropped when this goes by a connection of its own (the
// replay's may be the one that failed).
struct MysqlScratchDatabase {
  std::unique_ptr<Driver> admin;
  std::string name;
  MysqlScratchDatabase() = default;
  MysqlScratchDatabase(const MysqlScratchDatabase&) = delete;
  MysqlScratchDatabase& operator=(const MysqlScratchDatabase&) = delete;
  ~MysqlScratchDatabase() {
    try {
      if (admin) admin->exec("DROP DATABASE IF EXISTS " + backtick(name), "");
    } catch (const Error&) {  // NOLINT(bugprone-empty-catch): the server is gone; nothing is left to drop with
    }
  }
};

class MysqlDriver final : public Driver {
 public:
  // Connects (retrying for endpoint.wait while no server answers) to `database`, or to the
  // URL's when nullopt, or to none when "" (create and drop). Read-only access makes every
  // transaction of the session read-only.
  MysqlDriver(const Endpoint& endpoint, Access access, std::optional<std::string> database = std::nullopt)
      : endpoint_(endpoint), database_(database.value_or(endpoint.database)) {
    connect();
    if (access != Access::write) exec("SET SESSION TRANSACTION READ ONLY", "connecting");
    if (endpoint_.call_timeout.count() > 0) {
      // A metadata lock (LOCK TABLES, DDL) or a row lock another session holds is waited for at
      // most the bound, rather than the server's default of a year (50 s for rows).
      const std::string seconds = std::to_string(endpoint_.call_timeout_seconds());
      exec("SET SESSION lock_wait_timeout = " + seconds + ", SESSION innodb_lock_wait_timeout = " + seconds, "connecting");
    }
    server_ = query("SELECT VERSION()", "connecting").at(0).at(0);
  }

  ~MysqlDriver() override { rollback(); }

  void become_scratch(std::unique_ptr<MysqlScratchDatabase> owner, std::string live_database) {
    owner_ = std::move(owner);
    live_database_ = std::move(live_database);
    signals_.start({});
  }

  // GET_LOCK, named after the database and the history table, polled so that the wait can be
  // bounded; the server releases it when the session ends, also when the connection is lost.
  void lock(const std::string& table, std::chrono::milliseconds timeout) {
    char name[40];
    std::snprintf(name, sizeof name, "strata_migrate_%016llx",
                  static_cast<unsigned long long>(stable_hash("strata migrate\n" + database_ + "\n" + table)));
    const std::string sql = "SELECT GET_LOCK('" + std::string(name) + "', 0)";
    wait_for_lock([&] { return query(sql, "taking the migration lock").at(0).at(0) == "1"; }, timeout, endpoint_.display,
                  "raise " + mention(Setting::lock_timeout) + ", or find the other session: SELECT IS_USED_LOCK('" + std::string(name) + "')");
  }

  DriverKind kind() const override { return DriverKind::mysql; }
  const Dialect& dialect() const override { return mysql_dialect(); }
  const std::string& display() const override { return endpoint_.display; }
  std::string dump_title() const override {
    return std::string(server_.find("MariaDB") != std::string::npos ? "MariaDB" : "MySQL") + " database " +
           (owner_ ? std::string("(scratch)") : database_);
  }
  std::string quote(std::string_view text) const override { return mysql_literal(text); }
  // Tables come in name order: a foreign key may name a table that follows.
  std::string dump_preamble() const override { return "SET FOREIGN_KEY_CHECKS = 0;\n"; }

  void exec(const std::string& sql, const std::string& doing) override {
    if (!conn_.run(sql)) fail(doing);
  }

  std::vector<std::vector<std::string>> query(const std::string& sql, const std::string& doing) override {
    std::vector<std::vector<std::string>> rows;
    if (!conn_.run(sql, &rows)) fail(doing);
    return rows;
  }

  void exec_bound(const std::string& sql, double duration_ms, const std::string& doing) override {
    exec(with_duration(sql, duration_ms), doing);
  }

  void begin() override { exec("START TRANSACTION", "START TRANSACTION"); }
  void commit() override { exec("COMMIT", "COMMIT"); }
  void rollback() noexcept override {
    if (conn_.get() != nullptr && conn_.in_transaction()) conn_.run("ROLLBACK");
  }
  bool in_transaction() override { return conn_.in_transaction(); }

  bool table_exists(const std::string& name) override {
    return !query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = " +
                      mysql_literal(name),
                  "")
                .empty();
  }
  std::vector<std::string> column_names(const std::string& table) override {
    std::vector<std::string> names;
    for (auto& row : query("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                           "AND TABLE_NAME = " + mysql_literal(table) + " ORDER BY ORDINAL_POSITION",
                           "")) {
      names.push_back(std::move(row[0]));
    }
    return names;
  }
  std::string qualified(const std::string& name) const override { return backtick(name); }

  std::size_t run_section(const Section& section, std::size_t skip, const StatementDone& on_done) override {
    const MysqlSplit split = split_mysql(section.sql, section.first_line);
    if (split.error_offset) {
      throw Error(ExitCode::migration_failed, section.file + ":" + location(section, *split.error_offset) + ": " + split.error);
    }
    const std::size_t n = split.statements.size();
    for (std::size_t i = skip; i < n; ++i) {
      const MysqlStatement& whole = split.statements[i];
      const std::string_view block = std::string_view(section.sql).substr(whole.offset, whole.length);
      for (const MysqlStatement& piece : statements_of_block(block)) {
        const MysqlStatement st{whole.offset + piece.offset, piece.length};
        const std::string_view text = block.substr(piece.offset, piece.length);
        std::string sent;
        if (owner_) {
          if (ReplaySignals::pending() != 0) throw Error(ExitCode::unavailable, "interrupted");
          refuse_outside_scratch(section, st.offset, text);
          // A scratch's objects are compared without their definer (read_schema leaves it out), and
          // naming another account (mysqldump's DEFINER=`app`@`%`) needs SUPER, or the account.
          sent = without_definer_clauses(text);
        }
        if (!conn_.run(owner_ ? std::string_view(sent) : text)) {
          const std::string message = conn_.error_text() + (conn_.lost() ? " (the connection was lost)" : "");
          throw Error(ExitCode::migration_failed,
                      scrub(section.file + ":" + location(section, error_offset(st, text)) + ": " + message,
                            endpoint_.password));
        }
      }
      if (on_done) on_done(i);
    }
    return n;
  }

  // A statement ended by a DELIMITER other than ';' may hold several ("DROP PROCEDURE p;\nCREATE
  // PROCEDURE p ... END //", as Sqitch's MySQL tutorial writes them): the mysql client sends the
  // block as one query with multi-statements on, and the server runs each in turn. They are sent
  // one at a time here, split as without a DELIMITER (a stored program's body kept whole), so
  // each is checked and its error placed as any other statement's. Offsets within `block`.
  static std::vector<MysqlStatement> statements_of_block(std::string_view block) {
    MysqlSplit pieces = split_mysql(block);
    if (pieces.error_offset || pieces.statements.size() <= 1) return {MysqlStatement{0, block.size()}};
    return std::move(pieces.statements);
  }

  std::vector<std::size_t> statement_offsets(std::string_view sql) const override {
    std::vector<std::size_t> offsets;
    for (const MysqlStatement& st : split_mysql(sql).statements) offsets.push_back(st.offset);
    return offsets;
  }

  Schema read_schema(const std::string& exclude_table, const std::vector<std::string>* schemas) override;

  void set_foreign_keys(bool on) override {
    if (on) return;
    throw Error(ExitCode::invalid_input, "foreign_keys:off is a SQLite option",
                "on MySQL, write SET FOREIGN_KEY_CHECKS = 0 in the migration (and = 1 at its end)");
  }
  std::optional<std::pair<std::string, std::size_t>> foreign_key_violations() override { return std::nullopt; }

 private:
  [[noreturn]] void fail(const std::string& doing) {
    std::string message = endpoint_.display + ": ";
    if (!doing.empty()) message += doing + ": ";
    message += scrub(conn_.error_text(), endpoint_.password);
    if (conn_.lost()) message += " (the connection was lost)";
    throw Error(ExitCode::unavailable, message);
  }

  // Where in the section a failed statement went wrong: for a syntax error, the server's "near
  // '...' at line N" within the statement; else the statement's start.
  std::size_t error_offset(const MysqlStatement& st, std::string_view text) const {
    if (conn_.error_number() != k_parse_error) return st.offset;
    const std::string message = my().error(conn_.get());
    const std::size_t at_line = message.rfind(" at line ");
    if (at_line == std::string::npos) return st.offset;
    const long line = std::strtol(message.c_str() + at_line + 9, nullptr, 10);
    std::size_t offset = 0;
    for (long l = 1; l < line && offset < text.size(); ++l) {
      const std::size_t nl = text.find('\n', offset);
      if (nl == std::string_view::npos) break;
      offset = nl + 1;
    }
    const std::size_t near = message.find("near '");
    if (near != std::string::npos) {
      const std::string fragment = message.substr(near + 6, std::min<std::size_t>(at_line, message.size()) - near - 7);
      if (!fragment.empty()) {
        if (const std::size_t found = text.find(fragment.substr(0, 20), offset); found != std::string_view::npos) offset = found;
      }
    }
    return st.offset + offset;
  }

  void connect() {
    const auto deadline = Clock::now() + endpoint_.wait;
    auto pause = std::chrono::milliseconds(50);
    bool waited = false;
    while (true) {
      if (try_connect()) return;
      const unsigned e = conn_.error_number();
      const bool not_yet = e == k_cannot_connect_socket || e == k_cannot_connect_host || e == k_server_gone ||
                           e == k_server_lost || e == k_server_shutdown;
      waited = not_yet && endpoint_.wait.count() > 0;
      if (!not_yet || Clock::now() >= deadline) break;
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(500));
    }
    const std::string message = scrub(conn_.error_text(), endpoint_.password);
    const unsigned e = conn_.error_number();
    conn_.reset(nullptr);
    std::string hint;
    if (!endpoint_.password_withheld_for.empty() && e == 1045) {
      hint = endpoint_.password_withheld_for + " chose this database, so $MYSQL_PWD was not used: "
             "give " + mention(Setting::database) + " yourself, or trust the server with STRATA_TRUSTED_ENDPOINTS";
    } else if (waited) {
      hint = "waited " + std::to_string(endpoint_.wait.count() / 1000) + " s (" + mention(Setting::wait_timeout) + ")";
    } else if (e == k_cannot_connect_host || e == k_cannot_connect_socket) {
      hint = "if the server is still starting, pass " + mention(Setting::wait);
    } else if (e == 1049) {
      hint = "create it first: strata migrate create";
    }
    throw Error(ExitCode::unavailable, endpoint_.display + ": cannot connect: " + message, hint);
  }

  // One attempt; false with the error on conn_.
  bool try_connect() {
    MYSQL* c = my().init(nullptr);
    if (c == nullptr) throw Error(ExitCode::unavailable, endpoint_.display + ": out of memory");
    conn_.reset(c);
    const MysqlAddress& a = endpoint_.mysql;
    unsigned int timeout = 10;
    if (endpoint_.call_timeout.count() > 0) {
      // A server that stops answering ends the call: every read and write on the connection
      // is bounded too, 5 s past the bound so that the server's own lock wait (set once
      // connected) ends first, with its own message.
      const auto bound = static_cast<unsigned int>(endpoint_.call_timeout_seconds());
      unsigned int io = bound + 5;
      timeout = std::min(timeout, bound);
      my().optionsv(c, MYSQL_OPT_READ_TIMEOUT, &io);
      my().optionsv(c, MYSQL_OPT_WRITE_TIMEOUT, &io);
    }
    my().optionsv(c, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    unsigned int protocol = a.socket.empty() ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET;
    my().optionsv(c, MYSQL_OPT_PROTOCOL, &protocol);
    unsigned int no_local_files = 0;
    my().optionsv(c, MYSQL_OPT_LOCAL_INFILE, &no_local_files);
    my().optionsv(c, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    const bool verify = a.ssl_mode == "VERIFY_CA" || a.ssl_mode == "VERIFY_IDENTITY";
    if (a.ssl_mode != "DISABLED") {
      my_bool on = 1;
      my_bool check = verify ? 1 : 0;
      my().optionsv(c, MYSQL_OPT_SSL_ENFORCE, &on);
      my().optionsv(c, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &check);
      if (!a.ssl_ca.empty()) my().optionsv(c, MYSQL_OPT_SSL_CA, a.ssl_ca.c_str());
      if (!a.ssl_cert.empty()) my().optionsv(c, MYSQL_OPT_SSL_CERT, a.ssl_cert.c_str());
      if (!a.ssl_key.empty()) my().optionsv(c, MYSQL_OPT_SSL_KEY, a.ssl_key.c_str());
    }
    // A server strata cannot authenticate may not ask for the password in clear text.
    if (!verify && my().optionsv(c, MARIADB_OPT_RESTRICTED_AUTH,
                                 "mysql_native_password,client_ed25519,caching_sha2_password,sha256_password") != 0) {
      throw Error(ExitCode::unavailable, endpoint_.display + ": this libmariadb cannot refuse clear-text password logins",
                  "install libmariadb3 10.11 or newer (Debian 12's)");
    }
    const char* host = a.socket.empty() ? (a.host.empty() ? "localhost" : a.host.c_str()) : nullptr;
    const char* user = a.user.empty() ? nullptr : a.user.c_str();
    const char* db = database_.empty() ? nullptr : database_.c_str();
    const char* socket = a.socket.empty() ? nullptr : a.socket.c_str();
    return my().real_connect(c, host, user, endpoint_.password.c_str(), db, a.port, socket, CLIENT_MULTI_RESULTS) != nullptr;
  }

  // Statements a replay must not run: those that reach past the scratch database (accounts,
  // other databases, the live one named explicitly).
  void refuse_outside_scratch(const Section& section, std::size_t offset, std::string_view text) const {
    const std::vector<SqlWord> w = mysql_words(text);
    const auto word = [&](std::size_t k) { return k < w.size() && !w[k].quoted ? w[k].upper : std::string{}; };
    const auto refuse = [&](std::size_t at, const std::string& why) {
      throw Error(ExitCode::migration_failed, section.file + ":" + location(section, offset + at) +
                                                  ": not replayed in the scratch database: " + why);
    };
    const std::string first = word(0);
    if (const std::optional<Reach> reach = find_server_reach(text, mysql_reach_rules())) {
      refuse(reach->offset, "'" + reach->what + "' " + reach->why);
    }
    if (first == "SET" && (word(1) == "PASSWORD" || word(1) == "ROLE" || (word(1) == "DEFAULT" && word(2) == "ROLE"))) {
      refuse(0, "SET " + word(1) + " changes accounts on the whole server");
    }
    if (first == "GRANT" || first == "REVOKE") refuse(0, first + " changes accounts on the whole server");
    if (first == "KILL" || first == "SHUTDOWN") refuse(0, first + " " + "changes the whole server or its other sessions");
    if (first == "USE") refuse(0, "USE would leave the scratch database");
    if (first == "CREATE" || first == "ALTER" || first == "DROP" || first == "RENAME") {
      std::size_t k = 1;
      if (word(1) == "OR") k = 3;  // OR REPLACE
      const std::string what = word(k);
      if (what == "USER" || what == "ROLE" || what == "DATABASE" || what == "SCHEMA" || what == "SERVER" ||
          what == "TABLESPACE") {
        refuse(0, first + " " + what + " changes the whole server");
      }
    }
    // After the checks of a statement's first words, whose messages name the statement itself.
    if (first == "CREATE" || first == "PREPARE" || first == "EXECUTE" || first == "SET" || first == "FLUSH") {
      if (const std::optional<Reach> reach = find_server_reach(text, mysql_replay_reach_rules())) {
        refuse(reach->offset, "'" + reach->what + "' " + reach->why);
      }
    }
    for (std::size_t k = 0; k + 1 < w.size(); ++k) {
      if (w[k + 1].upper == "." && (w[k].quoted ? w[k].upper : to_lower(w[k].upper)) == live_database_) {
        refuse(w[k].offset, "it names the database " + live_database_ + " explicitly, which would write to the real one");
      }
    }
    // Also inside a string that becomes SQL (PREPARE s FROM 'DELETE FROM app.t', SET @q = '...'):
    // `app.` or `app`. after a character that cannot end a name. Only there: a seed row's
    // 'https://app.example.com' is data.
    if (live_database_.empty() || (first != "PREPARE" && first != "SET")) return;
    const std::string lower = to_lower(std::string(text));
    for (const std::string& needle : {live_database_ + ".", "`" + live_database_ + "`."}) {
      for (std::size_t at = lower.find(needle); at != std::string::npos; at = lower.find(needle, at + 1)) {
        const char before = at == 0 ? ' ' : lower[at - 1];
        if (std::isalnum(static_cast<unsigned char>(before)) != 0 || before == '_' || before == '$') continue;
        refuse(at, "it names the database " + live_database_ + " explicitly, which would write to the real one");
      }
    }
  }

  void read_tables(Schema& schema, const std::string& exclude_table);
  void read_routines(Schema& schema);

  Endpoint endpoint_;
  std::string database_;
  std::string server_;
  std::string live_database_;  // a scratch's: the database the migrations came from
  ReplaySignals signals_;      // restored after the scratch database is gone
  std::unique_ptr<MysqlScratchDatabase> owner_;  // drops the scratch after conn_ is closed
  MysqlConnection conn_;
};

std::string mysql_fold(const std::string& sql) { return fold_whitespace(sql, "'\"`"); }

int mysql_rank(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::table: return 0;
    case ObjectKind::view: return 1;
    case ObjectKind::function: return 2;
    case ObjectKind::procedure: return 3;
    case ObjectKind::trigger: return 4;
    case ObjectKind::event: return 5;
    default: return 9;
  }
}

// Tables (their indexes and keys are part of SHOW CREATE TABLE) and views.
void MysqlDriver::read_tables(Schema& schema, const std::string& exclude_table) {
  const std::string doing = "reading the schema";
  for (const auto& r : query("SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                             "ORDER BY TABLE_NAME",
                             doing)) {
    if (r[0] == exclude_table) continue;
    if (r[1] == "VIEW") {
      const auto v = query("SHOW CREATE VIEW " + backtick(r[0]), doing);
      if (v.empty() || v[0].size() < 2) continue;
      std::string text = mysql_unqualify(without_definer(v[0][1]), database_);
      text = without_clause(std::move(text), "ALGORITHM=UNDEFINED");
      text = without_clause(std::move(text), "SQL SECURITY DEFINER");
      schema.objects.push_back(SchemaObject{ObjectKind::view, r[0], r[0], mysql_fold(text), text, {}, {}});
      continue;
    }
    const auto t = query("SHOW CREATE TABLE " + backtick(r[0]), doing);
    if (t.empty() || t[0].size() < 2) continue;
    // The counter is read apart (Schema::counter_starts): the table options follow the last ')'.
    const std::size_t options = t[0][1].rfind(')');
    const std::size_t counter = options == std::string::npos ? options : t[0][1].find(" AUTO_INCREMENT=", options);
    if (counter != std::string::npos) {
      const std::size_t from = counter + 16;
      schema.counter_starts[r[0]] = t[0][1].substr(from, t[0][1].find(' ', from) - from);
    }
    const std::string text = without_clause(t[0][1], "AUTO_INCREMENT=");
    schema.objects.push_back(SchemaObject{ObjectKind::table, r[0], r[0], mysql_fold(text), text, {}, {}});
  }
}

// Routines, triggers and events, wrapped in DELIMITER lines so that a dump splits as written.
void MysqlDriver::read_routines(Schema& schema) {
  const std::string doing = "reading the schema";
  const auto add = [&](ObjectKind kind, const std::string& name, const std::string& table, std::string text) {
    text = mysql_unqualify(without_definer(std::move(text)), database_);
    const std::string dumped = "DELIMITER ;;\n" + text + ";;\nDELIMITER ";
    schema.objects.push_back(SchemaObject{kind, name, table, mysql_fold(text), dumped, {}, {}});
  };
  for (const auto& r : query("SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES "
                             "WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY ROUTINE_NAME",
                             doing)) {
    const auto c = query("SHOW CREATE " + r[1] + " " + backtick(r[0]), doing);
    // ROUTINE_TYPE is FUNCTION or PROCEDURE (MariaDB's Oracle-mode packages are not read).
    const std::optional<ObjectKind> kind = parse_object_kind(to_lower(r[1]));
    if (kind && !c.empty() && c[0].size() > 2) add(*kind, r[0], "", c[0][2]);
  }
  for (const auto& r : query("SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS "
                             "WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY TRIGGER_NAME",
                             doing)) {
    const auto c = query("SHOW CREATE TRIGGER " + backtick(r[0]), doing);
    if (!c.empty() && c[0].size() > 2) add(ObjectKind::trigger, r[0], r[1], c[0][2]);
  }
  for (const auto& r : query("SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() "
                             "ORDER BY EVENT_NAME",
                             doing)) {
    const auto c = query("SHOW CREATE EVENT " + backtick(r[0]), doing);
    if (!c.empty() && c[0].size() > 3) add(ObjectKind::event, r[0], "", without_clause(c[0][3], "STARTS "));
  }
}

void order_views_by_dependency(Schema& schema);

Schema MysqlDriver::read_schema(const std::string& exclude_table, const std::vector<std::string>*) {
  Schema schema;
  read_tables(schema, exclude_table);
  read_routines(schema);
  std::erase_if(schema.objects, [&](const SchemaObject& o) { return o.kind == ObjectKind::trigger && o.table == exclude_table; });
  std::sort(schema.objects.begin(), schema.objects.end(), [](const SchemaObject& a, const SchemaObject& b) {
    return std::make_tuple(mysql_rank(a.kind), a.name, a.table) < std::make_tuple(mysql_rank(b.kind), b.name, b.table);
  });
  order_views_by_dependency(schema);
  return schema;
}

// MySQL checks a view's tables and views when it is created, so a dump must create a view after
// the views it reads: each in name order among those whose views are already written.
void order_views_by_dependency(Schema& schema) {
  const auto first = std::find_if(schema.objects.begin(), schema.objects.end(), [](const SchemaObject& o) { return o.kind == ObjectKind::view; });
  const auto last = std::find_if(first, schema.objects.end(), [](const SchemaObject& o) { return o.kind != ObjectKind::view; });
  std::vector<SchemaObject> pending(first, last);
  std::vector<SchemaObject> ordered;
  std::set<std::string> written;
  const auto reads = [&](const SchemaObject& view, const SchemaObject& other) {
    return &view != &other && view.text.find(backtick(other.name)) != std::string::npos;
  };
  while (!pending.empty()) {
    auto ready = std::find_if(pending.begin(), pending.end(), [&](const SchemaObject& v) {
      return std::none_of(pending.begin(), pending.end(), [&](const SchemaObject& o) { return reads(v, o) && written.count(o.name) == 0; });
    });
    if (ready == pending.end()) ready = pending.begin();  // a cycle the server would not have allowed
    written.insert(ready->name);
    ordered.push_back(std::move(*ready));
    pending.erase(ready);
  }
  std::move(ordered.begin(), ordered.end(), first);
}

const std::string& required_database(const Endpoint& e) {
  if (e.database.empty()) {
    throw Error(ExitCode::usage, e.display + ": the URL names no database",
                "end it with the database's name: mysql://user@host:3306/NAME");
  }
  return e.database;
}

}  // namespace

std::unique_ptr<Driver> open_mysql(const Endpoint& endpoint, Access access, const std::string& table,
                                   std::chrono::milliseconds lock_timeout) {
  required_database(endpoint);
  auto driver = std::make_unique<MysqlDriver>(endpoint, access);
  if (access == Access::write) driver->lock(table, lock_timeout);
  return driver;
}

std::unique_ptr<Driver> open_mysql_admin(const Endpoint& server, const std::string&) {
  return std::make_unique<MysqlDriver>(server, Access::write, std::string{});
}

std::unique_ptr<Driver> open_mysql_scratch(const Endpoint* server) {
  Endpoint e = *server;
  e.wait = std::chrono::milliseconds(0);
  const std::string live = required_database(e);
  auto owner = std::make_unique<MysqlScratchDatabase>();
  owner->admin = std::make_unique<MysqlDriver>(e, Access::write, std::string{});
  owner->name = scratch_database_name();
  // The live database's defaults, so that a table created without a charset reads the same.
  std::string defaults;
  for (const auto& row : owner->admin->query("SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM "
                                             "information_schema.SCHEMATA WHERE SCHEMA_NAME = " + mysql_literal(live),
                                             "reading the database's character set")) {
    const auto plain = [](const std::string& name) {
      return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
    };
    if (plain(row.at(0)) && plain(row.at(1))) defaults = " CHARACTER SET " + row.at(0) + " COLLATE " + row.at(1);
  }
  try {
    owner->admin->exec("CREATE DATABASE " + backtick(owner->name) + defaults, "");
  } catch (const Error& err) {
    owner->admin.reset();  // nothing to drop
    throw Error(ExitCode::unavailable,
                std::string(err.what()) + " (creating a scratch database to replay the migrations in)",
                "check " + command_mention(Setting::drift) + " and " + command_mention(Setting::roundtrip) +
                    " replay the migrations in a scratch database that strata creates and drops: grant the user CREATE and DROP on `strata\\_scratch\\_%`.* (or on *.*)");
  }
  const std::string name = owner->name;
  auto driver = std::make_unique<MysqlDriver>(e, Access::write, name);
  driver->become_scratch(std::move(owner), live);
  return driver;
}

}  // namespace strata::migrate
