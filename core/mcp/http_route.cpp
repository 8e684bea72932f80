#include "mcp/http_route.h"

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <iterator>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>
#include <utility>
#include <variant>

#include "common/error.h"
#include "common/text.h"
#include "mcp/json_rpc.h"
#include "mcp/tools.h"
#include "service/call_scope.h"
#include "auth/key.h"
#include "store/mcp_sessions.h"
#include "store/store.h"

namespace strata::mcp {

using nlohmann::json;

namespace {

constexpr std::string_view k_session_header = "mcp-session-id";
constexpr std::string_view k_version_header = "mcp-protocol-version";
constexpr std::string_view k_method_header = "mcp-method";
constexpr std::string_view k_http_meta_version = "io.modelcontextprotocol/protocolVersion";

// A session id: 128 bits from the kernel's CSPRNG as hex (visible ASCII, as the transport asks),
// so that one cannot be guessed from another.
std::string new_session_id() {
  std::array<unsigned char, 16> bytes{};
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(ExitCode::unavailable, "no random bytes for an MCP session id");
    got += static_cast<std::size_t>(n);
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string id;
  for (const unsigned char b : bytes) {
    id += k_hex[b >> 4];
    id += k_hex[b & 15];
  }
  return id;
}

bool speaks_revision(std::string_view version) {
  return std::find(std::begin(mcp::k_initialize_versions), std::end(mcp::k_initialize_versions), version) !=
         std::end(mcp::k_initialize_versions);
}

// An answer that is a JSON-RPC message (a reply, or the error a transport problem is).
http::Response rpc_response(int status, std::string line) { return http::Response::json(status, std::move(line)); }
http::Response rpc_failure(int status, const json& id, mcp::RpcCode code, const std::string& message) {
  return rpc_response(status, mcp::to_line(mcp::rpc_error(id, code, message)));
}

// The media type of a Content-Type or one entry of Accept, lower case, without parameters.
std::string media_type(std::string_view value) {
  const std::size_t semi = value.find(';');
  return to_lower(trim(value.substr(0, semi)));
}

// Whether an Accept header takes a JSON answer (no header: anything).
bool accepts_json(const std::string* accept) {
  if (accept == nullptr) return true;
  for (std::string_view rest = *accept; !rest.empty();) {
    const std::size_t comma = rest.find(',');
    const std::string type = media_type(rest.substr(0, comma));
    if (type == "application/json" || type == "application/*" || type == "*/*") return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

// The batch's operations beyond the first, each taking one more of the caller's requests a minute
// (unset take_operations: no rate, nothing to take).
mcp::AdmitOperation admit_of(const service::Caller& caller) {
  if (!caller.take_operations) return {};
  return [&caller]() -> std::optional<mcp::OperationRefusal> {
    const auth::RateDecision d = caller.take_operations(1);
    if (d.allowed) return std::nullopt;
    return mcp::OperationRefusal{
        "rate limit reached: key '" + caller.name() + "' may make " + std::to_string(d.limit) +
            " requests a minute, and each call of a batch counts as one; not run: send it again in " +
            std::to_string(d.retry_after_seconds) + " s",
        d.retry_after_seconds};
  };
}

}  // namespace

// One session of the initialize era: the revision it negotiated, the key that opened it, when it
// was last used, and its calls in flight (by id, for notifications/cancelled).
struct McpSession {
  std::string key;
  mcp::Negotiation negotiation;
  std::chrono::steady_clock::time_point last_used;  // under McpRoute::Impl::mutex
  std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<std::atomic<bool>>> in_flight;

  void cancel(const json& id) {
    const std::lock_guard lock(mutex);
    if (const auto it = in_flight.find(id.dump()); it != in_flight.end()) *it->second = true;
  }
  void cancel_all() {
    const std::lock_guard lock(mutex);
    for (auto& [id, flag] : in_flight) *flag = true;
  }
};

struct McpRoute::Impl {
  Impl(mcp::ServerOptions s, McpHttpOptions o, std::size_t workers, const McpRoute::WorkerSession& worker_session)
      : shared(store::is_store_url(s.store_path)), server(std::move(s)), options(std::move(o)) {
    for (std::size_t i = 0; i < std::max<std::size_t>(workers, 1); ++i) {
      tools.push_back(worker_session ? server.tool_session(worker_session(i)) : server.tool_session());
    }
  }

  // On a PostgreSQL store, sessions are kept in the store too (store/mcp_sessions.h), so that
  // replicas share them: one opened through another server is found there, and one ended
  // through another is ended here too. A SQLite store is one process's: memory alone.
  bool shared;
  mcp::Server server;
  McpHttpOptions options;
  std::vector<std::unique_ptr<mcp::ToolSession>> tools;  // one per worker thread
  mutable std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<McpSession>> sessions;

  store::Store& store_of(const service::Call& call) { return tools.at(call.worker)->session().store(); }

  // The store's times: now, and the last use a live session has had since (session_idle ago).
  std::pair<std::string, std::string> store_times() const {
    const auto now = std::chrono::system_clock::now();
    return {auth::utc_text(now), auth::utc_text(now - options.session_idle)};
  }

  // Whether `key`'s session `id` lives in the store, its last use now; its revision then.
  std::optional<int> stored_session(const service::Call& call, const std::string& id, const std::string& key) {
    if (!shared) return std::nullopt;
    const auto [at, stale] = store_times();
    try {
      const std::optional<int> version = store::use_mcp_session(store_of(call), id, key, at, stale);
      // A revision this binary does not know (a newer replica's row) is no session it can serve.
      if (version && (*version < 0 || *version >= static_cast<int>(std::size(mcp::k_initialize_versions)))) return std::nullopt;
      return version;
    } catch (const Error&) {
      return std::nullopt;  // the store cannot say: the session is not found (404), and the client opens another
    }
  }

  bool expired(const McpSession& s, std::chrono::steady_clock::time_point now) const {
    return now - s.last_used >= options.session_idle;
  }

  // What open() did: a session (id and state), or why not.
  struct Opened {
    enum class Refused { no, server_full, key_full } refused = Refused::no;
    std::string id;
    std::shared_ptr<McpSession> session;
    std::int64_t retry_after_seconds = 0;  // key_full: until the key's least recently used one expires
  };

  // A new session for `key`; refused when max_sessions are open, or max_sessions_per_key of
  // `key`'s (expired ones are ended first).
  Opened open(const std::string& key) {
    const auto now = options.now();
    const std::lock_guard lock(mutex);
    std::erase_if(sessions, [&](const auto& entry) {
      if (!expired(*entry.second, now)) return false;
      entry.second->cancel_all();
      return true;
    });
    Opened opened;
    if (sessions.size() >= options.max_sessions) {
      opened.refused = Opened::Refused::server_full;
      return opened;
    }
    std::size_t of_key = 0;
    auto oldest = now;
    for (const auto& [id, s] : sessions) {
      if (s->key != key) continue;
      ++of_key;
      oldest = std::min(oldest, s->last_used);
    }
    if (of_key >= options.max_sessions_per_key) {
      opened.refused = Opened::Refused::key_full;
      const auto left = std::chrono::ceil<std::chrono::seconds>(oldest + options.session_idle - now);
      opened.retry_after_seconds = std::max<std::int64_t>(1, left.count());
      return opened;
    }
    opened.session = std::make_shared<McpSession>();
    opened.session->key = key;
    opened.session->last_used = now;
    opened.id = new_session_id();
    sessions.emplace(opened.id, opened.session);
    return opened;
  }

  // The session `id` names for `key`, its idle clock restarted; nullptr when there is none, it
  // expired (it is ended) or another key opened it. On a shared store the store decides: a
  // session another server opened is taken in here, one another server ended is ended here.
  std::shared_ptr<McpSession> find(const service::Call& call, const std::string& id, const std::string& key) {
    const std::optional<int> stored = stored_session(call, id, key);
    const auto now = options.now();
    const std::lock_guard lock(mutex);
    const auto it = sessions.find(id);
    if (shared && !stored) {
      if (it != sessions.end() && it->second->key == key) {
        it->second->cancel_all();
        sessions.erase(it);
      }
      return nullptr;
    }
    if (it == sessions.end()) {
      if (!stored) return nullptr;
      auto taken = std::make_shared<McpSession>();
      taken->key = key;
      taken->negotiation.index = *stored;
      taken->last_used = now;
      // Kept here while there is room; past max_sessions it is served without being kept.
      if (sessions.size() < options.max_sessions) sessions.emplace(id, taken);
      return taken;
    }
    if (expired(*it->second, now) && !stored) {
      it->second->cancel_all();
      sessions.erase(it);
      return nullptr;
    }
    if (it->second->key != key) return nullptr;
    it->second->last_used = now;
    return it->second;
  }

  bool close(const service::Call& call, const std::string& id, const std::string& key) {
    bool ended = false;
    if (shared) {
      try {
        ended = store::end_mcp_session(store_of(call), id, key);
      } catch (const Error&) {
        // Ended here at least; the store's row expires after session_idle.
      }
    }
    const std::lock_guard lock(mutex);
    const auto it = sessions.find(id);
    if (it == sessions.end() || it->second->key != key) return ended;
    it->second->cancel_all();
    sessions.erase(it);
    return true;
  }

  // The session a POST or DELETE names, or the response refusing it: 400 without the header,
  // 404 for a session that is not there.
  std::variant<std::shared_ptr<McpSession>, http::Response> session_of(const http::Request& request, const service::Call& call,
                                                                      const json& id) {
    const std::string* header = request.header(k_session_header);
    if (header == nullptr || header->empty()) {
      return rpc_failure(400, id, mcp::RpcCode::invalid_request,
                         "Bad Request: no Mcp-Session-Id header: send initialize first, then its session id with each message");
    }
    std::shared_ptr<McpSession> s = find(call, *header, call.caller.name());
    if (!s) {
      return rpc_failure(404, id, mcp::RpcCode::invalid_request,
                         "Session not found: it ended or expired; send initialize for a new one");
    }
    return s;
  }

  // One message of the session, answered on this worker with the caller's reach; each operation
  // of a batch beyond the first takes one more of the key's requests (the gate took the first).
  http::Response run(const http::Request& request, const service::Call& call, mcp::Negotiation& negotiation,
                     const std::shared_ptr<std::atomic<bool>>& cancel) {
    mcp::ToolSession& t = *tools.at(call.worker);
    std::optional<std::string> reply;
    {
      const service::CallScope scope(t.session(), call.caller, cancel.get());
      reply = server.handle_message(request.body, t, negotiation, admit_of(call.caller));
    }
    if (!reply) return http::Response::text(202, "", "application/json");
    return rpc_response(200, std::move(*reply));
  }

  http::Response post(const http::Request& request, const service::Call& call) {
    const std::string* type = request.header("content-type");
    if (type == nullptr || media_type(*type) != "application/json") {
      return http::Response::json(415, http::detail_json("/mcp takes JSON-RPC messages as Content-Type: application/json"));
    }
    if (!accepts_json(request.header("accept"))) {
      return http::Response::json(406, http::detail_json("/mcp answers application/json: accept it"));
    }
    mcp::ParsedLine parsed = mcp::parse_line(request.body);
    if (parsed.error) return rpc_response(400, mcp::to_line(*parsed.error));
    const mcp::RpcRequest* r = parsed.request ? &*parsed.request : nullptr;
    const json id = r && !r->notification ? r->id : json();

    if (r) {
      bool stateless = false;
      try {
        stateless = mcp::served_statelessly(*r);
      } catch (const mcp::RpcError& e) {
        if (r->notification) return http::Response::text(202, "", "application/json");
        return rpc_response(400, mcp::to_line(mcp::rpc_error(id, e.code(), e.what(), e.data())));
      }
      if (stateless) return post_stateless(request, call, *r);
      if (r->method == "initialize" && !r->notification) return initialize(request, call);
    }
    auto found = session_of(request, call, id);
    if (auto* refused = std::get_if<http::Response>(&found)) return std::move(*refused);
    const std::shared_ptr<McpSession> session = std::get<std::shared_ptr<McpSession>>(std::move(found));
    // A revision the server does not speak is refused, as the transport asks; one it speaks is
    // let through even when it is not the session's (clients such as the conformance suite send
    // 2025-03-26, the header's default, on a session of another revision): the session's own
    // revision decides how the message is served.
    if (const std::string* v = request.header(k_version_header); v != nullptr && !speaks_revision(*v)) {
      return rpc_failure(400, id, mcp::RpcCode::invalid_request,
                         "Bad Request: MCP-Protocol-Version " + *v + " is not a revision this server speaks (this session's is " +
                             std::string(session->negotiation.version()) + ")");
    }
    if (r && r->notification) {
      if (r->method == "notifications/cancelled" && r->params.contains("requestId")) session->cancel(r->params["requestId"]);
      return http::Response::text(202, "", "application/json");
    }
    if (!r) return run(request, call, session->negotiation, nullptr);  // a batch, or a response (202)
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    const std::string key = id.dump();
    {
      const std::lock_guard lock(session->mutex);
      session->in_flight[key] = cancel;
    }
    http::Response answer = run(request, call, session->negotiation, cancel);
    {
      const std::lock_guard lock(session->mutex);
      if (const auto it = session->in_flight.find(key); it != session->in_flight.end() && it->second == cancel) {
        session->in_flight.erase(it);
      }
    }
    return answer;
  }

  // A 2026-07-28 request: no session; the headers a client sends must agree with the body.
  http::Response post_stateless(const http::Request& request, const service::Call& call, const mcp::RpcRequest& r) {
    const json id = r.notification ? json() : r.id;
    const json& meta = r.params.contains("_meta") ? r.params["_meta"] : json();
    const std::string claimed = meta.is_object() && meta.contains(k_http_meta_version) && meta[k_http_meta_version].is_string()
                                    ? meta[k_http_meta_version].get<std::string>()
                                    : std::string();
    if (const std::string* v = request.header(k_version_header); v != nullptr && !claimed.empty() && *v != claimed) {
      return rpc_failure(400, id, mcp::RpcCode::invalid_request,
                         "Bad Request: the MCP-Protocol-Version header (" + *v + ") is not the revision in _meta (" + claimed + ")");
    }
    if (const std::string* m = request.header(k_method_header); m != nullptr && *m != r.method) {
      return rpc_failure(400, id, mcp::RpcCode::invalid_request,
                         "Bad Request: the Mcp-Method header (" + *m + ") is not the message's method (" + r.method + ")");
    }
    mcp::Negotiation none;  // stateless: nothing negotiated, nothing kept
    return run(request, call, none, nullptr);
  }

  http::Response initialize(const http::Request& request, const service::Call& call) {
    Opened opened = open(call.caller.name());
    if (opened.refused == Opened::Refused::server_full) {
      http::Response busy = http::Response::json(
          503, http::detail_json("too many MCP sessions open (" + std::to_string(options.max_sessions) +
                                 "): end one with DELETE /mcp, or wait for an idle one to expire"));
      busy.set_header("Retry-After", "60");
      return busy;
    }
    if (opened.refused == Opened::Refused::key_full) {
      const std::string whose = call.caller.key ? "key '" + call.caller.name() + "'" : "callers without a key";
      http::Response busy = http::Response::json(
          429, http::detail_json("too many MCP sessions open for " + whose + " (" +
                                 std::to_string(options.max_sessions_per_key) +
                                 ", the most one key may hold): end one with DELETE /mcp, or wait for an idle one to expire"));
      busy.set_header("Retry-After", std::to_string(opened.retry_after_seconds));
      return busy;
    }
    http::Response answer = run(request, call, opened.session->negotiation, nullptr);
    answer.set_header("Mcp-Session-Id", opened.id);
    if (shared && answer.status == 200 && opened.session->negotiation.index >= 0) {
      const auto [at, stale] = store_times();
      try {
        store::save_mcp_session(store_of(call), opened.id, call.caller.name(), opened.session->negotiation.index, at, stale);
      } catch (const Error&) {
        // Not shared, then: the session works through this server.
      }
    }
    return answer;
  }

  http::Response remove(const http::Request& request, const service::Call& call) {
    const std::string* header = request.header(k_session_header);
    if (header == nullptr || header->empty()) {
      return http::Response::json(400, http::detail_json("DELETE /mcp names the session to end in Mcp-Session-Id"));
    }
    if (!close(call, *header, call.caller.name())) return http::Response::json(404, http::detail_json("Session not found"));
    http::Response ended;
    ended.status = 204;
    return ended;
  }
};

McpRoute::McpRoute(mcp::ServerOptions server, McpHttpOptions options, std::size_t workers, const WorkerSession& worker_session)
    : impl_(std::make_unique<Impl>(std::move(server), std::move(options), workers, worker_session)) {}
McpRoute::~McpRoute() = default;

std::size_t McpRoute::sessions() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->sessions.size();
}

http::Response McpRoute::answer(const http::Request& request, const service::Call& call) {
  switch (request.method) {
    case http::Method::post:
      return impl_->post(request, call);
    case http::Method::del:
      return impl_->remove(request, call);
    default: {
      // No server-initiated stream: this server sends nothing a client did not ask for.
      http::Response r = http::Response::json(405, http::detail_json("Method Not Allowed: /mcp offers no stream to GET"));
      r.set_header("Allow", "POST, DELETE");
      return r;
    }
  }
}

}  // namespace strata::mcp
