#pragma once
// API keys: who may call `strata serve`, and as whom. A key's secret is "sk-strata-" and 43
// characters of base64url (32 random bytes from OpenSSL's RAND_bytes); the store keeps only its
// SHA-256 (store/api_keys.h), so a copy of the store, a backup or a role that may read it gives
// no key. A request's bearer token is checked by hashing it and looking the hash up; the hash
// found is compared again in constant time.
//
// What a key may do is its scope (read < write < admin, each including the one before) and its
// collections (none listed: all). What a key asks is recorded under its own principal: the id
// "apikey:NAME", the secret a MAC key derived from the bearer token, so a key's conversations and
// cached answers verify for that key alone, never for another key, the store's owner or a
// `strata ask` user on the same store (store/ask_store.h).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "store/api_keys.h"
#include "store/ask_store.h"
#include "store/store.h"

namespace strata::auth {

using Scope = store::KeyScope;
// A key as the store keeps it: name, scope, collections, rate, times (never its secret or hash).
using Key = store::ApiKey;
using TimePoint = std::chrono::system_clock::time_point;

inline constexpr std::string_view k_secret_prefix = "sk-strata-";
inline constexpr std::size_t k_secret_body = 43;  // base64url of 32 bytes, no padding
inline constexpr std::size_t k_secret_size = k_secret_prefix.size() + k_secret_body;

// Throws Error(usage) naming the setting (scope) for anything but read, write or admin.
Scope parse_scope(const std::string& text);

// A new secret from OpenSSL's random generator. Throws Error(unavailable) when libcrypto cannot
// give random bytes.
std::string new_secret();
// Whether `token` has a secret's form (prefix, length, alphabet): nothing else is looked up.
bool looks_like_secret(std::string_view token);
// The lowercase hex SHA-256 of `secret`: what the store keeps.
std::string secret_hash(std::string_view secret);

// "2026-11-26T22:50:00Z" for `t` (whole seconds, UTC), and back; nullopt for any other text.
std::string utc_text(TimePoint t);
std::optional<TimePoint> parse_utc_text(std::string_view text);

// What `strata keys create` asks for.
struct KeyRequest {
  std::string name;
  Scope scope = Scope::read;
  std::vector<std::string> collections;  // empty: all; duplicates are dropped
  std::optional<std::int64_t> rate_per_minute;
  std::optional<std::int64_t> tokens_per_minute;
  std::optional<std::chrono::seconds> expires_in;
};

struct CreatedKey {
  Key key;
  std::string secret;  // shown once, stored nowhere
};

// Makes a key and stores its hash. Throws what store::create_api_key throws (a bad name, a name
// in use, a role that may not write keys).
CreatedKey create_key(store::Store& store, const KeyRequest& request, TimePoint now = std::chrono::system_clock::now());
// Every key, by name.
std::vector<Key> list_keys(store::Store& store);
// Revokes `name` (Error(invalid_input) when there is none); it fails authenticate() at once.
Key revoke_key(store::Store& store, const std::string& name, TimePoint now = std::chrono::system_clock::now());

// Why a request has no key: none was given, it is not one of the store's, or it was revoked or
// has expired.
enum class Refusal { none, bad, revoked, expired };
const char* to_string(Refusal refusal);
// What a server says (401): "no API key", "invalid API key", ... Never the token.
const char* refusal_message(Refusal refusal);

struct Authenticated {
  std::optional<Key> key;        // set when the token is a live key
  Refusal refusal = Refusal::none;  // why not, when key is empty
  explicit operator bool() const { return key.has_value(); }
};

// The key `bearer_token` is, if it is a live one at `now`. An empty token is Refusal::none; one
// without a secret's form is Refusal::bad without reading the store. A key whose expiry the
// store holds in a form not strata's counts as expired. Throws Error(unavailable) when the store
// fails.
Authenticated authenticate(store::Store& store, std::string_view bearer_token,
                           TimePoint now = std::chrono::system_clock::now());

// The token of an Authorization header's value "Bearer TOKEN" (the scheme in any case, spaces
// around the token trimmed); nullopt for another scheme or no token.
std::optional<std::string_view> bearer_token(std::string_view authorization);

// Whether `key` may act at `scope` on `collection` ("" for what names no collection: listing
// the key's collections, metrics, managing keys).
bool allows(const Key& key, Scope scope, std::string_view collection);

// The one wording, on every door, of a collection the caller may not use at `scope`: the same
// whether it exists or not, so that the answer tells nobody which collections exist. As an
// Error: kind refused (a door maps it: 403, a tool error), the CLI's usage exit code.
std::string reach_refusal(Scope scope, std::string_view collection);
Error refused_reach(Scope scope, std::string_view collection);

// The principal a key's asks and conversations are recorded under: id "apikey:NAME", secret
// derived from `bearer_token` (the key's secret; never stored). REQUIRES: `bearer_token` is the
// secret `key` was authenticated with.
store::AskPrincipal principal_of(const Key& key, std::string_view bearer_token);

// The principal that lists the calls key `name` logged (`strata logs --key`): its id, and a secret
// that vouches for nothing (a listing reads no MAC; no conversation or cached answer verifies
// under it). Throws Error(usage) for a name no key could have.
store::AskPrincipal log_principal(const std::string& name);

// Whether the store holds a live key at `now` (one neither revoked nor expired): what decides
// that `strata serve` asks every request for a key. Throws Error(unavailable) when the store fails.
bool has_live_key(store::Store& store, TimePoint now = std::chrono::system_clock::now());
// Whether `key` is live at `now` (not revoked, not expired; an expiry not in strata's form is past).
bool is_live(const Key& key, TimePoint now);

// Records that `key` was used at `now`, at most once a minute per key (a write to the store: a
// server calls it off the request's path). Never throws: a store that cannot record it (a role
// without the grant) loses only the time.
void record_use(store::Store& store, const Key& key, TimePoint now = std::chrono::system_clock::now()) noexcept;

}  // namespace strata::auth
