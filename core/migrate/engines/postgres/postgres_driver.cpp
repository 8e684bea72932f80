// The PostgreSQL driver, on strata's PostgreSQL client (pq/connection.h), which words every
// failure of the connection itself. Statements are split here (postgres_splitter.h) and sent one
// at a time with the simple query protocol: a multi-statement string runs in an implicit
// transaction (CREATE INDEX CONCURRENTLY refuses that), and one statement per call is what lets
// a failure name its statement and a transaction:false migration record its progress.
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "common/error.h"
#include "common/setting.h"
#include "common/text.h"
#include "common/utf8.h"
#include "migrate/model/database_url.h"
#include "migrate/model/psql_script.h"
#include "migrate/engines/driver.h"
#include "migrate/engines/postgres/postgres_engine.h"
#include "migrate/engines/postgres/postgres_splitter.h"
#include "pq/connection.h"
#include "migrate/run/replay_signals.h"
#include "migrate/engines/server_locking.h"
#include "migrate/engines/server_reach.h"
#include "migrate/schema/schema.h"
#include "migrate/model/section_location.h"

namespace strata::migrate {
namespace {


const Dialect& postgres_dialect() {
  static const Dialect d{"BEGIN",
                         "",
                         "BIGINT",
                         "DOUBLE PRECISION",
                         "TIMESTAMPTZ",
                         "clock_timestamp()",
                         "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
                         "TEXT"};
  return d;
}

using Field = pq::Result::Field;

// A PL/pgSQL error's context on one line.
std::string one_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (std::size_t pos = s.find("\n\t"); pos != std::string::npos; pos = s.find("\n\t")) s.replace(pos, 2, " ");
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

std::string quote_ident(std::string_view name) { return sql_identifier(name); }

// The byte offset in `text` of the 1-based character position PostgreSQL reports.
std::size_t byte_offset_of_char(std::string_view text, long position) {
  std::size_t i = 0;
  for (long chars = 1; chars < position && i < text.size(); ++chars) {
    ++i;
    while (i < text.size() && is_utf8_continuation(static_cast<unsigned char>(text[i]))) ++i;
  }
  return i;
}

// ---- scratch databases and interrupts -------------------------------------------------------

// A replayed statement runs on an empty scratch: 300 s stops only what never ends
// (pg_sleep(1e9), a recursive query without a bound), as the SQLite scratch's budget does.
constexpr std::string_view k_scratch_statement_timeout = "SET statement_timeout = '300s'";

// The replay's signals, cancelling the statement in flight on a connection.
class SignalGuard {
 public:
  SignalGuard() = default;
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;
  ~SignalGuard() { stop_cancelling(); }

  void start(const pq::Connection& conn) {
    canceller_.emplace(conn);
    signals_.start(pq::Canceller::cancel, canceller_->handle());
  }

  void stop_cancelling() {
    if (!canceller_) return;
    signals_.stop_cancelling(canceller_->handle());
    canceller_.reset();
  }

  static int pending() { return ReplaySignals::pending(); }

 private:
  ReplaySignals signals_;
  std::optional<pq::Canceller> canceller_;
};

// How the driver connects: the server's session defaults (a migration's bytes go as written),
// no application_name of strata's, and `database` (when not empty) instead of the URL's.
pq::ConnectOptions connect_options(const Endpoint& endpoint, const std::string& database) {
  pq::ConnectOptions o;
  o.conninfo = endpoint.conninfo;
  o.display = endpoint.display;
  o.password = endpoint.password;
  o.database = database;
  o.session = pq::ConnectOptions::Session::server_defaults;
  o.application_name.clear();
  // libpq's connect_timeout (whole seconds, each address tried) bounds a server that never
  // answers; given after the URL, it overrides one the URL sets.
  if (endpoint.call_timeout.count() > 0) o.connect_timeout = std::chrono::seconds(endpoint.call_timeout_seconds());
  o.wait_for_server = endpoint.wait;
  o.connect_hint = [withheld = endpoint.password_withheld_for, wait = endpoint.wait](const std::string& why) {
    if (!withheld.empty() && why.find("no password supplied") != std::string::npos) {
      return withheld + " chose this database, so $PGPASSWORD and ~/.pgpass were not used: "
                        "give " + mention(Setting::database) + " yourself, or trust the server with STRATA_TRUSTED_ENDPOINTS";
    }
    if (wait.count() > 0) return "waited " + std::to_string(wait.count() / 1000) + " s (" + mention(Setting::wait_timeout) + ")";
    if (why.find("Connection refused") != std::string::npos || why.find("starting up") != std::string::npos) {
      return "if the server is still starting, pass " + mention(Setting::wait);
    }
    return std::string{};
  };
  return o;
}

// A database created for one replay on a connection to the live one, dropped (WITH (FORCE) on
// PostgreSQL 13+) when this goes.
struct PgScratchDatabase {
  std::unique_ptr<pq::Connection> admin;
  std::string name;
  bool created = false;
  std::string error;  // why it was not created

  PgScratchDatabase(const Endpoint& server, std::string database_name) : name(std::move(database_name)) {
    pq::ConnectOptions o = connect_options(server, "");
    o.connect_timeout = std::chrono::milliseconds(0);
    try {
      admin = pq::Connection::open(o);
    } catch (const Error& e) {
      error = e.what();
      return;
    }
    const pq::Result r = admin->try_statement("CREATE DATABASE " + quote_ident(name));
    if (r.ok()) {
      created = true;
    } else {
      const std::string m = r.error_field(Field::primary);
      error = m.empty() ? admin->last_error() : scrub(m, server.password);
    }
  }
  PgScratchDatabase(const PgScratchDatabase&) = delete;
  PgScratchDatabase& operator=(const PgScratchDatabase&) = delete;
  ~PgScratchDatabase() {
    if (admin == nullptr || !created) return;
    const std::string force = admin->server_version() >= 130000 ? " WITH (FORCE)" : "";
    admin->try_statement("DROP DATABASE IF EXISTS " + quote_ident(name) + force);
  }
};

class PostgresDriver final : public Driver {
 public:
  // Connects (retrying for endpoint.wait while the server does not accept connections), sets the
  // search_path, and for read-only access makes every transaction read-only.
  // `database`, when not empty, replaces the endpoint's database (a scratch database).
  PostgresDriver(const Endpoint& endpoint, Access access, const std::string& database = {}) : endpoint_(endpoint) {
    connect(database);
    std::string setup;
    if (!endpoint_.schema.empty()) setup += "SET search_path TO " + quote_ident(endpoint_.schema) + "; ";
    if (access != Access::write) setup += "SET default_transaction_read_only = on; ";
    if (endpoint_.call_timeout.count() > 0) {
      // The server ends a wait for a lock another session holds at the bound, and a statement
      // a second later: a statement's time includes its lock waits, and a wait on a lock is
      // then reported as one ("canceling statement due to lock timeout").
      const long long ms = endpoint_.call_timeout.count();
      setup += "SET lock_timeout = " + std::to_string(ms) + "; SET statement_timeout = " + std::to_string(ms + 1000) + "; ";
    }
    // PostgreSQL 14+: notice a client that died (kill -9) even in the middle of a long
    // statement, so its transaction rolls back and the migration lock goes at once rather than
    // when the statement ends.
    if (access == Access::write && conn_->server_version() >= 140000) setup += "SET client_connection_check_interval = 1000; ";
    setup += "SELECT current_database(), current_schema()";
    const auto rows = query(setup, "connecting");
    database_ = rows.at(0).at(0);
    schema_ = endpoint_.schema.empty() ? rows.at(0).at(1) : endpoint_.schema;
    if (schema_.empty()) {
      throw Error(ExitCode::unavailable, endpoint_.display + ": no schema of the search_path exists",
                  "pass " + mention(Setting::schema) + " NAME (created on the first `up` if missing)");
    }
  }

  ~PostgresDriver() override {
    rollback();
    if (!scratch_schema_.empty() && conn_ != nullptr && !conn_->lost()) {
      conn_->try_statement("DROP SCHEMA IF EXISTS " + quote_ident(scratch_schema_) + " CASCADE");
    }
    signals_.stop_cancelling();
    conn_.reset();  // also releases the session's advisory lock; before owner_ drops the scratch
  }

  // The fallback scratch: a new schema on the live database, first and only in the search_path.
  // `live_schemas` are the schemas that exist there: a section that names one of them (or sets
  // the search_path, or creates a schema) is refused rather than replayed into the real schema.
  void become_scratch_schema(const std::string& name, std::vector<std::string> live_schemas) {
    scratch_schema_ = name;
    const std::string q = quote_ident(scratch_schema_);
    const pq::Result r = conn_->try_statement("SET default_transaction_read_only = off; CREATE SCHEMA " + q +
                                              "; SET search_path TO " + q + "; " + std::string(k_scratch_statement_timeout));
    if (!r.ok()) {
      const std::string message = result_message(r);
      scratch_schema_.clear();
      throw Error(ExitCode::unavailable, endpoint_.display + ": cannot create a scratch schema for the replay: " + message,
                  "the role needs CREATEDB (for a scratch database) or CREATE on the database (for a scratch schema)");
    }
    schema_ = scratch_schema_;
    live_schemas_ = std::move(live_schemas);
    signals_.start(*conn_);
  }

  // The scratch database: the endpoint's --schema (if any) is created in it, so migrations that
  // name it explicitly replay as they ran.
  void become_scratch_database(std::unique_ptr<PgScratchDatabase> owner) {
    owner_ = std::move(owner);
    signals_.start(*conn_);
    exec(std::string(k_scratch_statement_timeout), "setting the scratch's statement timeout");
    if (!endpoint_.schema.empty()) exec("CREATE SCHEMA IF NOT EXISTS " + quote_ident(endpoint_.schema), "creating the schema");
  }

  // Which scratch this is, for a warning when it is the weaker kind ("" for a scratch database).
  std::string scratch_caveat() const override { return caveat_; }
  void set_caveat(std::string c) { caveat_ = std::move(c); }

  // Session-level pg_advisory_lock keyed on database, schema and history table, polled so that
  // the wait can be bounded and the first attempt tells whether someone else held it.
  void lock(const std::string& table, std::chrono::milliseconds timeout) {
    const auto key = static_cast<std::int64_t>(stable_hash("strata migrate\n" + database_ + "\n" + schema_ + "\n" + table));
    const std::string sql = "SELECT pg_try_advisory_lock(" + std::to_string(key) + ")";
    wait_for_lock([&] { return query(sql, "taking the migration lock").at(0).at(0) == "t"; }, timeout, endpoint_.display,
                  "raise " + mention(Setting::lock_timeout) + ", or find the other session: SELECT pid FROM pg_locks WHERE "
                  "locktype = 'advisory' AND objid = " + std::to_string(static_cast<std::uint32_t>(key)));
  }

  DriverKind kind() const override { return DriverKind::postgres; }
  const Dialect& dialect() const override { return postgres_dialect(); }
  const std::string& display() const override { return endpoint_.display; }
  std::string dump_title() const override {
    return "PostgreSQL database " + database_ + ", schema " + (scratch_schema_.empty() ? schema_ : "(scratch)");
  }

  // With the simple query protocol, as a migration's statements run: several statements in one
  // string run as one round trip (the session's setup).
  void exec(const std::string& sql, const std::string& doing) override { conn_->exec_script(sql, doing); }

  std::vector<std::vector<std::string>> query(const std::string& sql, const std::string& doing) override {
    const pq::Result r = conn_->query_script(sql, doing);
    std::vector<std::vector<std::string>> rows;
    const int n = r.rows();
    const int cols = r.columns();
    rows.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      std::vector<std::string> row;
      row.reserve(static_cast<std::size_t>(cols));
      for (int c = 0; c < cols; ++c) row.emplace_back(r.text(i, c));
      rows.push_back(std::move(row));
    }
    return rows;
  }

  void exec_bound(const std::string& sql, double duration_ms, const std::string& doing) override {
    exec(with_duration(sql, duration_ms), doing);
  }

  void begin() override { exec("BEGIN", "BEGIN"); }
  void commit() override { exec("COMMIT", "COMMIT"); }
  void rollback() noexcept override {
    if (in_transaction()) conn_->try_statement("ROLLBACK");
  }

  bool in_transaction() override { return conn_ != nullptr && !conn_->lost() && !conn_->idle(); }

  // to_regclass looks the name up in the catalog caches; the pg_tables view it replaced cost a
  // fresh session 2-3 ms of planning, most of what `status` spent on the server.
  bool table_exists(const std::string& name) override {
    return query("SELECT pg_catalog.to_regclass(" + sql_quote(qualified(name)) + ") IS NOT NULL", "").at(0).at(0) == "t";
  }
  std::vector<std::string> column_names(const std::string& table) override {
    std::vector<std::string> names;
    for (auto& row : query("SELECT column_name FROM information_schema.columns WHERE table_schema = " +
                               sql_quote(schema_) + " AND table_name = " + sql_quote(table) + " ORDER BY ordinal_position",
                           "")) {
      names.push_back(std::move(row[0]));
    }
    return names;
  }
  std::string qualified(const std::string& name) const override {
    return quote_ident(schema_) + "." + quote_ident(name);
  }
  std::string prepare_schema_sql() const override {
    return endpoint_.schema.empty() ? std::string{} : "CREATE SCHEMA IF NOT EXISTS " + quote_ident(schema_) + ";\n";
  }

  std::size_t run_section(const Section& section, std::size_t skip, const StatementDone& on_done) override {
    // A psql meta-command (\set, \i, \connect) is psql's, not SQL: refused before the section's
    // first statement is sent. A Sqitch project's scripts, which Sqitch runs through psql, have
    // had theirs done already (psql_script.h); goose and Flyway send a file to the server as it
    // is, where such a line fails after the statements before it ran.
    if (const auto at = find_psql_command(section.sql)) {
      const std::string_view rest = std::string_view(section.sql).substr(*at);
      const std::string name(rest.substr(0, rest.find_first_of(" \t\r\n", 1)));
      throw Error(ExitCode::invalid_input,
                  section.file + ":" + location(section, *at) + ": " + escape_control_characters(name) +
                      " is a psql meta-command, not SQL: the server cannot run it",
                  "psql runs it; the file needs the SQL psql would send instead");
    }
    const SplitResult split = split_postgres(section.sql);
    if (split.error_offset) {
      throw Error(ExitCode::migration_failed,
                  section.file + ":" + location(section, *split.error_offset) + ": " + split.error);
    }
    const std::size_t n = split.statements.size();
    for (std::size_t i = skip; i < n; ++i) {
      const SqlStatement& st = split.statements[i];
      const std::string text = section.sql.substr(st.offset, st.length);
      if (is_scratch()) {
        if (SignalGuard::pending() != 0) throw Error(ExitCode::unavailable, "interrupted");
        refuse_outside_scratch(section, st.offset, text);
      }
      const pq::Result r = conn_->try_statement(text);
      if (r.copying()) {
        // End the copy so the connection is usable, then refuse: there is no data to send.
        conn_->end_copy("COPY is not supported in migrations");
        throw Error(ExitCode::migration_failed,
                    section.file + ":" + location(section, st.offset) + ": COPY ... FROM STDIN/TO STDOUT is not supported in a migration");
      }
      if (!r.ok()) {
        std::size_t at = st.offset;
        if (const std::string pos = r.error_field(Field::position); !pos.empty()) {
          at += byte_offset_of_char(text, std::strtol(pos.c_str(), nullptr, 10));
        }
        std::string message = r.error_field(Field::primary);
        if (message.empty()) message = conn_->last_error();
        if (const std::string detail = r.error_field(Field::detail); !detail.empty()) {
          message += " (detail: " + detail + ")";
        }
        const std::string context = r.error_field(Field::context);
        if (!context.empty() && context.find("PL/pgSQL") != std::string::npos) {
          message += " (context: " + one_line(context) + ")";
        }
        throw Error(ExitCode::migration_failed,
                    scrub(section.file + ":" + location(section, at) + ": " + message, endpoint_.password),
                    r.error_field(Field::hint));
      }
      if (on_done) on_done(i);
    }
    return n;
  }

  std::vector<std::size_t> statement_offsets(std::string_view sql) const override {
    std::vector<std::size_t> offsets;
    for (const SqlStatement& st : split_postgres(sql).statements) offsets.push_back(st.offset);
    return offsets;
  }

  Schema read_schema(const std::string& exclude_table, const std::vector<std::string>* schemas) override;
  Schema read_all(const std::string& exclude_table, const std::vector<std::string>* schemas);
  void read_namespace(Schema& schema, const std::string& nsp, const std::string& prefix, const std::string& qual,
                      const std::string& exclude_table);

  void set_foreign_keys(bool on) override {
    if (on) return;
    throw Error(ExitCode::invalid_input, "foreign_keys:off is a SQLite option; PostgreSQL has no such switch",
                "declare the constraints DEFERRABLE and use SET CONSTRAINTS ... DEFERRED in the migration");
  }
  std::optional<std::pair<std::string, std::size_t>> foreign_key_violations() override { return std::nullopt; }

 private:
  std::string result_message(const pq::Result& r) const {
    const std::string m = r.error_field(Field::primary);
    return m.empty() ? conn_->last_error() : scrub(m, endpoint_.password);
  }

  void connect(const std::string& database) { conn_ = pq::Connection::open(connect_options(endpoint_, database)); }

  bool is_scratch() const { return owner_ != nullptr || !scratch_schema_.empty(); }

  // Statements a replay must not run: those that reach past the scratch. Roles, tablespaces and
  // databases belong to the whole server, so no scratch isolates them; in a scratch schema, also
  // anything that names another schema of the live database, moves the search_path or creates a
  // schema (which would outlive the scratch).
  void refuse_outside_scratch(const Section& section, std::size_t offset, const std::string& text) const {
    const std::vector<SqlWord> words = postgres_words(text);
    const auto word = [&](std::size_t k) { return k < words.size() && !words[k].quoted ? words[k].upper : std::string{}; };
    const auto refuse = [&](std::size_t at, const std::string& why) {
      throw Error(ExitCode::migration_failed,
                  section.file + ":" + location(section, offset + at) + ": not replayed in the scratch " +
                      (owner_ != nullptr ? "database" : "schema") + ": " + why,
                  owner_ != nullptr ? std::string{}
                                    : "check replays in a scratch schema because the role cannot create databases; "
                                      "grant it CREATEDB (ALTER ROLE ... CREATEDB) to replay in a scratch database");
    };
    const std::string first = word(0);
    if (const std::optional<Reach> reach = find_server_reach(text, postgres_reach_rules())) {
      refuse(reach->offset, "'" + reach->what + "' " + reach->why);
    }
    if (first == "SET" && (word(1) == "ROLE" || word(2) == "ROLE" || word(1) == "SESSION")) {
      refuse(0, "SET ROLE and SET SESSION AUTHORIZATION change who the replay runs as");
    }
    // GRANT/REVOKE of a role (no ON): membership belongs to the whole server.
    if ((first == "GRANT" || first == "REVOKE") &&
        std::none_of(words.begin(), words.end(), [](const SqlWord& w) { return !w.quoted && w.upper == "ON"; })) {
      refuse(0, first + " of a role changes the whole server");
    }
    if (first == "CREATE" || first == "ALTER" || first == "DROP") {
      std::size_t k = 1;
      if (first == "CREATE" && word(1) == "OR") k = 3;  // OR REPLACE
      const std::string what = word(k);
      if (what == "ROLE" || what == "USER" || what == "GROUP" || what == "TABLESPACE" || what == "DATABASE") {
        refuse(0, first + " " + what + " changes the whole server");
      }
      if (owner_ == nullptr && first == "CREATE" && what == "SCHEMA") refuse(0, "CREATE SCHEMA would outlive the scratch schema");
    }
    // After the checks of a statement's first words, whose messages name the statement itself.
    if (first == "DO" || first == "CREATE" || first == "EXECUTE" || first == "PREPARE" || first == "COMMENT" ||
        first == "GRANT" || first == "REVOKE" || first == "SELECT") {
      if (const std::optional<Reach> reach = find_server_reach(text, postgres_replay_reach_rules())) {
        refuse(reach->offset, "'" + reach->what + "' " + reach->why);
      }
    }
    if (owner_ != nullptr) return;
    const std::string lower = to_lower(text);
    if (const std::size_t at = lower.find("search_path"); at != std::string::npos) {
      refuse(at, "it changes the search_path, which would leave the scratch schema");
    }
    for (const std::string& schema : live_schemas_) {
      // `public .users` and `public/**/.users` are `public.users` to the server.
      for (std::size_t k = 0; k + 1 < words.size(); ++k) {
        const std::string name = words[k].quoted ? words[k].upper : to_lower(words[k].upper);
        if (words[k + 1].upper == "." && !words[k + 1].quoted && name == (words[k].quoted ? schema : to_lower(schema))) {
          refuse(words[k].offset, "it names the schema " + schema + " explicitly, which would write to the real one");
        }
      }
      for (const std::string& needle : {to_lower(schema) + ".", "\"" + to_lower(schema) + "\"."}) {
        for (std::size_t at = lower.find(needle); at != std::string::npos; at = lower.find(needle, at + 1)) {
          const char before = at == 0 ? ' ' : lower[at - 1];
          if (std::isalnum(static_cast<unsigned char>(before)) != 0 || before == '_' || before == '$' || before == '"') continue;
          refuse(at, "it names the schema " + schema + " explicitly, which would write to the real one");
        }
      }
    }
  }

  Endpoint endpoint_;
  std::unique_ptr<pq::Connection> conn_;
  std::string database_;
  std::string schema_;
  std::string scratch_schema_;
  std::vector<std::string> live_schemas_;
  std::string caveat_;
  SignalGuard signals_;                           // restored after the scratch is gone
  std::unique_ptr<PgScratchDatabase> owner_;  // destroyed (dropping the database) after conn_ is closed
};

// ---- the schema from pg_catalog --------------------------------------------------------------

// Removes `"schema".` qualifications that pg_get_indexdef/functiondef/triggerdef add whatever
// the search_path, so a scratch schema and the live one read the same.
std::string pg_unqualify(std::string text, const std::string& schema) {
  for (const std::string& prefix : {quote_ident(schema) + ".", schema + "."}) {
    for (std::size_t pos = text.find(prefix); pos != std::string::npos; pos = text.find(prefix, pos)) {
      const bool boundary = pos == 0 || text[pos - 1] == ' ' || text[pos - 1] == '(' || text[pos - 1] == ',';
      if (boundary) {
        text.erase(pos, prefix.size());
      } else {
        pos += prefix.size();
      }
    }
  }
  return text;
}

std::string pg_fold(const std::string& sql) { return fold_whitespace(sql, "'\""); }

// Dump order: what tables need before them (schemas, extensions, enum types, sequences,
// functions), tables, then what reads them.
int pg_rank(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::schema: return -2;
    case ObjectKind::extension: return -1;
    case ObjectKind::type: return 0;
    case ObjectKind::sequence: return 1;
    case ObjectKind::function: return 2;
    case ObjectKind::table: return 3;
    case ObjectKind::index: return 4;
    case ObjectKind::view: return 5;
    case ObjectKind::trigger: return 6;
    case ObjectKind::comment: return 7;
    default: return 9;
  }
}

// The options of an identity column's sequence that differ from those CREATE SEQUENCE picks for
// the column's `type` (START, INCREMENT, MIN, MAX, CACHE, CYCLE as pg_sequence holds them):
// " (START WITH 100 INCREMENT BY 5)", or "" when every one is the default.
std::string identity_options(const std::string& type, const std::vector<std::string>& seq) {
  const auto number = [](const std::string& v) { return std::strtoll(v.c_str(), nullptr, 10); };
  const long long type_max = type == "smallint" ? 32767LL : type == "integer" ? 2147483647LL : INT64_MAX;
  const long long start = number(seq[0]);
  const long long increment = number(seq[1]);
  const long long min = number(seq[2]);
  const long long max = number(seq[3]);
  std::string out;
  const auto option = [&](bool differs, const std::string& text) {
    if (differs) out += (out.empty() ? "" : " ") + text;
  };
  option(start != (increment > 0 ? min : max), "START WITH " + seq[0]);
  option(increment != 1, "INCREMENT BY " + seq[1]);
  option(min != (increment > 0 ? 1 : -type_max - 1), "MINVALUE " + seq[2]);
  option(max != (increment > 0 ? type_max : -1), "MAXVALUE " + seq[3]);
  option(seq[4] != "1", "CACHE " + seq[4]);
  option(seq[5] == "t", "CYCLE");
  return out.empty() ? out : " (" + out + ")";
}

// A table's constraints as read from pg_constraint: name (quoted), definition, type, columns.
struct PgConstraint {
  std::string name;
  std::string definition;
  std::string type;  // contype: p, u, f, c, x
  std::string columns;  // conkey as text
};

// Which of a table's constraints a dump adds after every table (the pass of dump_after), as
// pg_dump does: a key on the same columns as one before it (CREATE TABLE would fold it into the
// other), and foreign keys and NOT VALID constraints (a foreign key may close a cycle, and a
// constraint written in CREATE TABLE is always valid). -1: written in CREATE TABLE.
std::vector<int> deferred_passes(const std::vector<PgConstraint>& constraints) {
  std::vector<int> pass(constraints.size(), -1);
  std::set<std::string> keys;
  // The primary key keeps its place; a UNIQUE on its columns is the one added later.
  for (const std::string type : {"p", "u"}) {
    for (std::size_t i = 0; i < constraints.size(); ++i) {
      if (constraints[i].type == type && !keys.insert(constraints[i].columns).second) pass[i] = 0;
    }
  }
  for (std::size_t i = 0; i < constraints.size(); ++i) {
    if (constraints[i].type == "f" || constraints[i].definition.ends_with(" NOT VALID")) pass[i] = 1;
  }
  return pass;
}

// The objects of namespace `nsp`; `prefix` goes before their names (empty for the migration schema,
// "other." for any other schema the migrations use) and `qual` before the names their statements
// write ("" or the schema quoted as the server quotes it, "other."): outside the migration
// schema the dump must create them there.
// A namespace being read from pg_catalog: its name, the prefix of its objects' names ("" for the
// migration schema, "app." for another), the quoted qualification its objects are written with
// ("" or "app."), and the history table left out.
struct PgNamespace {
  std::string name;
  std::string prefix;
  std::string qual;
  std::string exclude_table;

  std::string literal() const { return sql_quote(name); }
  // pg_get_*def's text, its qualifications with the migration schema removed.
  std::string unqualify(const std::string& text) const { return prefix.empty() ? pg_unqualify(text, name) : text; }
};

constexpr const char* k_reading_schema = "reading the schema";

// " AND the object `oid` is no extension's" (an extension's objects are the extension's).
std::string not_in_extension(const std::string& oid) {
  return " AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = " + oid + " AND dep.deptype = 'e')";
}

// What pg_catalog says of a namespace's tables, before each is written as a CREATE TABLE.
struct PgTableParts {
  std::vector<std::string> tables;                // in name order
  std::map<std::string, std::string> head;        // table -> CREATE TABLE name (
  std::map<std::string, std::string> quoted;      // table -> its name quoted
  std::map<std::string, std::vector<std::string>> columns;
  std::map<std::string, std::vector<PgConstraint>> constraints;
  std::map<std::string, std::string> partition_key;  // table -> "RANGE (at)" for a partitioned one
};

// A column as CREATE TABLE declares it, from a row of read_pg_columns' query.
std::string pg_column_definition(const std::vector<std::string>& r) {
  std::string line = r[1] + " " + r[2];
  // A collation the column declares (not its type's default): drift and `diff` compare it.
  if (!r[7].empty()) line += " COLLATE " + r[7];
  if (r[6] == "s") {
    line += " GENERATED ALWAYS AS (" + r[4] + ") STORED";
  } else if (!r[4].empty()) {
    line += " DEFAULT " + r[4];
  }
  const std::string options = r[8].empty() ? std::string{} : identity_options(r[2], {r.begin() + 8, r.end()});
  if (r[5] == "a") line += " GENERATED ALWAYS AS IDENTITY" + options;
  if (r[5] == "d") line += " GENERATED BY DEFAULT AS IDENTITY" + options;
  if (r[3] == "t" && r[5].empty()) line += " NOT NULL";
  return line;
}

void read_pg_table_names(Driver& d, const PgNamespace& n, PgTableParts& parts) {
  for (const auto& r : d.query("SELECT c.relname, quote_ident(c.relname), c.relkind, c.relpersistence, "
                               "CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) ELSE '' END FROM pg_class c "
                               "JOIN pg_namespace n ON n.oid = c.relnamespace "
                               "WHERE n.nspname = " + n.literal() + " AND c.relkind IN ('r', 'p')" +
                                   not_in_extension("c.oid") + " ORDER BY c.relname",
                               k_reading_schema)) {
    if (r[0] == n.exclude_table) continue;
    parts.tables.push_back(r[0]);
    parts.quoted[r[0]] = r[1];
    parts.head[r[0]] = std::string(r[3] == "u" ? "CREATE UNLOGGED TABLE " : "CREATE TABLE ") + n.qual + r[1] + " (";
    if (!r[4].empty()) parts.partition_key[r[0]] = n.unqualify(r[4]);
  }
}

void read_pg_columns(Driver& d, const PgNamespace& n, PgTableParts& parts) {
  for (const auto& r : d.query(
           "SELECT c.relname, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), a.attnotnull, "
           "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
           "CASE WHEN a.attcollation <> ty.typcollation THEN quote_ident(co.collname) ELSE '' END, "
           "sq.seqstart, sq.seqincrement, sq.seqmin, sq.seqmax, sq.seqcache, sq.seqcycle "
           "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
           "JOIN pg_type ty ON ty.oid = a.atttypid LEFT JOIN pg_collation co ON co.oid = a.attcollation "
           "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
           // An identity column's own sequence (an internal dependency on the column).
           "LEFT JOIN pg_depend di ON a.attidentity <> '' AND di.classid = 'pg_class'::regclass "
           "AND di.refclassid = 'pg_class'::regclass AND di.refobjid = a.attrelid AND di.refobjsubid = a.attnum "
           "AND di.deptype = 'i' LEFT JOIN pg_sequence sq ON sq.seqrelid = di.objid "
           "WHERE n.nspname = " + n.literal() + " AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped "
           "ORDER BY c.relname, a.attnum",
           k_reading_schema)) {
    if (parts.head.count(r[0]) == 0) continue;
    parts.columns[r[0]].push_back(pg_column_definition(r));
  }
}

void read_pg_constraints(Driver& d, const PgNamespace& n, PgTableParts& parts) {
  for (const auto& r : d.query("SELECT c.relname, quote_ident(co.conname), pg_get_constraintdef(co.oid, true), co.contype, "
                               "co.conkey::text FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid "
                               "JOIN pg_namespace n ON n.oid = c.relnamespace "
                               "WHERE n.nspname = " + n.literal() + " AND co.contype <> 'n' ORDER BY c.relname, co.conname",
                               k_reading_schema)) {
    if (parts.head.count(r[0]) == 0) continue;
    parts.constraints[r[0]].push_back(PgConstraint{r[1], n.unqualify(r[2]), r[3], r[4]});
  }
}

// Table `t` as a schema object. `text` has every column and constraint (compared, and what
// `diff` creates); the dump's CREATE TABLE leaves out those it adds after every table.
SchemaObject pg_table_object(const PgNamespace& n, const std::string& t, PgTableParts& parts) {
  std::vector<std::string> all = parts.columns[t];
  std::vector<std::string> in_dump = all;
  std::vector<std::pair<int, std::string>> after;
  const std::vector<PgConstraint>& constraints = parts.constraints[t];
  const std::vector<int> passes = deferred_passes(constraints);
  for (std::size_t i = 0; i < constraints.size(); ++i) {
    const std::string part = "CONSTRAINT " + constraints[i].name + " " + constraints[i].definition;
    all.push_back(part);
    if (passes[i] < 0) {
      in_dump.push_back(part);
    } else {
      after.emplace_back(passes[i], "ALTER TABLE " + n.qual + parts.quoted[t] + " ADD " + part);
    }
  }
  const auto body = [&](const std::vector<std::string>& table_parts) {
    std::string text = parts.head[t];
    for (std::size_t i = 0; i < table_parts.size(); ++i) text += std::string(i > 0 ? "," : "") + "\n  " + table_parts[i];
    const auto key = parts.partition_key.find(t);
    return text + "\n)" + (key == parts.partition_key.end() ? "" : " PARTITION BY " + key->second);
  };
  SchemaObject o{ObjectKind::table, n.prefix + t, n.prefix + t, "", body(all), {}, {}};
  o.sql = pg_fold(o.text);
  if (!after.empty()) {
    o.dump_text = body(in_dump);
    o.dump_after = std::move(after);
  }
  return o;
}

void read_pg_tables(Driver& d, const PgNamespace& n, Schema& schema) {
  PgTableParts parts;
  read_pg_table_names(d, n, parts);
  read_pg_columns(d, n, parts);
  read_pg_constraints(d, n, parts);
  for (const std::string& t : parts.tables) schema.objects.push_back(pg_table_object(n, t, parts));
}

void read_pg_indexes(Driver& d, const PgNamespace& n, Schema& schema) {
  for (const auto& r : d.query("SELECT i.relname, t.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                               "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                               "JOIN pg_namespace n ON n.oid = i.relnamespace WHERE n.nspname = " + n.literal() +
                                   " AND NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = x.indexrelid "
                                   "AND co.contype IN ('p', 'u', 'x'))" + not_in_extension("t.oid"),
                               k_reading_schema)) {
    if (r[1] == n.exclude_table) continue;
    const std::string text = n.unqualify(r[2]);
    schema.objects.push_back(SchemaObject{ObjectKind::index, n.prefix + r[0], n.prefix + r[1], pg_fold(text), text, {}, {}});
  }
}

void read_pg_views(Driver& d, const PgNamespace& n, Schema& schema) {
  for (const auto& r : d.query("SELECT c.relname, quote_ident(c.relname), c.relkind, pg_get_viewdef(c.oid, true) FROM pg_class c "
                               "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = " + n.literal() +
                                   " AND c.relkind IN ('v', 'm')" + not_in_extension("c.oid"),
                               k_reading_schema)) {
    std::string body = r[3];
    while (!body.empty() && (body.back() == ';' || body.back() == '\n' || body.back() == ' ')) body.pop_back();
    const std::string text = std::string(r[2] == "m" ? "CREATE MATERIALIZED VIEW " : "CREATE VIEW ") + n.qual + r[1] + " AS\n" + body;
    schema.objects.push_back(SchemaObject{ObjectKind::view, n.prefix + r[0], n.prefix + r[0], pg_fold(text), text, {}, {}});
  }
}

void read_pg_functions(Driver& d, const PgNamespace& n, Schema& schema) {
  for (const auto& r : d.query("SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', "
                               "pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                               "WHERE n.nspname = " + n.literal() + " AND p.prokind IN ('f', 'p')" + not_in_extension("p.oid"),
                               k_reading_schema)) {
    std::string text = n.unqualify(r[1]);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    schema.objects.push_back(SchemaObject{ObjectKind::function, n.prefix + r[0], "", pg_fold(text), text, {}, {}});
  }
}

void read_pg_sequences(Driver& d, const PgNamespace& n, Schema& schema) {
  for (const auto& r : d.query(
           "SELECT c.relname, quote_ident(c.relname), format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, "
           "s.seqmin, s.seqmax, s.seqcache, s.seqcycle, coalesce(t.relname, ''), coalesce(d.deptype, ''), "
           "coalesce(quote_ident(tn.nspname), ''), coalesce(quote_ident(t.relname), ''), coalesce(quote_ident(a.attname), ''), "
           "coalesce(tn.nspname, '') "
           "FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
           "LEFT JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass "
           "AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
           "LEFT JOIN pg_class t ON t.oid = d.refobjid LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace "
           "LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid AND d.refobjsubid > 0 "
           "WHERE n.nspname = " + n.literal() + not_in_extension("c.oid"),
           k_reading_schema)) {
    if (!r[9].empty() && r[9] == n.exclude_table) continue;
    // An identity column's own sequence is part of the column (GENERATED ... AS IDENTITY makes
    // it): a dump that also created it would give the column a second one.
    if (r[10] == "i") continue;
    const std::string text = "CREATE SEQUENCE " + n.qual + r[1] + " AS " + r[2] + " START WITH " + r[3] + " INCREMENT BY " +
                             r[4] + " MINVALUE " + r[5] + " MAXVALUE " + r[6] + " CACHE " + r[7] +
                             (r[8] == "t" ? " CYCLE" : "");
    SchemaObject o{ObjectKind::sequence, n.prefix + r[0], r[9].empty() ? r[9] : n.prefix + r[9], pg_fold(text), text, {}, {}};
    // A serial column's sequence belongs to the column (OWNED BY): dropped with it, and what
    // pg_get_serial_sequence finds. Written once the table exists.
    if (!r[13].empty()) {
      const std::string table = (r[14] == n.name ? n.qual : r[11] + ".") + r[12];
      o.dump_after.emplace_back(0, "ALTER SEQUENCE " + n.qual + r[1] + " OWNED BY " + table + "." + r[13]);
    }
    schema.objects.push_back(std::move(o));
  }
}

void read_pg_enum_types(Driver& d, const PgNamespace& n, Schema& schema) {
  for (const auto& r : d.query("SELECT t.typname, quote_ident(t.typname), string_agg(quote_literal(e.enumlabel), ', ' "
                               "ORDER BY e.enumsortorder) FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid "
                               "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = " + n.literal() +
                                   not_in_extension("t.oid") + " GROUP BY t.typname",
                               k_reading_schema)) {
    const std::string text = "CREATE TYPE " + n.qual + r[1] + " AS ENUM (" + r[2] + ")";
    schema.objects.push_back(SchemaObject{ObjectKind::type, n.prefix + r[0], "", pg_fold(text), text, {}, {}});
  }
}

// Domains, as CREATE DOMAIN with their default, NOT NULL and named constraints: a column of one
// needs it made first (ObjectKind::type, as an enum).
void read_pg_domains(Driver& d, const PgNamespace& n, Schema& schema) {
  for (const auto& r : d.query("SELECT t.typname, quote_ident(t.typname), format_type(t.typbasetype, t.typtypmod), "
                               "coalesce(t.typdefault, ''), t.typnotnull, coalesce((SELECT string_agg(' CONSTRAINT ' || "
                               "quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid, true), '' ORDER BY c.conname) "
                               "FROM pg_constraint c WHERE c.contypid = t.oid), '') FROM pg_type t "
                               "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'd' AND n.nspname = " +
                                   n.literal() + not_in_extension("t.oid"),
                               k_reading_schema)) {
    const std::string text = "CREATE DOMAIN " + n.qual + r[1] + " AS " + r[2] + (r[3].empty() ? "" : " DEFAULT " + r[3]) +
                             (r[4] == "t" ? " NOT NULL" : "") + r[5];
    schema.objects.push_back(SchemaObject{ObjectKind::type, n.prefix + r[0], "", pg_fold(text), text, {}, {}});
  }
}

void read_pg_triggers(Driver& d, const PgNamespace& n, Schema& schema) {
  for (const auto& r : d.query("SELECT tg.tgname, c.relname, pg_get_triggerdef(tg.oid, true) FROM pg_trigger tg "
                               "JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                               "WHERE n.nspname = " + n.literal() + " AND NOT tg.tgisinternal",
                               k_reading_schema)) {
    if (r[1] == n.exclude_table) continue;
    const std::string text = n.unqualify(r[2]);
    schema.objects.push_back(SchemaObject{ObjectKind::trigger, n.prefix + r[0], n.prefix + r[1], pg_fold(text), text, {}, {}});
  }
}

// Comments on tables, views and their columns (COMMENT ON): part of what a migration writes.
void read_pg_comments(Driver& d, const PgNamespace& n, Schema& schema) {
  for (const auto& r : d.query("SELECT c.relname, quote_ident(c.relname), coalesce(quote_ident(a.attname), ''), "
                               "quote_literal(d.description), c.relkind FROM pg_description d "
                               "JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass "
                               "JOIN pg_namespace n ON n.oid = c.relnamespace "
                               "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0 "
                               "WHERE n.nspname = " + n.literal() + " AND c.relkind IN ('r', 'p', 'v', 'm')" +
                                   not_in_extension("c.oid"),
                               k_reading_schema)) {
    if (r[0] == n.exclude_table) continue;
    const std::string kind = !r[2].empty() ? "COLUMN" : r[4] == "v" ? "VIEW" : r[4] == "m" ? "MATERIALIZED VIEW" : "TABLE";
    const std::string target = n.qual + r[1] + (r[2].empty() ? "" : "." + r[2]);
    const std::string text = "COMMENT ON " + kind + " " + target + " IS " + r[3];
    schema.objects.push_back(SchemaObject{ObjectKind::comment, n.prefix + r[0] + (r[2].empty() ? "" : "." + r[2]), n.prefix + r[0],
                                          pg_fold(text), text, {}, {}});
  }
}

// Everything of namespace `nsp` a migration makes, in the order of pg_catalog's tables.
void PostgresDriver::read_namespace(Schema& schema, const std::string& nsp, const std::string& prefix,
                                    const std::string& qual, const std::string& exclude_table) {
  const PgNamespace n{nsp, prefix, qual, exclude_table};
  read_pg_tables(*this, n, schema);
  read_pg_indexes(*this, n, schema);
  read_pg_views(*this, n, schema);
  read_pg_functions(*this, n, schema);
  read_pg_sequences(*this, n, schema);
  read_pg_enum_types(*this, n, schema);
  read_pg_domains(*this, n, schema);
  read_pg_triggers(*this, n, schema);
  read_pg_comments(*this, n, schema);
}

Schema PostgresDriver::read_schema(const std::string& exclude_table, const std::vector<std::string>* schemas) {
  // Read with the migration schema alone in the search_path, so that names there come back
  // unqualified and all others qualified, whatever the session's path is now (a loaded pg_dump
  // file empties it); the path is put back after.
  const std::string saved = query("SELECT current_setting('search_path'), set_config('search_path', " +
                                       sql_quote(quote_ident(schema_)) + ", false)",
                                   "reading the schema")
                                 .at(0)
                                 .at(0);
  Schema schema = read_all(exclude_table, schemas);
  exec("SELECT pg_catalog.set_config('search_path', " + sql_quote(saved) + ", false)", "reading the schema");
  return schema;
}

Schema PostgresDriver::read_all(const std::string& exclude_table, const std::vector<std::string>* schemas) {
  Schema schema;
  read_namespace(schema, schema_, "", "", exclude_table);
  // Projects that keep their tables in a schema of their own (CREATE SCHEMA app; CREATE TABLE
  // app.t ...) are compared there too; a scratch schema in the live database sees only itself.
  if (scratch_schema_.empty()) {
    for (const auto& r : query("SELECT n.nspname, quote_ident(n.nspname) FROM pg_namespace n WHERE n.nspname NOT LIKE 'pg\\_%' "
                               "AND n.nspname <> 'information_schema' AND n.nspname <> " + sql_quote(schema_) +
                               " AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = n.oid AND dep.deptype = 'e') "
                               "ORDER BY n.nspname",
                               "reading the schema")) {
      if (schemas != nullptr && std::find(schemas->begin(), schemas->end(), r[0]) == schemas->end()) continue;
      const std::string text = "CREATE SCHEMA " + r[0];
      schema.objects.push_back(SchemaObject{ObjectKind::schema, r[0], "", pg_fold(text), text, {}, {}});
      read_namespace(schema, r[0], r[0] + ".", r[1] + ".", "");
    }
  }
  // Extensions belong to the database, not to a schema: CREATE EXTENSION in a migration is part
  // of what it creates (and a down that leaves one behind does not undo its up).
  for (const auto& r : query("SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                             "WHERE e.extname <> 'plpgsql' ORDER BY e.extname",
                             "reading the schema")) {
    const std::string text = "CREATE EXTENSION " + r[0] + " WITH SCHEMA " + r[1];
    schema.objects.push_back(SchemaObject{ObjectKind::extension, r[0], "", pg_fold(text), text, {}, {}});
  }
  std::sort(schema.objects.begin(), schema.objects.end(), [](const SchemaObject& a, const SchemaObject& b) {
    return std::make_tuple(pg_rank(a.kind), a.name, a.table) < std::make_tuple(pg_rank(b.kind), b.name, b.table);
  });
  return schema;
}

}  // namespace

std::unique_ptr<Driver> open_postgres(const Endpoint& endpoint, Access access, const std::string& table,
                                      std::chrono::milliseconds lock_timeout) {
  auto driver = std::make_unique<PostgresDriver>(endpoint, access);
  if (access == Access::write) driver->lock(table, lock_timeout);
  return driver;
}

std::unique_ptr<Driver> open_postgres_admin(const Endpoint& server, const std::string& target) {
  return std::make_unique<PostgresDriver>(server, Access::write, target == "postgres" ? "template1" : "postgres");
}

std::unique_ptr<Driver> open_postgres_scratch(const Endpoint* server) {
  Endpoint e = *server;
  e.wait = std::chrono::milliseconds(0);
  // A scratch database: nothing a migration does outside its schema reaches the live database.
  std::string why_not;
  {
    auto owner = std::make_unique<PgScratchDatabase>(e, scratch_database_name());
    if (owner->created) {
      try {
        const std::string name = owner->name;
        auto driver = std::make_unique<PostgresDriver>(e, Access::write, name);
        driver->become_scratch_database(std::move(owner));
        return driver;
      } catch (const Error& err) {
        why_not = err.what();
      }
    } else {
      why_not = owner->error;
    }
  }
  // Else (no CREATEDB, say) a scratch schema in the live database, with the statements that could
  // reach past it refused.
  e.schema.clear();
  auto driver = std::make_unique<PostgresDriver>(e, Access::write);
  std::vector<std::string> live;
  for (auto& row : driver->query("SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
                                 "AND nspname <> 'information_schema'",
                                 "listing the schemas")) {
    live.push_back(std::move(row[0]));
  }
  driver->become_scratch_schema(scratch_database_name(), std::move(live));
  driver->set_caveat("replayed in a scratch schema of the live database, not a scratch database (" + why_not +
                     "): statements that name a schema, set the search_path or create a schema are not replayed; "
                     "grant the role CREATEDB for full isolation");
  return driver;
}

}  // namespace strata::migrate
