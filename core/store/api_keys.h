#pragma once
// The API keys of a store (migrations/0016, on PostgreSQL migrations/postgres/0005): the rows
// `strata keys` writes and `strata serve` checks bearer tokens against. Only a secret's SHA-256
// is stored; what a secret looks like, how it is made and checked is core/auth's (auth/key.h).
// The rules a row must keep (its name, scope and collections) are here, above the backends.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace strata::store {

// What a key may do, each including the one before: read (search, ask, read documents), write
// (also ingest and remove), admin (also manage keys and read a server's metrics).
enum class KeyScope { read, write, admin };
const char* to_string(KeyScope scope);
std::optional<KeyScope> parse_key_scope(const std::string& text);

// One key as stored, without its secret or the secret's hash (so that a listing cannot show
// either). Times are ISO 8601 UTC ("2026-11-26T22:50:00Z").
struct ApiKey {
  std::string name;
  KeyScope scope = KeyScope::read;
  std::vector<std::string> collections;        // empty: every collection
  std::optional<std::int64_t> rate_per_minute;  // requests; nullopt: no limit
  std::optional<std::int64_t> tokens_per_minute;  // an upstream model's tokens; nullopt: no limit
  std::optional<std::string> expires_at;
  std::string created_at;
  std::optional<std::string> revoked_at;
  std::optional<std::string> last_used_at;
};

// A key found by its hash, with the hash as stored (for a comparison in constant time).
struct StoredApiKey {
  ApiKey key;
  std::string secret_sha256;
};

// The longest name; a name is 1 to this many of A-Z a-z 0-9 . _ - starting with a letter or digit
// (it is a principal's id, a log field and a header's value: nothing there needs escaping).
inline constexpr std::size_t k_max_key_name = 64;
// Throws Error(usage) saying what is wrong with `name`.
void validate_key_name(const std::string& name);

// Adds `key` with the hash of its secret (64 lowercase hex digits). Throws Error(usage) for a bad
// name, scope-less collection name or hash, Error(invalid_input) when a key of that name exists
// (revoked or not: a name stays its key's), Error(unavailable) naming the store when the
// database fails (on PostgreSQL, a role other than the store's owner: permission denied).
void create_api_key(Store& store, const ApiKey& key, const std::string& secret_sha256);

// Every key, by name.
std::vector<ApiKey> list_api_keys(Store& store);

// The key whose secret hashes to `secret_sha256`, revoked or expired ones included.
std::optional<StoredApiKey> find_api_key(Store& store, const std::string& secret_sha256);

// Marks `name` revoked at `at` (a key revoked before keeps its first time) and returns it.
// Throws Error(invalid_input) when there is no key of that name.
ApiKey revoke_api_key(Store& store, const std::string& name, const std::string& at);

// Records that `name` was used at `at`, unless its last use recorded is `not_before` or later
// (so a busy key is written at most once per interval). Returns whether a row was written.
bool record_api_key_use(Store& store, const std::string& name, const std::string& at, const std::string& not_before);

// The stored form of a key's collections, a JSON array of names, and back. Throws
// Error(unavailable) naming the key when a stored value is not such an array: a key whose
// collections cannot be read must not become a key for every collection.
std::string collections_to_stored(const std::vector<std::string>& collections);
std::vector<std::string> collections_from_stored(const std::string& stored, const std::string& key_name);

}  // namespace strata::store
