#pragma once
// Who is calling: the API key a request was authenticated with, or no key at all (a terminal,
// stdio, or a server that runs without keys, on loopback only). strata serve's gate makes it;
// each operation receives it (its routes, MCP over HTTP: mcp/http_route.h), so that what a key
// may reach (its scope, its collections) and the principal its asks are recorded under are
// decided per request, below the router, once for every door over HTTP.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "auth/key.h"
#include "auth/rate_limiter.h"
#include "store/ask_store.h"

namespace strata::service {

struct Caller {
  std::optional<auth::Key> key;                  // unset: a server without keys (loopback only)
  std::optional<store::AskPrincipal> principal;  // set with key: what its asks are recorded under

  // Set with key by the gate (gate.h): whether the key is still live (not revoked, not expired),
  // asking the store at most once every Gate::k_stream_recheck and answering from the last
  // answer in between. Call it only on the worker thread the handler ran on (a stream's writer
  // runs there); a stream copies its Caller (the handler's is gone when the stream runs).
  std::function<bool()> live_check;

  // Set with a key that has a token limit (`keys create --tokens`), by the gate: an operation
  // that spends an upstream model's tokens asks check_tokens() before it calls the model, and
  // passes what the answer used (prompt and answer) to spend_tokens(). Thread-safe.
  std::function<auth::RateDecision()> check_tokens;
  std::function<auth::RateDecision(std::int64_t)> spend_tokens;

  // Set with a key that has a request rate (`keys create --rate`), by the gate: a request that
  // carries several operations (an MCP batch of tool calls) takes `n` more from the key's
  // requests per minute beyond the one the request itself took, so that the rate counts
  // operations, not requests. Refused (allowed false): nothing was taken; answer 429. Thread-safe.
  std::function<auth::RateDecision(std::int64_t n)> take_operations;

  // The key's name for the access log; "" without a key.
  std::string name() const { return key ? key->name : std::string(); }
  // Whether the caller may act at `scope` on `collection` ("" for what names none). Without a
  // key, everything: the server listens on loopback only.
  bool allows(auth::Scope scope, std::string_view collection) const {
    return !key || auth::allows(*key, scope, collection);
  }
};

// For a stream: false once the key was revoked or has expired (re-checked every few seconds);
// the stream then ends with an error event. Always true without a key.
inline bool still_live(const Caller& caller) { return !caller.live_check || caller.live_check(); }

// What an operation runs with: the worker thread's index (its store handle) and the caller.
struct Call {
  std::size_t worker = 0;
  const Caller& caller;
};

}  // namespace strata::service
