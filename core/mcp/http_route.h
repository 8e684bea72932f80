#pragma once
// MCP over Streamable HTTP (strata serve routes /mcp to it; core/serve is only the HTTP edge): `strata mcp`'s tools and resources (core/mcp's Server,
// handle_message: one dispatcher for both transports) for clients that reach the server over
// HTTP, in every revision stdio speaks.
//  - POST carries one JSON-RPC message (or, in a 2025-03-26 session, a batch). A request is
//    answered with application/json; a notification or a response gets 202 and no body.
//  - The initialize era (2025-11-25 and earlier): initialize opens a session and its answer
//    carries Mcp-Session-Id; every later POST names it (400 without, 404 for one unknown,
//    expired or opened by another key); an MCP-Protocol-Version it sends must be a revision of
//    that era (else 400). DELETE ends the session.
//  - 2026-07-28, stateless: a request naming that revision in params._meta (and
//    server/discover) needs no session; an MCP-Protocol-Version or Mcp-Method header it sends
//    must agree with its body (else 400 with the JSON-RPC error).
//  - GET is 405: this server sends nothing unasked (no server-initiated stream).
//  - DNS rebinding and other sites' pages: the Host and Origin rules of every route, decided by
//    serve's gate before a request reaches /mcp (serve/origin_rules.h), not again here; a body
//    that is not declared application/json is 415 (a browser's form or text/plain post, which
//    needs no CORS preflight, never reaches the tools).
//  - Bounded: at most max_sessions sessions (one more initialize is 503), and at most
//    max_sessions_per_key of them opened by one key (the keyless caller of a loopback server is
//    one principal): one more initialize of that key is 429 with Retry-After (when its
//    least recently used session would expire), so that one key cannot take every session.
//    None is ended to make room: another client of the same key may still be using it. Each
//    session is ended after session_idle without a request; the tools run on serve's worker
//    pool, one ToolSession (store connection) per worker, with stdio's bounds (a search's
//    embedding deadline).
//  - Rate limits count operations: the gate takes one of the key's requests for a POST; each
//    further request of a batch that does work (every method but ping; notifications are free)
//    takes one more through Caller::take_operations, and a call the key's rate no longer covers
//    is answered in the batch's reply with a JSON-RPC error (-32029, data.retry_after seconds)
//    and is not run, as a lone request would be refused with 429: the batch's other calls are
//    answered, as JSON-RPC answers each request of a batch on its own.
//  - Each call's caller (service/caller.h, made by strata serve's gate): list_collections, resources and the tools' collection
//    arguments reach only what the caller's key may read; a session belongs to the key that
//    opened it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "mcp/server.h"
#include "service/caller.h"

namespace strata::mcp {

struct McpHttpOptions {
  std::size_t max_sessions = 256;
  std::size_t max_sessions_per_key = 16;
  std::chrono::milliseconds session_idle{30 * 60 * 1000};  // Default: 30 minutes
  // The clock sessions expire by; tests replace it.
  std::function<std::chrono::steady_clock::time_point()> now = [] { return std::chrono::steady_clock::now(); };
};

class McpRoute {
 public:
  // `workers`: serve's worker threads (each call's Call::worker indexes one ToolSession).
  // `worker_session`, when set, is the worker's own session with the store (service/session.h):
  // the tools run on it, so a worker holds one store handle and one searcher whichever route it
  // runs. Unset: a session of the route's own per worker.
  using WorkerSession = std::function<service::Session&(std::size_t worker)>;
  McpRoute(mcp::ServerOptions server, McpHttpOptions options, std::size_t workers, const WorkerSession& worker_session = {});
  ~McpRoute();
  McpRoute(const McpRoute&) = delete;
  McpRoute& operator=(const McpRoute&) = delete;

  // A request to /mcp (POST, DELETE or GET), run on a worker of serve's pool.
  http::Response answer(const http::Request& request, const service::Call& call);
  // The sessions open (expired ones not yet swept included).
  std::size_t sessions() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::mcp
