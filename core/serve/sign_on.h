#pragma once
// Single sign-on for `strata serve`: bearer tokens from the team's identity provider (an OpenID
// Connect issuer: Keycloak, Entra ID, Okta, Google) beside strata's own API keys. The gate
// (gate.h) hands every bearer token that has a JWT's form to SignOn::admit; what comes back is a
// caller as a key would make one:
//  - its name "jwt:SUB" (what the jobs' owner and the rate limits count by; "jwt:SUB@ISSUER" in
//    the access log and traces; an API key's name cannot hold ':', so the two never meet), SUB's
//    bytes outside printable ASCII written %XX;
//  - its scope and collections from the token's claims (auth/jwt.h), its rates from the
//    operator's --jwt-rate and --jwt-tokens (one limit per SUB);
//  - its asks recorded under the principal "jwt:SUB@ISSUER", their rows kept apart from every
//    other caller's (store/ask_store.h: own rows only); the MAC key of those rows is derived from
//    the issuer and subject, not from a secret, since a token changes at every sign-in: a role
//    that may read the store's rows directly can verify them (an API key's cannot);
//  - live until the token's exp (a stream is cut then, as a revoked key's is).
// A token verified once is known by its SHA-256 until its exp (bounded), so that a client
// sending the same token with every request pays the signature check once.
//
// The issuer's keys: a JWKS file or URL (--jwks), else found by OpenID discovery from the issuer
// (ISSUER/.well-known/openid-configuration's jwks_uri), read at start (a server whose issuer
// cannot be read does not start) and again, at most once every min_refetch, when a token names a
// key it does not hold (the issuer rotated its keys). The operator names these URLs, so they may
// be loopback or private addresses (an issuer inside the team's network); they are fetched with
// the crawls' fetcher and its bounds (redirects checked hop by hop, 1 MiB, 10 s), and no client
// of the server can choose them.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/jwt.h"
#include "serve/caller.h"

namespace strata::serve {

struct SignOnOptions {
  std::string jwks;          // a file or an http(s) URL; "" for OpenID discovery from the issuer
  auth::JwtPolicy policy;    // issuer, audience, leeway, the scope and collections claims
  std::optional<std::int64_t> rate_per_minute;    // --jwt-rate: requests a minute per subject
  std::optional<std::int64_t> tokens_per_minute;  // --jwt-tokens: model tokens a minute per subject
  std::chrono::seconds min_refetch = auth::k_jwks_min_refetch;
};

class SignOn {
 public:
  // Reads the issuer's keys now. Throws Error(usage) for options that cannot work (no issuer or
  // audience, a JWKS file that is no key set) and Error(unavailable) naming the URL when the
  // issuer or its key set cannot be fetched.
  explicit SignOn(SignOnOptions options);

  struct Admitted {
    std::optional<Caller> caller;  // its key has no rates: the gate counts them (rate_per_minute)
    int status = 401;              // when refused: 401 (a bad token), 403 (no strata scope)
    std::string message;           // when refused: the client's words, never the token
  };
  Admitted admit(std::string_view token, auth::TimePoint now);

  const SignOnOptions& options() const { return options_; }

 private:
  // The claims of a token verified before, by its SHA-256, until its exp: a signature check is
  // tens of microseconds (ES256's 70 on a small machine), a lookup one. Bounded: cleared when
  // full (a token then is checked again, never taken unchecked).
  std::optional<auth::JwtClaims> verified(const std::string& digest, auth::TimePoint now);
  void remember(const std::string& digest, const auth::JwtClaims& claims);

  SignOnOptions options_;
  std::unique_ptr<auth::JwksSource> keys_;
  std::mutex cache_mutex_;
  std::unordered_map<std::string, auth::JwtClaims> cache_;
};

inline constexpr std::size_t k_verified_tokens_kept = 4096;

// "jwt:" and the subject, its bytes outside printable ASCII (and '%') written %XX, at most 200 bytes of it.
std::string jwt_caller_name(std::string_view subject);

}  // namespace strata::serve
