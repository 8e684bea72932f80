// The api_keys table on PostgreSQL (api_keys.h; migrations/postgres/0005, 0007), answering as the
// SQLite store does. Only the store's owner may write it (the migration says why); another role's
// create or revoke fails with the server's "permission denied", as Error(unavailable).
#include <string>
#include <vector>

#include "common/error.h"
#include "store/api_keys.h"
#include "store/postgres/pg_backend.h"

namespace strata::store::pg {
namespace {

// The row's columns, in the order pg_key_row_of reads them, then the hash.
constexpr const char* k_pg_key_columns =
    "SELECT name, scope, collections, rate_per_minute, expires_at, created_at, revoked_at, last_used_at, secret_sha256, "
    "tokens_per_minute "
    "FROM api_keys ";

StoredApiKey pg_key_row_of(const pq::Result& r, int row) {
  StoredApiKey s;
  ApiKey& k = s.key;
  k.name = r.str(row, 0);
  // A scope this binary does not know is the least one, never more.
  k.scope = parse_key_scope(r.str(row, 1)).value_or(KeyScope::read);
  k.collections = collections_from_stored(r.str(row, 2), k.name);
  k.rate_per_minute = r.optional_int(row, 3);
  k.expires_at = r.optional_text(row, 4);
  k.created_at = r.str(row, 5);
  k.revoked_at = r.optional_text(row, 6);
  k.last_used_at = r.optional_text(row, 7);
  s.secret_sha256 = r.str(row, 8);
  k.tokens_per_minute = r.optional_int(row, 9);
  return s;
}

}  // namespace

bool Backend::create_api_key(Store& /*store*/, const ApiKey& key, const std::string& secret_sha256) {
  const pq::Param rate = key.rate_per_minute ? pq::Param(std::to_string(*key.rate_per_minute)) : std::nullopt;
  const pq::Param tokens = key.tokens_per_minute ? pq::Param(std::to_string(*key.tokens_per_minute)) : std::nullopt;
  const pq::Result r = connection().exec(
      "INSERT INTO api_keys (name, secret_sha256, scope, collections, rate_per_minute, expires_at, created_at, "
      "tokens_per_minute) VALUES ($1, $2, $3, $4, $5::bigint, $6, $7, $8::bigint) ON CONFLICT (name) DO NOTHING",
      {key.name, secret_sha256, std::string(to_string(key.scope)), collections_to_stored(key.collections), rate,
       key.expires_at, key.created_at, tokens},
      false, "adding key " + key.name);
  return r.affected() == 1;
}

std::vector<ApiKey> Backend::list_api_keys(Store& /*store*/) {
  const pq::Result r = connection().exec(std::string(k_pg_key_columns) + "ORDER BY name", {}, false, "reading keys");
  std::vector<ApiKey> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(pg_key_row_of(r, i).key);
  return out;
}

std::optional<StoredApiKey> Backend::find_api_key(Store& /*store*/, const std::string& secret_sha256) {
  const pq::Result r =
      connection().exec(std::string(k_pg_key_columns) + "WHERE secret_sha256 = $1", {secret_sha256}, false, "reading keys");
  if (r.rows() == 0) return std::nullopt;
  return pg_key_row_of(r, 0);
}

std::optional<ApiKey> Backend::revoke_api_key(Store& /*store*/, const std::string& name, const std::string& at) {
  pq::Connection& c = connection();
  const std::string doing = "revoking key " + name;
  c.exec("UPDATE api_keys SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL", {at, name}, false, doing);
  const pq::Result r = c.exec(std::string(k_pg_key_columns) + "WHERE name = $1", {name}, false, doing);
  if (r.rows() == 0) return std::nullopt;
  return pg_key_row_of(r, 0).key;
}

bool Backend::record_api_key_use(Store& /*store*/, const std::string& name, const std::string& at,
                                 const std::string& not_before) {
  const pq::Result r = connection().exec(
      "UPDATE api_keys SET last_used_at = $1 WHERE name = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
      {at, name, not_before}, false, "recording the use of key " + name);
  return r.affected() == 1;
}

}  // namespace strata::store::pg
