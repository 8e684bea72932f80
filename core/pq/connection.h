#pragma once
// strata's one PostgreSQL client, for the knowledge store on PostgreSQL (core/store/postgres/)
// and the migration engine's driver (migrate/engines/postgres/): parameters bound, never
// spliced; results read by column; every failure an Error naming the server (its URL without the
// password) and never the password, worded here once: "cannot connect: WHY", "lost the server:
// WHY", "lock timeout (...)", "statement timeout: ...", "no answer within N s (...)". The only
// code that calls libpq (loaded on first use, pq_library.h).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "common/error.h"

struct pg_conn;
struct pg_result;
struct pg_cancel;

namespace strata::pq {

// One statement's rows. Text format unless the statement asked for binary results.
class Result {
 public:
  Result() = default;
  explicit Result(pg_result* r);
  ~Result();
  Result(Result&& other) noexcept;
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  int rows() const;
  int columns() const;
  bool is_null(int row, int column) const;
  std::string_view text(int row, int column) const;  // "" for NULL
  std::string str(int row, int column) const { return std::string(text(row, column)); }
  std::int64_t int64(int row, int column) const;  // 0 for NULL; text or binary int8/int4
  double number(int row, int column) const;       // text format
  std::optional<std::int64_t> optional_int(int row, int column) const;
  std::optional<std::string> optional_text(int row, int column) const;
  // A bytea column: its bytes (binary results) or decoded from its hex text (text results).
  std::string bytes(int row, int column) const;
  // Rows a command touched (UPDATE, DELETE, INSERT without RETURNING).
  std::int64_t affected() const;

  // For Connection::try_statement's answer: whether the statement succeeded (rows, a command
  // done, or nothing to run), began a COPY, and a field of the server's error ("" when absent).
  bool ok() const;
  bool copying() const;
  enum class Field { primary, detail, hint, context, position, sqlstate };
  std::string error_field(Field field) const;

 private:
  pg_result* r_ = nullptr;
};

// A parameter: text, or NULL. Binary data goes as text too, as bytea's hex form (to_bytea_hex).
using Param = std::optional<std::string>;
std::string to_bytea_hex(std::string_view bytes);
// A text[] literal ('{"a","b"}') of `items`, each quoted and escaped.
std::string to_text_array(const std::vector<std::string>& items);
// A bigint[] literal ('{1,2,3}').
std::string to_int_array(const std::vector<std::int64_t>& items);
std::string quote_identifier(std::string_view name);

struct ConnectOptions {
  std::string conninfo;   // what libpq is given (may hold a password)
  std::string display;    // for messages: the URL with its password as ***
  std::string password;   // scrubbed from every message
  std::string schema;     // SET search_path to it (quoted); "" keeps the server's
  // Bounds on waiting: connecting (libpq's connect_timeout, whole seconds, 0 none), each lock
  // wait (lock_timeout; 0 none) and each statement.
  std::chrono::milliseconds connect_timeout{0};
  std::chrono::milliseconds lock_timeout{0};
  std::chrono::milliseconds statement_timeout{0};  // each statement (statement_timeout; 0 none)
  // The client's own bound on each statement's answer (its rows, a COPY's data, the result of a
  // ROLLBACK), from sending it: the timeouts above are the server's to enforce, and a server that
  // stops answering (its processes stopped, a host gone without a reset) enforces nothing while
  // its kernel still acknowledges every byte. Past it the connection is closed (the server rolls
  // back what it had begun) and the call fails; so does every later one (lost()). 0: none.
  std::chrono::milliseconds answer_timeout{0};
  std::string application_name = "strata";  // "": none sent (libpq's $PGAPPNAME, or none)
  // The database to open instead of the URL's ("": the URL's): a scratch database, or an admin
  // connection's "postgres".
  std::string database;
  // How long to retry while the server does not accept connections yet (starting up, not
  // listening; PQping tells these apart from a refusal, which waiting does not fix). 0: no wait.
  std::chrono::milliseconds wait_for_server{0};
  // utf8: the session speaks UTF-8 with standard strings (the store's text); database: the
  // server's defaults, so a migration's bytes reach the server as written.
  enum class Session { utf8, server_defaults };
  Session session = Session::utf8;
  // The hint of "cannot connect: WHY", given WHY (libpq's message, password scrubbed). Unset:
  // the store's ("check the store URL, ...").
  std::function<std::string(const std::string& why)> connect_hint;
};

class Connection;

// Cancels the statement in flight on a connection, from a signal handler too (PQcancel is
// async-signal-safe): cancel(handle()) is what a handler calls. REQUIRES: the connection
// outlives it.
class Canceller {
 public:
  explicit Canceller(const Connection& connection);
  ~Canceller();
  Canceller(const Canceller&) = delete;
  Canceller& operator=(const Canceller&) = delete;
  void* handle() const { return cancel_; }
  static void cancel(void* handle) noexcept;

 private:
  pg_cancel* cancel_ = nullptr;
};

class Connection {
 public:
  // Throws Error(unavailable) "DISPLAY: cannot connect: WHY" when the server does not answer or
  // refuses (a wrong password among them).
  static std::unique_ptr<Connection> open(const ConnectOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement with its parameters ($1, $2, …). `binary` asks for binary results.
  // Throws Error: unavailable for a lost server, a lock or statement timeout (the message says
  // which), no answer within answer_timeout, invalid_input for a constraint or data error; each
  // prefixed with the display and `doing` when given ("…: writing doc.md: …").
  Result exec(std::string_view sql, const std::vector<Param>& params = {}, bool binary = false,
              std::string_view doing = {});
  // As exec, but params[i] is sent in its type's binary format where binary_params[i] is true
  // (binary_array.h builds arrays; the statement casts such a parameter to its type). Bytes go
  // as they are: no hex text to encode here nor to decode on the server.
  // A parameter past the end of binary_params is text.
  Result exec(std::string_view sql, const std::vector<Param>& params, const std::vector<bool>& binary_params,
              bool binary, std::string_view doing);
  // exec() of a statement prepared under `name` on this connection the first time (parsed and
  // planned once, not on every call: for a statement run once per document). A prepared
  // statement outlives a rollback. REQUIRES: the same `sql` for a name every time.
  Result exec_prepared(const std::string& name, std::string_view sql, const std::vector<Param>& params,
                       bool binary = false, std::string_view doing = {});
  // Several statements without parameters (a script), with the simple query protocol.
  void exec_script(std::string_view sql, std::string_view doing = {});
  // As exec_script, returning the last statement's rows.
  Result query_script(std::string_view sql, std::string_view doing = {});
  // One statement (or several) with the simple query protocol, its failure not thrown but
  // returned, for a caller that words it itself (a migration's statement: its file and line);
  // an empty Result when it could not be sent or had no answer in time (last_error() says why).
  // Never throws. A statement that begins a COPY returns at once (Result::copying; end_copy()
  // ends it).
  Result try_statement(std::string_view sql);
  // Ends a COPY a statement began, refusing it with `why`, and reads what the server answers.
  void end_copy(const char* why);
  // libpq's last message on one line ("" when none), password scrubbed.
  std::string last_error() const;

  // BEGIN / COMMIT / ROLLBACK; rollback() never throws.
  void begin();
  void commit();
  void rollback() noexcept;
  bool in_transaction() const;

  // COPY table (columns) FROM STDIN in text format: `rows` each a tab-separated line with
  // copy_escape()d fields ("\\N" for NULL), ending in '\n'.
  void copy_in(std::string_view copy_statement, std::string_view rows, std::string_view doing = {});
  // COPY … TO STDOUT: each piece of data the server sends, in order, to `on_data` as it comes (a
  // result of any size is read without holding it whole; the server sends each row as one
  // piece). When `on_data` throws, the rest of the data is read and dropped, so the connection
  // stays usable, and the exception goes on. COPY takes no parameters: see literal().
  void copy_out(std::string_view copy_statement, const std::function<void(std::string_view)>& on_data,
                std::string_view doing = {});
  // `text` as an SQL string literal for this connection (quoted and escaped by libpq).
  std::string literal(std::string_view text) const;

  // True once the connection is gone: closed after no answer within answer_timeout, or
  // dropped by the server. Every call then fails; a caller that goes on opens a new one.
  bool lost() const;

  const std::string& display() const { return options_.display; }
  // True when the session is open and in no transaction block (libpq's PQTRANS_IDLE).
  bool idle() const;
  const std::string& schema() const { return options_.schema; }
  int server_version() const;
  // The message of a failure in the user's words: the display, then `what`, the password scrubbed.
  [[noreturn]] void fail(ExitCode code, const std::string& what, std::string hint = {}) const;

 private:
  explicit Connection(ConnectOptions options);
  [[noreturn]] void fail_result(pg_result* r, std::string_view doing) const;
  pg_result* checked(pg_result* r, std::string_view doing) const;
  // The end of waiting for an answer to what is sent now (answer_timeout), or none.
  std::optional<std::chrono::steady_clock::time_point> deadline() const;
  // After a PQsend*: sends what libpq holds, then waits for the whole answer and returns its
  // last result (its first error, or the COPY state), as PQexec would; nullptr when there is
  // none. Gives up at `until`.
  pg_result* answer(std::optional<std::chrono::steady_clock::time_point> until, std::string_view doing);
  // Sends what libpq holds (non-blocking connection), waiting for the socket up to `until`.
  void flush_within(std::optional<std::chrono::steady_clock::time_point> until, std::string_view doing);
  // Waits for the socket to be readable (or writable too, with `write`) until `until`: false
  // when it passed first.
  bool wait_socket(bool write, std::optional<std::chrono::steady_clock::time_point> until) const;
  // No answer in time: the connection is closed, and Error(unavailable) says so.
  [[noreturn]] void give_up(std::string_view doing);
  // Error(unavailable) when the connection is gone (lost()).
  void require_live(std::string_view doing) const;
  [[noreturn]] void fail_sending(std::string_view doing) const;
  std::string scrubbed(std::string text) const;
  ConnectOptions options_;
  pg_conn* conn_ = nullptr;
  std::string gone_;  // why the connection was closed (give_up); "" while it is open
  std::unordered_set<std::string> prepared_;  // names exec_prepared() prepared
  friend class Canceller;
};

// A field of a COPY text row: backslash, tab, newline and carriage return escaped.
std::string copy_escape(std::string_view field);

// Runs `work` inside BEGIN … COMMIT, rolling back when it throws.
template <typename F>
auto in_transaction(Connection& c, F&& work) {
  c.begin();
  try {
    if constexpr (std::is_void_v<decltype(work())>) {
      work();
      c.commit();
    } else {
      auto result = work();
      c.commit();
      return result;
    }
  } catch (...) {
    c.rollback();
    throw;
  }
}

}  // namespace strata::pq
