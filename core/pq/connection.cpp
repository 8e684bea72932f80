#include "pq/connection.h"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <thread>

#include "net/url_secrets.h"
#include "pq/binary_array.h"
#include "pq/pq_library.h"

namespace strata::pq {
namespace {

const PqLibrary& lib() { return pq_library(); }

// libpq's messages on one line: its "\n\t" continuation lines joined with one space.
std::string one_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (std::size_t pos = s.find("\n\t"); pos != std::string::npos; pos = s.find("\n\t")) s.replace(pos, 2, " ");
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\t', ' ');
  return s;
}

// What a signal handler calls (Canceller::cancel): set before a handler can run, so that it never
// runs libpq's one-time load.
decltype(&::PQcancel) volatile g_cancel = nullptr;

// The store's advice when it cannot connect.
std::string store_connect_hint(const std::string&) {
  return "check the store URL, that the server runs, and the password (~/.pgpass or $PGPASSWORD)";
}

// Waits (up to `wait`) while the server at `conninfo` does not accept connections yet: PQping
// tells these apart from answers such as a wrong password, which waiting does not fix.
void wait_for_server(const std::string& conninfo, std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  auto pause = std::chrono::milliseconds(50);
  while (true) {
    const PGPing ping = lib().ping(conninfo.c_str());
    if (ping == PQPING_OK || ping == PQPING_NO_ATTEMPT || std::chrono::steady_clock::now() >= deadline) return;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(500));
  }
}

void ignore_notice(void*, const char*) {}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A value the server sent that should be a number is not: the server's answer is data, and
// this is what is wrong with it (never a C++ exception's text).
[[noreturn]] void pq_not_a_number(std::string_view value, const char* what) {
  const std::string shown(value.substr(0, 40));
  throw Error(ExitCode::unavailable, "the server sent '" + shown + (value.size() > 40 ? "…" : "") + "' where " + what +
                                         " was expected");
}

std::int64_t pq_whole_number(std::string_view text) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) pq_not_a_number(text, "a whole number");
  return v;
}

// How a failed statement reads, by its SQLSTATE: the cause a user acts on.
std::string cause(const char* state, const std::string& message) {
  const std::string s = state != nullptr ? state : "";
  if (s == "55P03") return "lock timeout (another session holds the lock): " + message;
  if (s == "57014") return "statement timeout: " + message;
  if (s.rfind("08", 0) == 0 || s == "57P01" || s == "57P02" || s == "57P03") return "lost the server: " + message;
  return message;
}

}  // namespace

// ---- Result -----------------------------------------------------------------------------------

Result::Result(pg_result* r) : r_(r) {}
Result::~Result() {
  if (r_ != nullptr) lib().clear(r_);
}
Result::Result(Result&& other) noexcept : r_(other.r_) { other.r_ = nullptr; }
Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    if (r_ != nullptr) lib().clear(r_);
    r_ = other.r_;
    other.r_ = nullptr;
  }
  return *this;
}

int Result::rows() const { return r_ == nullptr ? 0 : lib().ntuples(r_); }
int Result::columns() const { return r_ == nullptr ? 0 : lib().nfields(r_); }
bool Result::is_null(int row, int column) const { return lib().get_is_null(r_, row, column) != 0; }

std::string_view Result::text(int row, int column) const {
  if (is_null(row, column)) return {};
  return {lib().get_value(r_, row, column), static_cast<std::size_t>(lib().get_length(r_, row, column))};
}

std::int64_t Result::int64(int row, int column) const {
  if (is_null(row, column)) return 0;
  if (lib().fformat(r_, column) == 1) {
    const int n = lib().get_length(r_, row, column);
    const std::uint64_t v = big_endian(lib().get_value(r_, row, column), static_cast<std::size_t>(n));
    if (n == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    if (n == 2) return static_cast<std::int16_t>(static_cast<std::uint16_t>(v));
    return static_cast<std::int64_t>(v);
  }
  return pq_whole_number(text(row, column));
}

double Result::number(int row, int column) const {
  if (is_null(row, column)) return 0;
  const std::string t(text(row, column));
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size()) pq_not_a_number(t, "a number");
  return v;
}

std::optional<std::int64_t> Result::optional_int(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return int64(row, column);
}

std::optional<std::string> Result::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return str(row, column);
}

std::string Result::bytes(int row, int column) const {
  if (is_null(row, column)) return {};
  const std::string_view t = text(row, column);
  if (lib().fformat(r_, column) == 1) return std::string(t);
  // Text format: bytea's hex output, \x followed by two digits a byte.
  std::string out;
  if (t.size() < 2 || t[0] != '\\' || t[1] != 'x') return std::string(t);
  out.reserve((t.size() - 2) / 2);
  for (std::size_t i = 2; i + 1 < t.size(); i += 2) {
    out.push_back(static_cast<char>(hex_value(t[i]) * 16 + hex_value(t[i + 1])));
  }
  return out;
}

bool Result::ok() const {
  if (r_ == nullptr) return false;
  const ExecStatusType s = lib().result_status(r_);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
}

bool Result::copying() const {
  if (r_ == nullptr) return false;
  const ExecStatusType s = lib().result_status(r_);
  return s == PGRES_COPY_IN || s == PGRES_COPY_OUT || s == PGRES_COPY_BOTH;
}

std::string Result::error_field(Field field) const {
  static constexpr int codes[] = {PG_DIAG_MESSAGE_PRIMARY, PG_DIAG_MESSAGE_DETAIL, PG_DIAG_MESSAGE_HINT,
                                  PG_DIAG_CONTEXT, PG_DIAG_STATEMENT_POSITION, PG_DIAG_SQLSTATE};
  const char* v = r_ == nullptr ? nullptr : lib().result_error_field(r_, codes[static_cast<int>(field)]);
  return v == nullptr ? std::string{} : std::string(v);
}

std::int64_t Result::affected() const {
  const char* n = r_ == nullptr ? nullptr : lib().cmd_tuples(r_);
  return n == nullptr || *n == '\0' ? 0 : pq_whole_number(n);
}

// ---- literals ---------------------------------------------------------------------------------

std::string to_bytea_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

std::string to_text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (const char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string to_int_array(const std::vector<std::int64_t>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(items[i]);
  }
  return out + "}";
}

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string copy_escape(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (const char c : field) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out;
}

// ---- Connection -------------------------------------------------------------------------------

Connection::Connection(ConnectOptions options) : options_(std::move(options)) {}

Connection::~Connection() {
  if (conn_ != nullptr) lib().finish(conn_);
}

std::string Connection::scrubbed(std::string text) const { return net::scrub(std::move(text), options_.password); }

void Connection::fail(ExitCode code, const std::string& what, std::string hint) const {
  throw Error(code, scrubbed(options_.display + ": " + what), std::move(hint));
}

std::unique_ptr<Connection> Connection::open(const ConnectOptions& options) {
  std::unique_ptr<Connection> c(new Connection(options));
  // TCP keepalives every 10 s after 30 s of quiet, given up after 3 unanswered: a server whose
  // host is gone (no reset, no answer) is noticed while a statement waits on it, instead of after
  // the system's two hours. Before "dbname": a URL's own keepalives_* settings win.
  std::vector<const char*> keys{"keepalives_idle", "keepalives_interval", "keepalives_count", "dbname"};
  std::vector<const char*> values{"30", "10", "3", options.conninfo.c_str()};
  if (!options.application_name.empty()) {
    keys.push_back("application_name");
    values.push_back(options.application_name.c_str());
  }
  // The first dbname is expanded as the URL; a second, a plain name, overrides its database.
  if (!options.database.empty()) {
    keys.push_back("dbname");
    values.push_back(options.database.c_str());
  }
  const std::string connect_seconds = std::to_string((options.connect_timeout.count() + 999) / 1000);
  if (options.connect_timeout.count() > 0) {
    keys.push_back("connect_timeout");
    values.push_back(connect_seconds.c_str());
  }
  // A server that stops answering mid-statement (a lost network) is given up on too: the
  // statement timeout is the server's, this one the client's socket's.
  const std::string user_timeout = std::to_string(options.statement_timeout.count());
  if (options.statement_timeout.count() > 0) {
    keys.push_back("tcp_user_timeout");
    values.push_back(user_timeout.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  if (options.wait_for_server.count() > 0) wait_for_server(options.conninfo, options.wait_for_server);
  // expand_dbname = 1: the URL in "dbname" is parsed as a whole connection string.
  c->conn_ = lib().connectdb_params(keys.data(), values.data(), 1);
  if (c->conn_ == nullptr) c->fail(ExitCode::unavailable, "cannot connect: out of memory");
  if (lib().status(c->conn_) != CONNECTION_OK) {
    const std::string why = c->scrubbed(one_line(lib().error_message(c->conn_)));
    c->fail(ExitCode::unavailable, "cannot connect: " + why,
            options.connect_hint ? options.connect_hint(why) : store_connect_hint(why));
  }
  lib().set_notice_processor(c->conn_, ignore_notice, nullptr);
  // Non-blocking: every wait is strata's own poll() on the socket, with answer_timeout's deadline.
  if (lib().set_nonblocking(c->conn_, 1) != 0) {
    c->fail(ExitCode::unavailable, "cannot connect: " + one_line(lib().error_message(c->conn_)));
  }
  std::string setup;
  if (options.session == ConnectOptions::Session::utf8) {
    setup += "SET client_encoding = 'UTF8'; SET standard_conforming_strings = on; ";
  }
  if (options.lock_timeout.count() > 0) {
    setup += "SET lock_timeout = " + std::to_string(options.lock_timeout.count()) + "; ";
  }
  if (options.statement_timeout.count() > 0) {
    setup += "SET statement_timeout = " + std::to_string(options.statement_timeout.count()) + "; ";
  }
  // The schema alone (pg_catalog is searched before it when not named, the session's own
  // temporary schema last): no `public`, where any role with CREATE there could shadow a
  // function or operator strata calls. What the store's schema holds is checked when a store
  // opens (store/postgres/pg_foreign_objects.h).
  if (!options.schema.empty()) setup += "SET search_path TO " + quote_identifier(options.schema) + ", pg_temp; ";
  if (!setup.empty()) c->exec_script(setup, "setting up the session");
  return c;
}

int Connection::server_version() const { return lib().server_version(conn_); }

bool Connection::lost() const { return conn_ == nullptr || lib().status(conn_) == CONNECTION_BAD; }

void Connection::require_live(std::string_view doing) const {
  if (conn_ != nullptr) return;
  const std::string prefix = doing.empty() ? "" : std::string(doing) + ": ";
  fail(ExitCode::unavailable, prefix + "lost the server: " + gone_);
}

void Connection::fail_result(pg_result* r, std::string_view doing) const {
  std::string message;
  const char* primary = r == nullptr ? nullptr : lib().result_error_field(r, PG_DIAG_MESSAGE_PRIMARY);
  const char* state = r == nullptr ? nullptr : lib().result_error_field(r, PG_DIAG_SQLSTATE);
  message = primary != nullptr ? std::string(primary) : one_line(lib().error_message(conn_));
  message = cause(state, one_line(message));
  // A connection the server dropped has no SQLSTATE: libpq's own text, said as what it is.
  if (state == nullptr && lib().status(conn_) == CONNECTION_BAD) message = "lost the server: " + message;
  const char* hint = r == nullptr ? nullptr : lib().result_error_field(r, PG_DIAG_MESSAGE_HINT);
  std::string server_hint = hint != nullptr ? scrubbed(hint) : std::string{};
  if (r != nullptr) lib().clear(r);
  const std::string prefix = doing.empty() ? "" : std::string(doing) + ": ";
  fail(ExitCode::unavailable, prefix + message, std::move(server_hint));
}

void Connection::fail_sending(std::string_view doing) const {
  const std::string prefix = doing.empty() ? "" : std::string(doing) + ": ";
  std::string message = one_line(lib().error_message(conn_));
  if (lib().status(conn_) == CONNECTION_BAD) message = "lost the server: " + message;
  fail(ExitCode::unavailable, prefix + message);
}

// `r` when it holds rows or a completed command; else the failure, in the user's words.
pg_result* Connection::checked(pg_result* r, std::string_view doing) const {
  const ExecStatusType status = r == nullptr ? PGRES_FATAL_ERROR : lib().result_status(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) fail_result(r, doing);
  return r;
}

std::optional<std::chrono::steady_clock::time_point> Connection::deadline() const {
  if (options_.answer_timeout.count() <= 0) return std::nullopt;
  return std::chrono::steady_clock::now() + options_.answer_timeout;
}

bool Connection::wait_socket(bool write, std::optional<std::chrono::steady_clock::time_point> until) const {
  for (;;) {
    int wait_ms = -1;
    if (until) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      wait_ms = static_cast<int>(std::min<std::int64_t>(left.count(), 60'000));
    }
    const int fd = lib().socket(conn_);
    if (fd < 0) return true;  // closed: libpq's next call says why
    pollfd p{fd, static_cast<short>(POLLIN | (write ? POLLOUT : 0)), 0};
    const int n = ::poll(&p, 1, wait_ms);
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return true;  // libpq's next call reports what is wrong
  }
}

void Connection::give_up(std::string_view doing) {
  const long long ms = options_.answer_timeout.count();
  gone_ = "no answer within " + (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms") +
          " (the server stopped answering; the connection was closed)";
  // Shut down first: PQfinish's goodbye then fails at once instead of waiting on a full socket.
  ::shutdown(lib().socket(conn_), SHUT_RDWR);
  lib().finish(conn_);
  conn_ = nullptr;
  prepared_.clear();
  const std::string prefix = doing.empty() ? "" : std::string(doing) + ": ";
  fail(ExitCode::unavailable, prefix + gone_);
}

void Connection::flush_within(std::optional<std::chrono::steady_clock::time_point> until, std::string_view doing) {
  for (;;) {
    const int f = lib().flush(conn_);
    if (f == 0) return;
    if (f < 0) fail_sending(doing);
    if (!wait_socket(true, until)) give_up(doing);
    // The server may answer before it has read everything (an error): libpq reads it in.
    if (lib().consume_input(conn_) == 0) return;  // broken: the result says how
  }
}

pg_result* Connection::answer(std::optional<std::chrono::steady_clock::time_point> until, std::string_view doing) {
  flush_within(until, doing);
  pg_result* last = nullptr;
  for (;;) {
    while (lib().is_busy(conn_) != 0) {
      if (!wait_socket(false, until)) {
        if (last != nullptr) lib().clear(last);
        give_up(doing);
      }
      if (lib().consume_input(conn_) == 0) break;  // broken: PQgetResult says how
    }
    pg_result* r = lib().get_result(conn_);
    if (r == nullptr) return last;
    const ExecStatusType status = lib().result_status(r);
    if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH) {
      if (last != nullptr) lib().clear(last);
      return r;
    }
    // As PQexec: the last result, but an error before it stays the answer.
    if (last != nullptr && lib().result_status(last) == PGRES_FATAL_ERROR) {
      lib().clear(r);
    } else {
      if (last != nullptr) lib().clear(last);
      last = r;
    }
    if (lib().status(conn_) == CONNECTION_BAD) return last;
  }
}

Result Connection::exec(std::string_view sql, const std::vector<Param>& params, bool binary, std::string_view doing) {
  return exec(sql, params, {}, binary, doing);
}

Result Connection::exec(std::string_view sql, const std::vector<Param>& params, const std::vector<bool>& binary_params,
                        bool binary, std::string_view doing) {
  require_live(doing);
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  values.reserve(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Param& p = params[i];
    values.push_back(p ? p->data() : nullptr);
    lengths.push_back(p ? static_cast<int>(p->size()) : 0);  // read for binary parameters only
    formats.push_back(i < binary_params.size() && binary_params[i] ? 1 : 0);  // none given: all text
  }
  const std::string statement(sql);
  const auto until = deadline();
  if (lib().send_query_params(conn_, statement.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                              lengths.data(), formats.data(), binary ? 1 : 0) == 0) {
    fail_sending(doing);
  }
  return Result(checked(answer(until, doing), doing));
}

Result Connection::exec_prepared(const std::string& name, std::string_view sql, const std::vector<Param>& params,
                                 bool binary, std::string_view doing) {
  require_live(doing);
  if (!prepared_.contains(name)) {
    const std::string statement(sql);
    const auto until = deadline();
    if (lib().send_prepare(conn_, name.c_str(), statement.c_str(), static_cast<int>(params.size()), nullptr) == 0) {
      fail_sending(doing);
    }
    lib().clear(checked(answer(until, doing), doing));
    prepared_.insert(name);
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& v : params) values.push_back(v ? v->c_str() : nullptr);
  const auto until = deadline();
  if (lib().send_query_prepared(conn_, name.c_str(), static_cast<int>(params.size()), values.data(), nullptr, nullptr,
                                binary ? 1 : 0) == 0) {
    fail_sending(doing);
  }
  return Result(checked(answer(until, doing), doing));
}

void Connection::exec_script(std::string_view sql, std::string_view doing) { query_script(sql, doing); }

Result Connection::query_script(std::string_view sql, std::string_view doing) {
  require_live(doing);
  const std::string script(sql);
  const auto until = deadline();
  if (lib().send_query(conn_, script.c_str()) == 0) fail_sending(doing);
  return Result(checked(answer(until, doing), doing));
}

Result Connection::try_statement(std::string_view sql) {
  if (conn_ == nullptr) return Result();
  const std::string statement(sql);
  const auto until = deadline();
  if (lib().send_query(conn_, statement.c_str()) == 0) return Result();
  try {
    return Result(answer(until, {}));
  } catch (const Error&) {
    return Result();  // not sent whole, or no answer in time: last_error() says which
  }
}

void Connection::end_copy(const char* why) {
  if (conn_ == nullptr) return;
  const auto until = deadline();
  // COPY FROM STDIN is refused with `why` (the server ends the statement); COPY TO STDOUT, which
  // nothing can refuse, has its data read and dropped.
  if (lib().put_copy_end(conn_, why) < 0) {
    for (;;) {
      char* data = nullptr;
      const int n = lib().get_copy_data(conn_, &data, 0);
      if (data != nullptr) lib().freemem(data);
      if (n < 0) break;
    }
  }
  if (pg_result* rest = answer(until, {})) lib().clear(rest);
}

std::string Connection::last_error() const {
  return conn_ == nullptr ? gone_ : scrubbed(one_line(lib().error_message(conn_)));
}

bool Connection::idle() const { return conn_ != nullptr && lib().transaction_status(conn_) == PQTRANS_IDLE; }

// ---- Canceller --------------------------------------------------------------------------------

Canceller::Canceller(const Connection& connection) : cancel_(lib().get_cancel(connection.conn_)) {
  g_cancel = lib().cancel;
}

Canceller::~Canceller() {
  if (cancel_ != nullptr) lib().free_cancel(cancel_);
}

void Canceller::cancel(void* handle) noexcept {
  char buf[256];
  if (handle != nullptr && g_cancel != nullptr) g_cancel(static_cast<pg_cancel*>(handle), buf, sizeof buf);
}

void Connection::begin() { exec_script("BEGIN"); }
void Connection::commit() { exec_script("COMMIT", "committing"); }
void Connection::rollback() noexcept {
  if (conn_ == nullptr) return;
  try {
    exec_script("ROLLBACK");
  } catch (...) {
    // Nothing to do: a server that is gone has rolled back, or will.
  }
}

bool Connection::in_transaction() const {
  if (conn_ == nullptr) return false;
  const PGTransactionStatusType s = lib().transaction_status(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

void Connection::copy_in(std::string_view copy_statement, std::string_view rows, std::string_view doing) {
  require_live(doing);
  const std::string statement(copy_statement);
  const auto until = deadline();
  if (lib().send_query(conn_, statement.c_str()) == 0) fail_sending(doing);
  pg_result* r = answer(until, doing);
  if (r == nullptr || lib().result_status(r) != PGRES_COPY_IN) fail_result(r, doing);
  lib().clear(r);
  // In pieces of at most 1 MiB: libpq buffers what it is given. A piece it has no room for yet
  // (a non-blocking connection) waits for the socket.
  constexpr std::size_t piece = 1 << 20;
  for (std::size_t at = 0; at < rows.size();) {
    const std::size_t n = std::min(piece, rows.size() - at);
    const int put = lib().put_copy_data(conn_, rows.data() + at, static_cast<int>(n));
    if (put < 0) fail_sending(doing);
    if (put == 0) {
      if (!wait_socket(true, until)) give_up(doing);
      lib().consume_input(conn_);
      continue;
    }
    at += n;
    flush_within(until, doing);  // sent before the next piece: libpq's buffer stays a piece
  }
  for (;;) {
    const int end = lib().put_copy_end(conn_, nullptr);
    if (end < 0) fail_sending(doing);
    if (end == 1) break;
    if (!wait_socket(true, until)) give_up(doing);
    lib().consume_input(conn_);
  }
  pg_result* done = answer(until, doing);
  const ExecStatusType status = done == nullptr ? PGRES_FATAL_ERROR : lib().result_status(done);
  if (status != PGRES_COMMAND_OK) fail_result(done, doing);
  lib().clear(done);
}

void Connection::copy_out(std::string_view copy_statement, const std::function<void(std::string_view)>& on_data,
                          std::string_view doing) {
  require_live(doing);
  const std::string statement(copy_statement);
  const auto until = deadline();
  if (lib().send_query(conn_, statement.c_str()) == 0) fail_sending(doing);
  pg_result* r = answer(until, doing);
  if (r == nullptr || lib().result_status(r) != PGRES_COPY_OUT) fail_result(r, doing);
  lib().clear(r);
  std::exception_ptr failed;
  for (;;) {
    char* data = nullptr;
    const int n = lib().get_copy_data(conn_, &data, 1);
    if (n == -1) break;  // the end: the statement's result follows
    if (n < -1) fail(ExitCode::unavailable, std::string(doing) + ": " + one_line(lib().error_message(conn_)));
    if (n == 0) {  // nothing whole yet
      if (!wait_socket(false, until)) give_up(doing);
      if (lib().consume_input(conn_) == 0) {
        fail(ExitCode::unavailable, std::string(doing) + ": lost the server: " + one_line(lib().error_message(conn_)));
      }
      continue;
    }
    if (!failed) {
      try {
        on_data(std::string_view(data, static_cast<std::size_t>(n)));
      } catch (...) {
        failed = std::current_exception();
      }
    }
    lib().freemem(data);
  }
  pg_result* end = answer(until, doing);
  const ExecStatusType status = end == nullptr ? PGRES_FATAL_ERROR : lib().result_status(end);
  // The callback's exception says more than the server's answer to a COPY it stopped reading.
  if (status != PGRES_COMMAND_OK && !failed) fail_result(end, doing);
  if (end != nullptr) lib().clear(end);
  if (failed) std::rethrow_exception(failed);
}

std::string Connection::literal(std::string_view text) const {
  char* quoted = lib().escape_literal(conn_, text.data(), text.size());
  if (quoted == nullptr) fail(ExitCode::invalid_input, "quoting a literal: " + one_line(lib().error_message(conn_)));
  std::string out(quoted);
  lib().freemem(quoted);
  return out;
}

}  // namespace strata::pq
