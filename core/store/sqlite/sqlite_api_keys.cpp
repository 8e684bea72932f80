// The api_keys table on SQLite (api_keys.h; migrations/0016, 0018).
#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.h"
#include "store/api_keys.h"
#include "store/sqlite/sqlite_backend.h"

namespace strata::store::sqlite_store {
namespace {

// The row's columns, in the order key_row_of reads them, then the hash.
constexpr const char* k_key_columns =
    "SELECT name, scope, collections, rate_per_minute, expires_at, created_at, revoked_at, last_used_at, secret_sha256, "
    "tokens_per_minute "
    "FROM api_keys ";

StoredApiKey key_row_of(SQLite::Statement& q) {
  StoredApiKey s;
  ApiKey& k = s.key;
  k.name = q.getColumn(0).getString();
  const std::optional<KeyScope> scope = parse_key_scope(q.getColumn(1).getString());
  // A scope this binary does not know is the least one, never more.
  k.scope = scope.value_or(KeyScope::read);
  k.collections = collections_from_stored(q.getColumn(2).getString(), k.name);
  k.rate_per_minute = optional_int(q.getColumn(3));
  k.expires_at = optional_text(q.getColumn(4));
  k.created_at = q.getColumn(5).getString();
  k.revoked_at = optional_text(q.getColumn(6));
  k.last_used_at = optional_text(q.getColumn(7));
  s.secret_sha256 = q.getColumn(8).getString();
  k.tokens_per_minute = optional_int(q.getColumn(9));
  return s;
}

std::optional<StoredApiKey> key_named(Store& store, const std::string& name) {
  SQLite::Statement q(database(store), std::string(k_key_columns) + "WHERE name = ?");
  q.bind(1, name);
  if (!q.executeStep()) return std::nullopt;
  return key_row_of(q);
}

}  // namespace

bool Backend::create_api_key(Store& store, const ApiKey& key, const std::string& secret_sha256) {
  try {
    SQLite::Statement q(database(store),
                        "INSERT INTO api_keys (name, secret_sha256, scope, collections, rate_per_minute, expires_at, "
                        "created_at, tokens_per_minute) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING");
    q.bind(1, key.name);
    q.bind(2, secret_sha256);
    q.bind(3, to_string(key.scope));
    q.bind(4, collections_to_stored(key.collections));
    bind_optional(q, 5, key.rate_per_minute);
    bind_optional(q, 6, key.expires_at);
    q.bind(7, key.created_at);
    bind_optional(q, 8, key.tokens_per_minute);
    return q.exec() == 1;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "adding key " + key.name);
  }
}

std::vector<ApiKey> Backend::list_api_keys(Store& store) {
  try {
    std::vector<ApiKey> out;
    SQLite::Statement q(database(store), std::string(k_key_columns) + "ORDER BY name");
    while (q.executeStep()) out.push_back(key_row_of(q).key);
    return out;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading keys");
  }
}

std::optional<StoredApiKey> Backend::find_api_key(Store& store, const std::string& secret_sha256) {
  try {
    SQLite::Statement q(database(store), std::string(k_key_columns) + "WHERE secret_sha256 = ?");
    q.bind(1, secret_sha256);
    if (!q.executeStep()) return std::nullopt;
    return key_row_of(q);
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading keys");
  }
}

std::optional<ApiKey> Backend::revoke_api_key(Store& store, const std::string& name, const std::string& at) {
  try {
    SQLite::Statement q(database(store), "UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL");
    q.bind(1, at);
    q.bind(2, name);
    q.exec();
    std::optional<StoredApiKey> found = key_named(store, name);
    if (!found) return std::nullopt;
    return found->key;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "revoking key " + name);
  }
}

bool Backend::record_api_key_use(Store& store, const std::string& name, const std::string& at,
                                 const std::string& not_before) {
  try {
    SQLite::Statement q(database(store),
                        "UPDATE api_keys SET last_used_at = ? WHERE name = ? AND (last_used_at IS NULL OR last_used_at < ?)");
    q.bind(1, at);
    q.bind(2, name);
    q.bind(3, not_before);
    return q.exec() == 1;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "recording the use of key " + name);
  }
}

}  // namespace strata::store::sqlite_store
