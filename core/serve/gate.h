#pragma once
// Who may do what over HTTP: the gate every route's handler runs behind (api.cpp wraps each row
// of k_routes in Gate::guard), so that a route added to the table is guarded by its columns and
// nothing else: the key it needs (none, for health, readiness and the OpenAPI document; a key at
// the route's scope for everything else, the default) and the shape of its errors (FastAPI's
// {"detail"} or OpenAI's {"error": {...}}).
//
// Before any key, on every route (KeyUse::none's too): the origin rules (origin_rules.h: the Host
// must name this server; a state-changing request must be JSON and come from no other site's
// page).
//
// When keys apply: once the store holds a live key (neither revoked nor expired), every request
// to a keyed route needs one, and from then on for the life of the process (a server whose keys
// were all revoked refuses everyone rather than opening up). Whether it does is read from the
// store before the server accepts its first connection (keys_at_start), never guessed: a store
// with keys is keyed from its first request on. A store without keys is served on a loopback
// address only (listen.h); a key made while it runs is noticed within a second (the store is
// asked at most once a second until it holds one; requests that arrive while it is asked wait
// for its answer). A store that could not be asked at start (a server down) counts as keyed until
// it answers. A server on another address needs keys whatever the store holds (keys_required).
//
// A request with a key: `Authorization: Bearer KEY`. No key, a bad one, a revoked or an expired
// one: 401 with `WWW-Authenticate: Bearer` and auth::refusal_message (never the token). A scope
// below the route's: 403. A key with a rate (requests per minute): one shared limiter for every
// worker; past it 429 with Retry-After; every answer to such a key carries OpenAI's
// x-ratelimit-limit-requests, x-ratelimit-remaining-requests and x-ratelimit-reset-requests.
// The collection a request names is the operation's to check (Caller::allows), as is which
// collections a listing shows. The key's name goes to the access log (Context::key_name); its
// use is recorded in the store off the request's path (UseRecorder).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "auth/key.h"
#include "auth/rate_limiter.h"
#include "store/rate_buckets.h"
#include "http/message.h"
#include "http/router.h"
#include "serve/caller.h"
#include "serve/origin_rules.h"
#include "serve/sign_on.h"
#include "store/store.h"

namespace strata::serve {

// Whether a route needs a key at all. The default is what a new row gets: a key.
enum class KeyUse {
  needed,  // a key of at least the route's scope, once keys apply
  none,    // no key ever: /healthz, /readyz, /openapi.json
  // A key in the Authorization header, checked as `needed`'s, or none there: the request goes
  // on without a caller and the route asks Gate::authenticate for the key it is sent later (a
  // WebSocket's first message: a browser's WebSocket cannot set a header).
  header_or_message,
};

// How a route words its errors: FastAPI's {"detail": "..."} (strata's own API and the server's
// routes) or OpenAI's {"error": {"message", "type", "param", "code"}} (the /v1 routes).
enum class ErrorStyle { fastapi, openai };

// What a route's table row says of it, for the gate.
struct Guard {
  KeyUse key = KeyUse::needed;
  auth::Scope scope = auth::Scope::read;
  ErrorStyle errors = ErrorStyle::fastapi;
};

// The error `status` with `message` in `style`. OpenAI's type and code follow the status: 401
// invalid_request_error/invalid_api_key, 403 permission_error/insufficient_permissions, 429
// rate_limit_error/rate_limit_exceeded, 503 server_error/unavailable, others
// invalid_request_error with no code. The /v1 routes call it for the refusals they make
// themselves (a collection a key may not read is model_not_found: openai/api_error.h).
http::Response error_response(ErrorStyle style, int status, std::string_view message);

// 403 for a collection `caller` may not use at `scope`, in `style`, naming the collection only
// (the same whether it exists or not, so that the answer tells nobody which collections exist).
http::Response collection_refused(ErrorStyle style, auth::Scope scope, std::string_view collection);

// What the store said of keys when the server started: it holds a live one, it holds none, there
// is no store there yet (none; strata serve says so at start: a mistyped path must not pass for
// a store still to be made), or it could not be asked (its server is down: keyed until it answers).
// What `strata serve` decides at start by: whether it may listen beyond loopback (live only),
// and whether keys apply from the first request.
enum class KeysAtStart { none, live, unknown, no_store };
KeysAtStart keys_at_start(const std::string& store_path, const store::OpenOptions& open);

// Records keys' use (auth::record_use) on one thread of its own, so that a request never waits
// on a write: note() queues the name (dropped when the queue is full, or when the key was noted
// within the last minute: record_use writes at most once a minute anyway). The destructor stops
// the thread after the write under way.
class UseRecorder {
 public:
  using Write = std::function<void(const auth::Key&, auth::TimePoint)>;
  static constexpr std::size_t k_queue = 64;
  explicit UseRecorder(Write write);
  ~UseRecorder();
  UseRecorder(const UseRecorder&) = delete;
  UseRecorder& operator=(const UseRecorder&) = delete;

  void note(const auth::Key& key, auth::TimePoint now = std::chrono::system_clock::now());

 private:
  void run();
  Write write_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<auth::Key, auth::TimePoint>> queue_;
  std::unordered_map<std::string, auth::TimePoint> noted_;  // bounded: cleared past k_noted
  bool stopping_ = false;
  std::thread thread_;
};

class Gate {
 public:
  struct Options {
    // Set: every keyed request needs a key whatever the store holds (a non-loopback address).
    bool keys_required = false;
    // What the store said at start (keys_at_start): live keys apply from the first request.
    KeysAtStart keys_at_start = KeysAtStart::none;
    // The Host, Origin and body-type rules every route is behind (origin_rules.h).
    OriginRules origins;
    // A worker's store (Api's, opened on first use). Throws Error(unavailable).
    std::function<store::Store&(std::size_t worker)> store;
    // Writes a key's use; unset: not recorded.
    UseRecorder::Write record_use;
    // Set: counts a key's limits where every server on the store sees them (shared_rates.h),
    // its bucket named, answering nullopt when it cannot (a SQLite store: one process; the store
    // failing): then this process counts them in memory. Thread-safe.
    std::function<std::optional<auth::RateDecision>(const std::string& bucket, std::int64_t per_minute,
                                                    std::int64_t amount, store::RateUse use)>
        shared_rates;
    // Set: bearer tokens with a JWT's form are the identity provider's (sign_on.h), and keys
    // apply from the first request whatever the store holds.
    std::shared_ptr<SignOn> sign_on;
    // The clocks (a test passes its own).
    std::function<auth::TimePoint()> now = [] { return std::chrono::system_clock::now(); };
    auth::RateLimiter::Clock steady = [] { return std::chrono::steady_clock::now(); };
  };
  explicit Gate(Options options);
  Gate(const Gate&) = delete;
  Gate& operator=(const Gate&) = delete;

  using Inner = std::function<http::Response(const http::Request&, http::Context&, const Caller&)>;
  // `inner` behind the checks `guard` names; it gets the caller (no key: Caller{}).
  http::Handler guard(Guard guard, Inner inner);

  // A token given other than in the Authorization header (KeyUse::header_or_message), checked
  // as a header's is: the caller, or the refusal's status (401, 403, 429, 503) and message; the
  // rate's headers in either case. Called under `worker`'s store turn.
  struct TokenAdmission {
    Caller caller;
    std::vector<std::pair<std::string, std::string>> headers;
    std::optional<std::pair<int, std::string>> refused;
    std::string key_name;  // the key's, once found (refused for its rate or scope too)
    std::string challenge;  // a 401's WWW-Authenticate when not plain "Bearer"
  };
  TokenAdmission authenticate(std::string_view token, std::size_t worker, const Guard& guard);

  // Whether keys apply now (see the header's comment), asking `worker`'s store at most once a
  // second until they do.
  bool keys_apply(std::size_t worker);

  // How often a stream re-checks its key (Caller::still_live).
  static constexpr std::chrono::seconds k_stream_recheck{2};

 private:
  struct Admission {
    std::optional<http::Response> refused;
    Caller caller;
    std::vector<std::pair<std::string, std::string>> headers;  // the rate's, on every answer
  };
  Admission admit(const http::Request& request, http::Context& context, const Guard& guard);
  TokenAdmission admit_token(std::string_view token, std::size_t worker, const Guard& guard);
  // The rate, the scope and the caller's limits, for a caller made from an API key or a token.
  TokenAdmission admit_caller(Caller caller, const Guard& guard);

  Options options_;
  // A key's limits, counted by options_.shared_rates when it can, else by the limiters below.
  auth::RateDecision take_requests(const std::string& key, std::int64_t per_minute, std::int64_t n);
  auth::RateDecision check_tokens(const std::string& key, std::int64_t per_minute);
  auth::RateDecision spend_tokens(const std::string& key, std::int64_t per_minute, std::int64_t used);
  auth::RateLimiter limiter_;
  auth::RateLimiter token_limiter_;  // keys' tokens per minute (Caller::check_tokens)
  std::optional<UseRecorder> recorder_;
  std::atomic<bool> apply_;
  // Whether the store has answered whether it holds keys (false: it could not be asked yet, and
  // keys apply until it answers).
  std::atomic<bool> known_;
  std::mutex check_mutex_;  // one request asks the store; the others wait for its answer
  std::atomic<std::int64_t> checked_at_ms_{std::numeric_limits<std::int64_t>::min()};
};

}  // namespace strata::serve
