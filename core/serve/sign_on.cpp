#include "serve/sign_on.h"

#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include "common/error.h"
#include "common/setting.h"
#include "common/sha256.h"
#include "web/fetcher.h"

namespace strata::serve {

namespace {

constexpr std::size_t k_max_document_bytes = std::size_t{1} << 20;
constexpr std::size_t k_max_subject_bytes = 200;

bool is_url(std::string_view s) { return s.starts_with("http://") || s.starts_with("https://"); }

// GET `url` with the crawls' fetcher: its redirect and address checks, a small bound. Loopback and
// private addresses are allowed: the operator named the issuer (see the header).
std::string fetch_document(const web::FetchFn& fetch, const std::string& url) {
  const web::FetchResponse r = fetch(web::FetchRequest{.url = url});
  if (r.status != 200) {
    throw Error(ExitCode::unavailable, "the identity provider's " + url + " answered HTTP " + std::to_string(r.status),
                "check " + command_mention(Setting::jwt_issuer) + " and " + command_mention(Setting::jwks));
  }
  return r.body;
}

web::FetchFn document_fetcher() {
  web::FetchOptions o;
  o.allow_private = true;
  o.max_body_bytes = k_max_document_bytes;
  o.max_decoded_bytes = k_max_document_bytes;
  o.connect_timeout = std::chrono::seconds(5);
  o.total_timeout = std::chrono::seconds(10);
  return web::make_shared_fetch_function(std::move(o));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) usage("cannot read the JWKS file '" + path + "'", "give the issuer's key set (JSON) or its URL to " + command_mention(Setting::jwks));
  std::string text;
  text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (text.size() > k_max_document_bytes) usage("the JWKS file '" + path + "' is larger than 1 MiB");
  return text;
}

std::string trimmed_issuer(const std::string& issuer) {
  std::string base = issuer;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

}  // namespace

std::string jwt_caller_name(std::string_view subject) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out = "jwt:";
  for (const char ch : subject.substr(0, k_max_subject_bytes)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c > 0x20 && c < 0x7f && c != '%') {
      out += ch;
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 0xF];
    }
  }
  return out;
}

SignOn::SignOn(SignOnOptions options) : options_(std::move(options)) {
  const auth::JwtPolicy& p = options_.policy;
  if (p.issuer.empty()) usage(command_mention(Setting::jwt_issuer) + " is needed to accept tokens from an identity provider");
  if (p.audience.empty()) {
    usage(command_mention(Setting::jwt_audience) + " is needed with " + command_mention(Setting::jwt_issuer),
          "the audience the provider writes in tokens meant for this server (its aud claim)");
  }
  web::FetchFn fetch;
  std::string where = options_.jwks;
  if (where.empty() || is_url(where)) fetch = document_fetcher();
  if (where.empty()) {
    const std::string discovery = trimmed_issuer(p.issuer) + "/.well-known/openid-configuration";
    where = auth::oidc_jwks_uri(fetch_document(fetch, discovery), p.issuer);
  }
  auth::JwksSource::Fetch read;
  if (is_url(where)) {
    read = [fetch, where] { return fetch_document(fetch, where); };
  } else {
    read = [where] { return read_file(where); };
  }
  keys_ = std::make_unique<auth::JwksSource>(std::move(read), where, [] { return std::chrono::steady_clock::now(); },
                                             options_.min_refetch);
  keys_->load();
  if (keys_->keys().empty()) {
    usage("the key set at " + where + " holds no key strata can verify with (RS256, ES256 or EdDSA signing keys)");
  }
}

std::optional<auth::JwtClaims> SignOn::verified(const std::string& digest, auth::TimePoint now) {
  const std::lock_guard lock(cache_mutex_);
  const auto it = cache_.find(digest);
  if (it == cache_.end()) return std::nullopt;
  // Past its exp (with the leeway verify_jwt gives) it is checked again, and refused then.
  if (it->second.expires && now > *it->second.expires + options_.policy.leeway) {
    cache_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void SignOn::remember(const std::string& digest, const auth::JwtClaims& claims) {
  const std::lock_guard lock(cache_mutex_);
  if (cache_.size() >= k_verified_tokens_kept) cache_.clear();
  cache_.emplace(digest, claims);
}

SignOn::Admitted SignOn::admit(std::string_view token, auth::TimePoint now) {
  Admitted a;
  const std::string digest = sha256_hex(token);
  std::optional<auth::JwtClaims> known = verified(digest, now);
  if (!known) {
    // A token's nbf or iat ahead of now is checked again each time until it holds.
    const auth::JwtVerdict v = keys_->verify(token, options_.policy, now);
    if (!v) {
      a.message = auth::jwt_refusal_message(v.refusal);
      return a;
    }
    known = *v.claims;
    remember(digest, *known);
  }
  const auth::JwtClaims& claims = *known;
  if (!claims.scope) {
    a.status = 403;
    a.message = "the token grants no strata scope: its claim '" + options_.policy.scope_claim +
                "' names none of read, write, admin";
    return a;
  }
  auth::Key key;
  key.name = jwt_caller_name(claims.subject);
  key.scope = *claims.scope;
  key.collections = claims.collections;
  key.rate_per_minute = options_.rate_per_minute;
  key.tokens_per_minute = options_.tokens_per_minute;
  Caller c;
  store::AskPrincipal principal;
  principal.id = key.name + "@" + claims.issuer;
  principal.secret = hmac_sha256_hex("strata jwt principal", claims.issuer + "\n" + claims.subject);
  principal.own_rows_only = true;
  c.principal = std::move(principal);
  // A token holds until its exp; nothing revokes it before (the provider's tokens are short-lived).
  const std::optional<auth::TimePoint> expires = claims.expires;
  const std::chrono::seconds leeway = options_.policy.leeway;
  c.live_check = [expires, leeway] { return !expires || std::chrono::system_clock::now() < *expires + leeway; };
  c.key = std::move(key);
  a.caller = std::move(c);
  return a;
}

}  // namespace strata::serve
