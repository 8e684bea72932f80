#include "auth/key.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <set>

#include "common/error.h"
#include "common/libcrypto.h"
#include "common/setting.h"
#include "common/sha256.h"

namespace strata::auth {
namespace {

constexpr std::size_t k_random_bytes = 32;
constexpr std::string_view k_base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// How often a key's last use is written at most: a busy key is one write a minute, not one per request.
constexpr std::chrono::seconds k_use_interval{60};

std::string base64url(const unsigned char* bytes, std::size_t n) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | bytes[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += k_base64url[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += k_base64url[(acc << (6 - bits)) & 0x3f];
  return out;
}

bool base64url_char(char c) { return k_base64url.find(c) != std::string_view::npos; }

}  // namespace

Scope parse_scope(const std::string& text) {
  if (const std::optional<Scope> s = store::parse_key_scope(text)) return *s;
  throw Error(ExitCode::usage, mention(Setting::scope) + ": '" + text.substr(0, 40) + "' is not a scope",
              "read (search, ask, read documents), write (also ingest and remove) or admin (also keys and metrics)");
}

std::string new_secret() {
  using RandBytes = int (*)(unsigned char*, int);
  static const RandBytes rand_bytes = [] {
    RandBytes fn = nullptr;
    libcrypto().resolve("RAND_bytes", fn);
    return fn;
  }();
  std::array<unsigned char, k_random_bytes> bytes{};
  if (rand_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw Error(ExitCode::unavailable, "cannot make a key: OpenSSL's random generator failed");
  }
  return std::string(k_secret_prefix) + base64url(bytes.data(), bytes.size());
}

bool looks_like_secret(std::string_view token) {
  if (token.size() != k_secret_size || token.substr(0, k_secret_prefix.size()) != k_secret_prefix) return false;
  const std::string_view body = token.substr(k_secret_prefix.size());
  // 32 bytes are 256 bits: the last character carries 4 of them, so its low 2 bits are 0.
  const std::size_t last = k_base64url.find(body.back());
  return std::all_of(body.begin(), body.end(), base64url_char) && last != std::string_view::npos && (last & 3) == 0;
}

std::string secret_hash(std::string_view secret) { return sha256_hex(secret); }

std::string utc_text(TimePoint t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<TimePoint> parse_utc_text(std::string_view text) {
  // Exactly the form utc_text writes: YYYY-MM-DDTHH:MM:SSZ.
  static constexpr std::string_view k_form = "dddd-dd-ddTdd:dd:ddZ";
  if (text.size() != k_form.size()) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool digit = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
    if (k_form[i] == 'd' ? !digit : text[i] != k_form[i]) return std::nullopt;
  }
  const auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(5, 2) - 1;
  tm.tm_mday = num(8, 2);
  tm.tm_hour = num(11, 2);
  tm.tm_min = num(14, 2);
  tm.tm_sec = num(17, 2);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) {
    return std::nullopt;
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

CreatedKey create_key(store::Store& store, const KeyRequest& request, TimePoint now) {
  CreatedKey made;
  Key& k = made.key;
  k.name = request.name;
  k.scope = request.scope;
  std::set<std::string> seen;
  for (const std::string& c : request.collections) {
    if (seen.insert(c).second) k.collections.push_back(c);
  }
  k.rate_per_minute = request.rate_per_minute;
  k.tokens_per_minute = request.tokens_per_minute;
  k.created_at = utc_text(now);
  if (request.expires_in) k.expires_at = utc_text(now + *request.expires_in);
  made.secret = new_secret();
  store::create_api_key(store, k, secret_hash(made.secret));
  return made;
}

std::vector<Key> list_keys(store::Store& store) { return store::list_api_keys(store); }

Key revoke_key(store::Store& store, const std::string& name, TimePoint now) {
  return store::revoke_api_key(store, name, utc_text(now));
}

const char* to_string(Refusal refusal) {
  switch (refusal) {
    case Refusal::none: return "none";
    case Refusal::bad: return "bad";
    case Refusal::revoked: return "revoked";
    case Refusal::expired: return "expired";
  }
  return "bad";
}

const char* refusal_message(Refusal refusal) {
  switch (refusal) {
    case Refusal::none: return "no API key: send one as Authorization: Bearer KEY";
    case Refusal::bad: return "invalid API key";
    case Refusal::revoked: return "this API key was revoked";
    case Refusal::expired: return "this API key has expired";
  }
  return "invalid API key";
}

Authenticated authenticate(store::Store& store, std::string_view bearer_token, TimePoint now) {
  Authenticated out;
  if (bearer_token.empty()) {
    out.refusal = Refusal::none;
    return out;
  }
  out.refusal = Refusal::bad;
  if (!looks_like_secret(bearer_token)) return out;
  const std::string hash = secret_hash(bearer_token);
  std::optional<store::StoredApiKey> found = store::find_api_key(store, hash);
  // The lookup found the row by its hash; compared again in constant time, so that nothing of the
  // answer depends on how much of a hash matched.
  if (!found || !equal_in_constant_time(found->secret_sha256, hash)) return out;
  if (found->key.revoked_at) {
    out.refusal = Refusal::revoked;
    return out;
  }
  if (found->key.expires_at) {
    const std::optional<TimePoint> until = parse_utc_text(*found->key.expires_at);
    if (!until || now >= *until) {
      out.refusal = Refusal::expired;
      return out;
    }
  }
  out.key = std::move(found->key);
  return out;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  const auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  authorization = trim(authorization);
  constexpr std::string_view k_scheme = "bearer";
  if (authorization.size() <= k_scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < k_scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != k_scheme[i]) return std::nullopt;
  }
  if (authorization[k_scheme.size()] != ' ' && authorization[k_scheme.size()] != '\t') return std::nullopt;
  const std::string_view token = trim(authorization.substr(k_scheme.size()));
  if (token.empty()) return std::nullopt;
  return token;
}

bool allows(const Key& key, Scope scope, std::string_view collection) {
  if (static_cast<int>(key.scope) < static_cast<int>(scope)) return false;
  if (collection.empty() || key.collections.empty()) return true;
  return std::find(key.collections.begin(), key.collections.end(), collection) != key.collections.end();
}

std::string reach_refusal(Scope scope, std::string_view collection) {
  const char* verb = "use";
  switch (scope) {
    case Scope::read: verb = "read"; break;
    case Scope::write: verb = "write to"; break;
    case Scope::admin: verb = "administer"; break;
  }
  return "this API key may not " + std::string(verb) + " collection '" + std::string(collection) + "'";
}

Error refused_reach(Scope scope, std::string_view collection) {
  return Error(ErrorKind::refused, ExitCode::usage, reach_refusal(scope, collection));
}

store::AskPrincipal principal_of(const Key& key, std::string_view bearer_token) {
  store::AskPrincipal p;
  p.id = "apikey:" + key.name;
  // Keyed by the secret, so only its holder's rows verify; a label apart from the stored hash
  // (a plain SHA-256 of the secret), which anyone who may read the key table sees.
  p.secret = hmac_sha256_hex(bearer_token, "strata api key principal\n" + key.name);
  p.own_rows_only = true;
  return p;
}

store::AskPrincipal log_principal(const std::string& name) {
  store::validate_key_name(name);
  store::AskPrincipal p;
  p.id = "apikey:" + name;
  p.secret = "list only: " + new_secret();
  p.own_rows_only = true;
  return p;
}

bool is_live(const Key& key, TimePoint now) {
  if (key.revoked_at) return false;
  if (!key.expires_at) return true;
  const std::optional<TimePoint> until = parse_utc_text(*key.expires_at);
  return until && now < *until;
}

bool has_live_key(store::Store& store, TimePoint now) {
  const std::vector<Key> keys = store::list_api_keys(store);
  return std::any_of(keys.begin(), keys.end(), [&](const Key& k) { return is_live(k, now); });
}

void record_use(store::Store& store, const Key& key, TimePoint now) noexcept {
  try {
    store::record_api_key_use(store, key.name, utc_text(now), utc_text(now - k_use_interval));
  } catch (...) {
    // Only the time of use is lost; the request it was for goes on.
  }
}

}  // namespace strata::auth
