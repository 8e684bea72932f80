#pragma once
// JSON Web Tokens from an identity provider (single sign-on): who may call `strata serve` when
// the operator trusts an OpenID Connect issuer rather than, or beside, strata's own API keys.
// A token is a compact JWS (RFC 7515) over JWT claims (RFC 7519), signed with one of the keys
// the issuer publishes as a JWK Set (RFC 7517). Only RS256, ES256 and EdDSA (Ed25519) are
// taken; the algorithm must match the type of the key that checks it, so that a token cannot
// choose how it is verified ("none", or HS256 keyed with a public key). The signature is
// checked before any claim is read.
//
// What a token may do is read from two claims the operator names: its scope (the highest of
// read < write < admin the scope claim names) and its collections (none listed: all), the same
// two limits an API key carries (auth/key.h).
//
// OpenSSL is reached through the libcrypto opened on first use (common/libcrypto.h), as for
// SHA-256: the binary does not link it.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/key.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header as SQLite is kept out of the store's

namespace strata::auth {

// The key types strata verifies with, one per algorithm: RSA for RS256 (2048 bits or more),
// EC P-256 for ES256, Ed25519 for EdDSA.
enum class JwkType { rsa, ec_p256, ed25519 };
// The JWS "alg" a key of `type` verifies: "RS256", "ES256" or "EdDSA".
const char* jwk_algorithm(JwkType type);

struct Jwk {
  std::string kid;  // "" when the key has none
  JwkType type = JwkType::rsa;
  std::shared_ptr<evp_pkey_st> key;  // the public key, freed with the last copy; never null in a JwkSet
};

// The signing keys of a JWKS document. A value: copies share the keys, which are read-only once
// made and may be used from any thread.
class JwkSet {
 public:
  JwkSet() = default;

  // Parses `document` ({"keys": [...]}). Keys strata cannot or should not verify with are
  // skipped, each noted in skipped(): "use" other than "sig", "key_ops" without "verify", a kty
  // or crv other than RSA, EC P-256 and OKP Ed25519, an "alg" other than its type's, RSA under
  // 2048 bits, members missing or not base64url. Throws Error(usage) naming `where` (the file or
  // URL it came from) when the document is not JSON (or over 1 MiB) or has no "keys" array; throws
  // Error(unavailable) when libcrypto cannot be loaded.
  static JwkSet parse(std::string_view document, std::string_view where);

  const std::vector<Jwk>& keys() const { return keys_; }
  bool empty() const { return keys_.empty(); }
  // Why each skipped key was skipped: "key 'rsa-enc': use is 'enc', not 'sig'".
  const std::vector<std::string>& skipped() const { return skipped_; }

  // The first key whose kid is `kid`; nullptr when none.
  const Jwk* find(std::string_view kid) const;
  // Every key of `type`, in the document's order: the candidates for a token without a kid.
  std::vector<const Jwk*> of_type(JwkType type) const;

 private:
  std::vector<Jwk> keys_;
  std::vector<std::string> skipped_;
};

// What a server asks of a token beyond its signature.
struct JwtPolicy {
  std::string issuer;    // "iss" must equal it exactly. REQUIRES: not empty (empty refuses every token)
  std::string audience;  // "aud" (a string or an array) must hold it. REQUIRES: not empty (as above)
  std::chrono::seconds leeway{60};  // Default: 60 s of clock skew, on exp, nbf and iat
  std::string scope_claim = "scope";                   // Default: "scope" (Okta and Azure: "scp")
  std::string collections_claim = "strata_collections";  // Default: "strata_collections"
};

struct JwtClaims {
  std::string subject;  // "sub"
  std::string issuer;   // "iss"
  // The highest of read < write < admin the scope claim names (a space-separated string or an
  // array of strings; case-sensitive; other words ignored); nullopt when it names none of them
  // or the token has no such claim.
  std::optional<store::KeyScope> scope;
  // The collections claim (an array of strings or a space-separated string), duplicates dropped;
  // empty: the token has no such claim, and so all collections.
  std::vector<std::string> collections;
  std::optional<TimePoint> expires;  // "exp" (always set for an accepted token; past 2262 reads as 2262)
};

// Why a token was refused.
enum class JwtRefusal {
  none,
  malformed,      // not three unpadded base64url parts of JSON objects, over 16 KiB, a header with
                  // "crit" or a "typ" other than JWT/at+jwt, no numeric "exp", an nbf, iat, scope
                  // or collections claim of the wrong type, or a collections claim that names none
  algorithm,      // "alg" is none, HS*, anything but RS256/ES256/EdDSA, or not the key's type's
  unknown_key,    // the kid names no key of the set (without a kid: the set has no key of the alg's type)
  signature,      // no key of the alg's type verifies the signature
  expired,        // exp is past by more than the leeway
  not_yet_valid,  // nbf or iat is ahead by more than the leeway
  issuer,         // "iss" is not the policy's (missing, or not a string, included)
  audience,       // "aud" does not hold the policy's
  subject,        // no "sub" (or an empty one, or not a string)
};
// A short name for logs and metrics: "none", "malformed", "unknown_key", ...
const char* to_string(JwtRefusal refusal);
// What a server may tell the client (401): "the token has expired". Never the token.
const char* jwt_refusal_message(JwtRefusal refusal);

struct JwtVerdict {
  std::optional<JwtClaims> claims;  // set exactly when refusal is none
  JwtRefusal refusal = JwtRefusal::none;
  // The header's kid (or, for a token without one, the kid of the key that verified it): for a
  // server's log, also when the token is refused. "" when not known.
  std::string kid;
  explicit operator bool() const { return claims.has_value(); }
};

// Checks `token` (a compact JWS, unpadded base64url only) against `keys` and `policy` at `now`:
// header, algorithm and key, then the signature, then the claims (exp required, nbf and iat
// optional, each with the leeway; iss, aud, sub, scope, collections). Never throws: a token that
// is not one is a refusal, not an error. Headers naming a key by URL or by value (jku, x5u, jwk,
// x5c) are ignored: only keys of `keys` are trusted.
JwtVerdict verify_jwt(std::string_view token, const JwkSet& keys, const JwtPolicy& policy, TimePoint now);

// Whether `token` has a JWT's form: three base64url parts (the signature empty for an unsecured
// JWT, which verify_jwt then refuses for its algorithm), the first a JSON object with "alg". Nothing is verified; it tells a JWT from strata's own "sk-strata-" keys, which
// have no dots.
bool looks_like_jwt(std::string_view token);

inline constexpr std::chrono::seconds k_jwks_min_refetch{60};

// The keys of an issuer's JWKS, fetched on demand. Thread-safe: verify() may run on any number
// of threads; a fetch runs outside the lock, so verifications go on while it waits.
//
// Key rotation: a token whose kid the set does not know makes verify() fetch the document again
// and retry once, at most once per `min_refetch` (default 60 s) by `clock` counted from the last fetch of either kind
// (load() or a re-fetch), so that tokens with made-up kids cannot turn into a flood of requests
// to the issuer. A failed re-fetch keeps the set it had.
class JwksSource {
 public:
  using Fetch = std::function<std::string()>;
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `fetch` returns the JWKS document's text (a file read, an HTTP GET) and throws when it
  // cannot; `where` names it in errors (the file or URL). The set is empty until a fetch: load(),
  // or the re-fetch of the first verify() (every token is an unknown key to an empty set).
  // `min_refetch`: the least time between two fetches a token's unknown kid may cause.
  JwksSource(Fetch fetch, std::string where, Clock clock = [] { return std::chrono::steady_clock::now(); },
             std::chrono::seconds min_refetch = k_jwks_min_refetch);

  // Fetches and parses the document now. Throws what `fetch` throws, or Error(usage) for a
  // document JwkSet::parse refuses; the set held before stays then.
  void load();

  // verify_jwt against the current set; on unknown_key, re-fetches (see above) and retries once.
  JwtVerdict verify(std::string_view token, const JwtPolicy& policy, TimePoint now);

  // The set verify() uses now (a copy of the shared keys).
  JwkSet keys() const;
  // Why the last fetch failed ("" when it did not): a re-fetch's failure is not thrown, so a
  // server logs it from here.
  std::string last_failure() const;

 private:
  // Fetches and parses; swaps the set in on success, records the failure and rethrows otherwise.
  void fetch_now();
  // Whether a re-fetch may run now; if so, counts it as the last fetch.
  bool claim_refetch();

  Fetch fetch_;
  std::string where_;
  Clock clock_;
  std::chrono::seconds min_refetch_;
  mutable std::mutex mutex_;
  std::shared_ptr<const JwkSet> set_ = std::make_shared<const JwkSet>();
  std::optional<std::chrono::steady_clock::time_point> last_fetch_;
  std::string last_failure_;
};

// The jwks_uri of an OpenID Provider Configuration document (OpenID Connect Discovery 1.0,
// RFC 8414), fetched from ISSUER/.well-known/openid-configuration. Its "issuer" must equal
// `issuer` exactly (Discovery 4.3: a document that names another issuer is not this one's), and
// jwks_uri must be an absolute https URL (http only when `issuer` is itself http). Throws
// Error(usage) saying which rule the document breaks.
std::string oidc_jwks_uri(std::string_view discovery_json, std::string_view issuer);

}  // namespace strata::auth
