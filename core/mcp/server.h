#pragma once
// `strata mcp`: a Model Context Protocol server over one knowledge store. The session answers
// JSON-RPC lines (json_rpc.h): the tools of tools.h and the store's documents as resources
// (strata://COLLECTION/SOURCE), in two eras of the protocol at once (a "dual-era" server):
//  - 2026-07-28, stateless: no handshake; each request names its revision and the client's
//    capabilities in params._meta ("io.modelcontextprotocol/protocolVersion", ".../
//    clientCapabilities"), server/discover lists the revisions, capabilities and identity, and
//    every result carries resultType and the server's identity in _meta (and ttlMs and
//    cacheScope where the revision says a result may be cached). A revision the server does not
//    speak is error -32022 listing those it does; a resource that is not there is -32602.
//  - 2025-11-25 and earlier: initialize negotiates the revision for the process. A request
//    without the _meta version is served so. Batches (a JSON array on one line) are served only
//    after initialize chose 2025-03-26, the one revision that has them (2025-06-18 removed them);
//    otherwise, and for initialize inside a batch, they are -32600.
//
// Limits, so that what a client sends cannot make the server's memory or its replies grow
// without bound (a 22 KB batch of resources/read once made a 292 MB reply in 1.1 GB):
//  - a batch of more than k_max_batch_messages messages is refused with one error (-32600, id
//    null), as an empty batch is: answering each message with an error would itself multiply
//    the line;
//  - one reply at most k_max_reply_bytes: a larger one is replaced by an error with its id (a
//    tool call's: a tool result with isError, so the model can ask for less);
//  - a batch's replies at most k_max_batch_reply_bytes in all: once past, each of its calls not
//    yet answered is answered with an error instead of being run;
//  - at most k_max_calls_in_flight calls read and not yet answered, holding at most
//    k_max_bytes_in_flight of request lines: beyond, serve stops reading its input until one
//    ends (the pipe then holds what the client writes).
//
// Contract: every line gets at most one line back, whatever it holds; a bad message, an unknown
// method or a tool that fails is answered and the session goes on. The one exception is a
// request the client cancels (notifications/cancelled naming its id) before its answer is
// written: it is stopped and gets no answer, as the protocol asks. The store is opened read-only
// on the first call that needs it and kept open (with the search tool's vector index) for the
// session; a store that is not there yet is a tool error, tried again on the next call.
//
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "service/breaker.h"
#include "search/searcher.h"
#include "store/store.h"

namespace strata::service {
class Session;  // service/session.h
}  // namespace strata::service

namespace strata::mcp {

// The protocol revisions this server speaks, newest first, as server/discover and error -32022
// list them: the stateless ones (a request names its revision in _meta) and those initialize
// negotiates (a client asking for one of them gets it; any other gets the newest of them, as
// the protocol prescribes).
inline constexpr std::string_view k_protocol_versions[] = {"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26",
                                                           "2024-11-05"};
inline constexpr std::string_view k_stateless_versions[] = {"2026-07-28"};
inline constexpr std::string_view k_initialize_versions[] = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};
// The one revision whose sessions send JSON-RPC batches.
inline constexpr std::string_view k_batch_version = "2025-03-26";

// A migration tool's call on its database ends in time, whatever the database does (a host
// that never answers, a table another session holds locked): each wait on the server
// (connecting, a statement, a lock) lasts at most k_database_timeout, the drivers' own settings
// (migrate::Endpoint::call_timeout), and the call at most k_database_deadline, both well within
// the 60 s a client such as the TypeScript SDK waits. Past the deadline, or when the client
// cancels the call or the input ends, the call is answered (or not, when cancelled) at once and
// the report is left to end on its own thread, which the timeouts end soon after.
inline constexpr std::chrono::milliseconds k_database_timeout{15'000};
inline constexpr std::chrono::milliseconds k_database_deadline{20'000};

// The read-only migration tools, configured by the program from the project's settings. Each
// returns the report as JSON (the shape of `strata migrate status --json` and `check --json`,
// which the tools' outputSchema declares), waiting at most `call_timeout` on each answer of the
// database; unset: the tools say the project has no migrations configured. A strata::Error they
// throw reaches the agent with its hint rewritten where it names a command-line flag (tools.h,
// agent_hint): the agent cannot pass flags to this server. REQUIRES: each may run on a thread
// of its own that outlives the Server (a call past its deadline is left to end): it holds
// nothing of the Server's, only what it captured by value.
struct MigrateTools {
  // The report as service/migrate_reports.h describes it (a JSON value, never a text parsed back).
  using Report = std::function<nlohmann::json(std::chrono::milliseconds call_timeout)>;
  Report status;
  Report check;
  // Given to each report, and the whole call's bound; tests shorten them.
  std::chrono::milliseconds call_timeout = k_database_timeout;
  std::chrono::milliseconds deadline = k_database_deadline;
};

inline constexpr std::size_t k_max_batch_messages = 64;
inline constexpr std::size_t k_max_reply_bytes = std::size_t{16} << 20;
inline constexpr std::size_t k_max_batch_reply_bytes = std::size_t{16} << 20;
inline constexpr std::size_t k_max_calls_in_flight = 128;
inline constexpr std::size_t k_max_bytes_in_flight = std::size_t{32} << 20;

// Migration reports still running on their own threads, left by calls that were answered
// (deadline, cancel, end of input). A program ending with some running exits without running
// its static destructors under them (strata mcp: std::_Exit).
std::size_t migration_reports_running();

struct ServerOptions {
  std::string store_path;
  store::OpenOptions open;
  std::string collection = "default";  // the tools' collection when a call names none
  // The search tool's defaults (embedding server settings, reranker, vector weight); each call
  // sets its own query, collection, k, mode and filters.
  search::SearchRequest search;
  MigrateTools migrate;
  std::string version;  // serverInfo.version
  // How long a failed embedding server or database is not waited on again (breaker.h); tests
  // shorten it.
  std::chrono::milliseconds breaker_cooldown = service::k_breaker_cooldown;
};

class ToolSession;   // tools.h
struct RpcRequest;   // json_rpc.h

// Why a transport does not let an operation run: its words (the JSON-RPC error's message) and
// when one would pass (the error's data.retry_after, whole seconds).
struct OperationRefusal {
  std::string message;
  std::int64_t retry_after_seconds = 0;
};
// A transport's say over each operation of a batch beyond the first (the first is the message
// the transport itself admitted, e.g. one request of a key's rate): asked before each request of
// the batch that does work, which is every method but ping (notifications, responses and
// messages refused before they run are not operations). nullopt: it runs; a refusal: it is
// answered with error -32029 (RpcCode::rate_limited) and not run, and the batch goes on.
using AdmitOperation = std::function<std::optional<OperationRefusal>()>;

// Whether a request counts as an operation for AdmitOperation: every method but ping.
bool counts_as_operation(const RpcRequest& request);

// One session of the initialize era over some transport: the revision its initialize chose.
// stdio's process holds one; Streamable HTTP (core/serve) one per Mcp-Session-Id.
struct Negotiation {
  std::atomic<int> index{-1};  // in k_initialize_versions; -1 before initialize
  // The revision chosen; "" before initialize.
  std::string_view version() const;
};

// Whether `request` is served statelessly (2026-07-28): it names a stateless revision in
// params._meta, or it is server/discover, which only that era has; such a request needs no
// session. Throws RpcError for a _meta revision this server does not speak (-32022) or a
// stateless request without the client's capabilities (-32602), as handling it would answer.
bool served_statelessly(const RpcRequest& request);

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // One line handled on the calling thread, start to end: the line to write back (no newline),
  // or nullopt for a notification or a response. Nothing runs concurrently (tests, the fuzzer).
  std::optional<std::string> handle_line(std::string_view line);

  // One message (a line's text, or a request body: one JSON-RPC message, or a batch where
  // `negotiation` chose 2025-03-26) handled on the calling thread with `tools` (the calling
  // thread's own store connection) for the session `negotiation` (initialize sets it): the reply
  // to send (at most k_max_reply_bytes, as a line), or nullopt for a notification or a
  // response. handle_line is this with the server's own session. Threads may call it at once,
  // each with its own `tools`. What a transport needs besides (sessions, cancellation) is its own.
  // `admit`, when set, is asked before each operation of a batch beyond the first (above).
  std::optional<std::string> handle_message(std::string_view message, ToolSession& tools, Negotiation& negotiation,
                                            const AdmitOperation& admit = {});
  // Tools for a thread of a transport's own: its own store connection and searcher, the
  // server's options and what it remembers of failed outside servers (breaker.h).
  std::unique_ptr<ToolSession> tool_session();
  // Over a session a door holds (service/session.h), which outlives it: strata serve's worker's.
  std::unique_ptr<ToolSession> tool_session(service::Session& shared);

  struct Impl;  // server.cpp's alone (serve's workers share it)

 private:
  std::unique_ptr<Impl> impl_;
  friend std::size_t serve(Server& server, int in_fd, int out_fd, std::size_t max_line);
};

// Serves `server` over the stdio transport: reads lines from `in_fd`, writes replies to `out_fd`,
// until end of input (the client closed the pipe or went away) or until a reply cannot be
// written. A line longer than `max_line` bytes is answered with an error and skipped. Calls run
// concurrently as the top of this file says. At end of input every request read is answered (a
// file of requests piped in is answered whole: each call ends by its own bounds, the embedding
// and database deadlines above), and serve returns after the last reply is written and every
// worker thread has ended; when a reply cannot be written (the client is gone), the calls left
// are cancelled instead (a cancelled call stops within about a second). Returns the number of
// lines read.
std::size_t serve(Server& server, int in_fd, int out_fd, std::size_t max_line);

}  // namespace strata::mcp
