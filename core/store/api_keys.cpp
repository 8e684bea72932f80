// api_keys.h: the rules a key's row keeps, then the store's backend (backend.h).
#include "store/api_keys.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/json_limits.h"
#include "store/backend.h"
#include "store/collections.h"

namespace strata::store {
namespace {

constexpr std::array<const char*, 3> k_scope_names = {"read", "write", "admin"};

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool is_hash(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

void check_record(const ApiKey& key, const std::string& secret_sha256) {
  validate_key_name(key.name);
  for (const std::string& c : key.collections) validate_collection_name(c);
  if (key.rate_per_minute && *key.rate_per_minute <= 0) {
    throw Error(ExitCode::usage, "key '" + key.name + "': a rate limit must be 1 or more requests per minute");
  }
  if (key.tokens_per_minute && *key.tokens_per_minute <= 0) {
    throw Error(ExitCode::usage, "key '" + key.name + "': a token limit must be 1 or more tokens per minute");
  }
  if (!is_hash(secret_sha256)) throw Error(ExitCode::usage, "key '" + key.name + "': the secret's hash is not 64 hex digits");
}

}  // namespace

const char* to_string(KeyScope scope) { return k_scope_names[static_cast<std::size_t>(scope)]; }

std::optional<KeyScope> parse_key_scope(const std::string& text) {
  for (std::size_t i = 0; i < k_scope_names.size(); ++i) {
    if (text == k_scope_names[i]) return static_cast<KeyScope>(i);
  }
  return std::nullopt;
}

void validate_key_name(const std::string& name) {
  const auto bad = [&](const std::string& why) {
    throw Error(ExitCode::usage, "key name: " + why,
                "a name is 1 to " + std::to_string(k_max_key_name) +
                    " letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. ci-bot)");
  };
  if (name.empty()) bad("it is empty");
  if (name.size() > k_max_key_name) bad("it is longer than " + std::to_string(k_max_key_name) + " characters");
  if (!std::all_of(name.begin(), name.end(), name_char)) bad("it has a character other than A-Z a-z 0-9 . _ -");
  if (name[0] == '.' || name[0] == '_' || name[0] == '-') bad("it starts with '" + std::string(1, name[0]) + "'");
}

std::string collections_to_stored(const std::vector<std::string>& collections) {
  return nlohmann::json(collections).dump();
}

std::vector<std::string> collections_from_stored(const std::string& stored, const std::string& key_name) {
  ParsedJson parsed = parse_json_within(stored, JsonLimits{2, std::size_t{1} << 20});
  std::vector<std::string> out;
  bool ok = parsed.ok() && parsed.value.is_array();
  if (ok) {
    for (const nlohmann::json& item : parsed.value) {
      if (!item.is_string()) {
        ok = false;
        break;
      }
      out.push_back(item.get<std::string>());
    }
  }
  if (!ok) throw Error(ExitCode::unavailable, "key '" + key_name + "': its collections in the store are not a list of names");
  return out;
}

void create_api_key(Store& store, const ApiKey& key, const std::string& secret_sha256) {
  check_record(key, secret_sha256);
  if (!store.backend().create_api_key(store, key, secret_sha256)) {
    throw Error(ExitCode::invalid_input, "a key named '" + key.name + "' exists in " + store.path(),
                "choose another name (strata keys list shows them; a revoked key keeps its name)");
  }
}

std::vector<ApiKey> list_api_keys(Store& store) { return store.backend().list_api_keys(store); }

std::optional<StoredApiKey> find_api_key(Store& store, const std::string& secret_sha256) {
  if (!is_hash(secret_sha256)) return std::nullopt;
  return store.backend().find_api_key(store, secret_sha256);
}

ApiKey revoke_api_key(Store& store, const std::string& name, const std::string& at) {
  validate_key_name(name);
  std::optional<ApiKey> key = store.backend().revoke_api_key(store, name, at);
  if (!key) throw Error(ExitCode::invalid_input, "no key named '" + name + "' in " + store.path(), "strata keys list shows them");
  return *key;
}

bool record_api_key_use(Store& store, const std::string& name, const std::string& at, const std::string& not_before) {
  return store.backend().record_api_key_use(store, name, at, not_before);
}

}  // namespace strata::store
