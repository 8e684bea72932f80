#include "auth/jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/json_limits.h"
#include "common/libcrypto.h"
#include "common/text.h"

namespace strata::auth {
namespace {

using nlohmann::json;

// Far above any real token (an access token with a hundred groups is 4-6 KiB) and small enough
// that a request header's worth of junk is refused before a byte of it is decoded.
constexpr std::size_t k_max_token_bytes = std::size_t{16} << 10;
// Claims nest a few levels at most (Keycloak's resource_access.CLIENT.roles is three).
constexpr std::size_t k_max_json_depth = 16;
constexpr JsonLimits k_token_part_limits{.max_depth = k_max_json_depth, .max_bytes = k_max_token_bytes};
// An issuer's JWKS holds a handful of keys (a few KiB); its discovery document tens of fields.
constexpr JsonLimits k_document_limits{.max_depth = k_max_json_depth, .max_bytes = std::size_t{1} << 20};
constexpr int k_min_rsa_bits = 2048;
constexpr std::size_t k_p256_coordinate_bytes = 32;
constexpr std::size_t k_ed25519_key_bytes = 32;

// ---------------------------------------------------------------------------------------------
// libcrypto, resolved by name (common/libcrypto.h): the binary does not link it. The types come
// from OpenSSL's headers, so a prototype that changed would not compile.
struct Crypto {
  decltype(&BN_bin2bn) bn_bin2bn;
  decltype(&BN_free) bn_free;
  decltype(&OSSL_PARAM_BLD_new) bld_new;
  decltype(&OSSL_PARAM_BLD_push_BN) bld_push_bn;
  decltype(&OSSL_PARAM_BLD_push_utf8_string) bld_push_utf8;
  decltype(&OSSL_PARAM_BLD_push_octet_string) bld_push_octets;
  decltype(&OSSL_PARAM_BLD_to_param) bld_to_param;
  decltype(&OSSL_PARAM_BLD_free) bld_free;
  decltype(&OSSL_PARAM_free) param_free;
  decltype(&EVP_PKEY_CTX_new_from_name) ctx_new_from_name;
  decltype(&EVP_PKEY_CTX_free) ctx_free;
  decltype(&EVP_PKEY_fromdata_init) fromdata_init;
  decltype(&EVP_PKEY_fromdata) fromdata;
  decltype(&EVP_PKEY_new_raw_public_key) new_raw_public_key;
  decltype(&EVP_PKEY_get_bits) pkey_bits;
  decltype(&EVP_PKEY_free) pkey_free;
  decltype(&EVP_MD_CTX_new) md_ctx_new;
  decltype(&EVP_MD_CTX_free) md_ctx_free;
  decltype(&EVP_sha256) sha256;
  decltype(&EVP_DigestVerifyInit) verify_init;
  decltype(&EVP_DigestVerify) verify;
  decltype(&ECDSA_SIG_new) sig_new;
  decltype(&ECDSA_SIG_free) sig_free;
  decltype(&ECDSA_SIG_set0) sig_set0;
  decltype(&i2d_ECDSA_SIG) i2d_sig;
  decltype(&ERR_clear_error) clear_errors;
};

Crypto load_crypto() {
  const SharedLibrary& lib = libcrypto();
  Crypto c{};
  lib.resolve("BN_bin2bn", c.bn_bin2bn);
  lib.resolve("BN_free", c.bn_free);
  lib.resolve("OSSL_PARAM_BLD_new", c.bld_new);
  lib.resolve("OSSL_PARAM_BLD_push_BN", c.bld_push_bn);
  lib.resolve("OSSL_PARAM_BLD_push_utf8_string", c.bld_push_utf8);
  lib.resolve("OSSL_PARAM_BLD_push_octet_string", c.bld_push_octets);
  lib.resolve("OSSL_PARAM_BLD_to_param", c.bld_to_param);
  lib.resolve("OSSL_PARAM_BLD_free", c.bld_free);
  lib.resolve("OSSL_PARAM_free", c.param_free);
  lib.resolve("EVP_PKEY_CTX_new_from_name", c.ctx_new_from_name);
  lib.resolve("EVP_PKEY_CTX_free", c.ctx_free);
  lib.resolve("EVP_PKEY_fromdata_init", c.fromdata_init);
  lib.resolve("EVP_PKEY_fromdata", c.fromdata);
  lib.resolve("EVP_PKEY_new_raw_public_key", c.new_raw_public_key);
  lib.resolve("EVP_PKEY_get_bits", c.pkey_bits);
  lib.resolve("EVP_PKEY_free", c.pkey_free);
  lib.resolve("EVP_MD_CTX_new", c.md_ctx_new);
  lib.resolve("EVP_MD_CTX_free", c.md_ctx_free);
  lib.resolve("EVP_sha256", c.sha256);
  lib.resolve("EVP_DigestVerifyInit", c.verify_init);
  lib.resolve("EVP_DigestVerify", c.verify);
  lib.resolve("ECDSA_SIG_new", c.sig_new);
  lib.resolve("ECDSA_SIG_free", c.sig_free);
  lib.resolve("ECDSA_SIG_set0", c.sig_set0);
  lib.resolve("i2d_ECDSA_SIG", c.i2d_sig);
  lib.resolve("ERR_clear_error", c.clear_errors);
  return c;
}

const Crypto& crypto() {
  static const Crypto c = load_crypto();
  return c;
}

template <typename T>
using Owned = std::unique_ptr<T, void (*)(T*)>;

// OpenSSL leaves why an operation failed (a signature that does not verify, a point off the
// curve) on the thread's error queue. libssl reads that queue to classify its own failures
// (SSL_get_error), so a refusal left there could later be taken for a TLS error of the server's
// HTTP client on the same thread.
class ErrorQueueCleared {
 public:
  explicit ErrorQueueCleared(const Crypto& c) : c_(c) {}
  ~ErrorQueueCleared() { c_.clear_errors(); }
  ErrorQueueCleared(const ErrorQueueCleared&) = delete;
  ErrorQueueCleared& operator=(const ErrorQueueCleared&) = delete;

 private:
  const Crypto& c_;
};

const unsigned char* ubytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

std::shared_ptr<evp_pkey_st> shared_key(const Crypto& c, EVP_PKEY* raw) {
  if (raw == nullptr) return nullptr;
  return {raw, c.pkey_free};
}

// A public key of OpenSSL's `type` ("RSA", "EC") from the parameters in `bld`.
std::shared_ptr<evp_pkey_st> key_from_params(const Crypto& c, const char* type, OSSL_PARAM_BLD* bld) {
  const Owned<OSSL_PARAM> params(c.bld_to_param(bld), c.param_free);
  const Owned<EVP_PKEY_CTX> ctx(c.ctx_new_from_name(nullptr, type, nullptr), c.ctx_free);
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || c.fromdata_init(ctx.get()) != 1 ||
      c.fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return shared_key(c, raw);
}

Owned<BIGNUM> bignum(const Crypto& c, std::string_view big_endian) {
  return {c.bn_bin2bn(ubytes(big_endian), static_cast<int>(big_endian.size()), nullptr), c.bn_free};
}

std::shared_ptr<evp_pkey_st> rsa_key(const Crypto& c, std::string_view n, std::string_view e) {
  const Owned<BIGNUM> bn_n = bignum(c, n);
  const Owned<BIGNUM> bn_e = bignum(c, e);
  const Owned<OSSL_PARAM_BLD> bld(c.bld_new(), c.bld_free);
  // The builder keeps pointers to the numbers until to_param: they outlive it here.
  if (!bn_n || !bn_e || !bld || c.bld_push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      c.bld_push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return nullptr;
  }
  return key_from_params(c, "RSA", bld.get());
}

// OpenSSL checks that the point is on the curve when it makes the key.
std::shared_ptr<evp_pkey_st> p256_key(const Crypto& c, std::string_view x, std::string_view y) {
  const std::string point = '\x04' + std::string(x) + std::string(y);  // SEC 1 uncompressed form
  const Owned<OSSL_PARAM_BLD> bld(c.bld_new(), c.bld_free);
  if (!bld || c.bld_push_utf8(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) != 1 ||
      c.bld_push_octets(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    return nullptr;
  }
  return key_from_params(c, "EC", bld.get());
}

std::shared_ptr<evp_pkey_st> ed25519_key(const Crypto& c, std::string_view x) {
  return shared_key(c, c.new_raw_public_key(EVP_PKEY_ED25519, nullptr, ubytes(x), x.size()));
}

// JWS carries an ECDSA signature as r||s, 32 bytes each for P-256 (RFC 7518 3.4); OpenSSL
// verifies the DER form.
std::optional<std::string> der_of_ecdsa(const Crypto& c, std::string_view raw) {
  if (raw.size() != 2 * k_p256_coordinate_bytes) return std::nullopt;
  Owned<BIGNUM> r = bignum(c, raw.substr(0, k_p256_coordinate_bytes));
  Owned<BIGNUM> s = bignum(c, raw.substr(k_p256_coordinate_bytes));
  const Owned<ECDSA_SIG> sig(c.sig_new(), c.sig_free);
  if (!r || !s || !sig || c.sig_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
  static_cast<void>(r.release());  // the signature owns them now
  static_cast<void>(s.release());
  const int size = c.i2d_sig(sig.get(), nullptr);
  if (size <= 0) return std::nullopt;
  std::string der(static_cast<std::size_t>(size), '\0');
  unsigned char* out = reinterpret_cast<unsigned char*>(der.data());
  if (c.i2d_sig(sig.get(), &out) != size) return std::nullopt;
  return der;
}

bool signature_verifies(const Crypto& c, const Jwk& key, std::string_view signing_input, std::string_view signature) {
  std::string der;
  if (key.type == JwkType::ec_p256) {
    std::optional<std::string> converted = der_of_ecdsa(c, signature);
    if (!converted) return false;
    der = std::move(*converted);
    signature = der;
  }
  const Owned<EVP_MD_CTX> ctx(c.md_ctx_new(), c.md_ctx_free);
  // Ed25519 hashes inside the algorithm and takes no digest; RSA's padding is PKCS#1 v1.5, the default.
  const EVP_MD* md = key.type == JwkType::ed25519 ? nullptr : c.sha256();
  return ctx && c.verify_init(ctx.get(), nullptr, md, nullptr, key.key.get()) == 1 &&
         c.verify(ctx.get(), ubytes(signature), signature.size(), ubytes(signing_input), signing_input.size()) == 1;
}

// ---------------------------------------------------------------------------------------------
// Text.

int base64url_value(char ch) {
  if (ch >= 'A' && ch <= 'Z') return ch - 'A';
  if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
  if (ch >= '0' && ch <= '9') return ch - '0' + 52;
  if (ch == '-') return 62;
  if (ch == '_') return 63;
  return -1;
}

// Unpadded base64url (RFC 7515 2), canonical only: the unused low bits of the last character
// must be zero, so that one signature has one spelling and a token cannot be altered in its
// text without changing what it says.
std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char ch : text) {
    const int v = base64url_value(ch);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xffu));
    }
  }
  if ((acc & ((1u << bits) - 1u)) != 0) return std::nullopt;
  return out;
}

bool is_base64url(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char ch) { return base64url_value(ch) >= 0; });
}

// A value from a document strata did not write, fit for a one-line message.
std::string shown(std::string_view text) {
  constexpr std::size_t k_max_shown = 120;
  const std::string_view cut = utf8_prefix(text, k_max_shown);
  return "'" + escape_control_characters(cut) + (cut.size() < text.size() ? "…'" : "'");
}

// A JSON value from a document strata did not write: a string as shown() does, anything else as JSON.
std::string shown_value(const json& value) {
  return value.is_string() ? shown(value.get_ref<const std::string&>()) : shown(value.dump());
}

// The base64url part `part` as a JSON object; nullopt for anything else.
std::optional<json> json_object_of(std::string_view part) {
  const std::optional<std::string> text = base64url_decode(part);
  if (!text) return std::nullopt;
  ParsedJson parsed = parse_json_within(*text, k_token_part_limits);
  if (!parsed.ok() || !parsed.value.is_object()) return std::nullopt;
  return std::move(parsed.value);
}

const json* member(const json& object, const char* name) {
  const auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

// Words of a space-separated claim (RFC 6749 3.3's scope form), or the strings of an array.
// nullopt for any other JSON type, or an array holding anything but strings.
std::optional<std::vector<std::string>> words_of(const json& claim) {
  std::vector<std::string> words;
  if (claim.is_string()) {
    for (std::string& w : split(claim.get_ref<const std::string&>(), ' ')) {
      if (!w.empty()) words.push_back(std::move(w));
    }
    return words;
  }
  if (!claim.is_array()) return std::nullopt;
  for (const json& item : claim) {
    if (!item.is_string()) return std::nullopt;
    if (!item.get_ref<const std::string&>().empty()) words.push_back(item.get<std::string>());
  }
  return words;
}

// ---------------------------------------------------------------------------------------------
// JWK.

std::optional<JwkType> type_of_alg(std::string_view alg) {
  if (alg == "RS256") return JwkType::rsa;
  if (alg == "ES256") return JwkType::ec_p256;
  if (alg == "EdDSA") return JwkType::ed25519;
  return std::nullopt;
}

std::optional<std::string> string_member(const json& object, const char* name) {
  const json* m = member(object, name);
  if (m == nullptr || !m->is_string()) return std::nullopt;
  return m->get<std::string>();
}

// The base64url member `name` decoded; nullopt when missing, not a string or not base64url.
std::optional<std::string> bytes_member(const json& object, const char* name) {
  const std::optional<std::string> text = string_member(object, name);
  return text ? base64url_decode(*text) : std::nullopt;
}

// What kind of key a JWK is, from kty and crv; nullopt (and `why`) for one strata does not verify with.
std::optional<JwkType> jwk_type(const json& entry, std::string& why) {
  const std::string kty = string_member(entry, "kty").value_or("");
  const std::string crv = string_member(entry, "crv").value_or("");
  if (kty == "RSA") return JwkType::rsa;
  if (kty == "EC" && crv == "P-256") return JwkType::ec_p256;
  if (kty == "OKP" && crv == "Ed25519") return JwkType::ed25519;
  why = "kty " + shown(kty) + (crv.empty() ? "" : " crv " + shown(crv)) + " is not RSA, EC P-256 or OKP Ed25519";
  return std::nullopt;
}

// Whether the key's own limits (use, key_ops, alg) allow verifying `type`'s signatures.
bool jwk_allows_signatures(const json& entry, JwkType type, std::string& why) {
  if (const json* use = member(entry, "use"); use != nullptr && (!use->is_string() || *use != "sig")) {
    why = "use is " + shown_value(*use) + ", not 'sig'";
    return false;
  }
  if (const json* ops = member(entry, "key_ops"); ops != nullptr) {
    if (!ops->is_array() || std::find(ops->begin(), ops->end(), json("verify")) == ops->end()) {
      why = "key_ops does not include 'verify'";
      return false;
    }
  }
  if (const json* alg = member(entry, "alg"); alg != nullptr && (!alg->is_string() || *alg != jwk_algorithm(type))) {
    why = "alg is " + shown_value(*alg) + ", not '" + jwk_algorithm(type) + "'";
    return false;
  }
  return true;
}

std::shared_ptr<evp_pkey_st> jwk_public_key(const Crypto& c, const json& entry, JwkType type, std::string& why) {
  const ErrorQueueCleared cleared(c);
  std::shared_ptr<evp_pkey_st> key;
  switch (type) {
    case JwkType::rsa: {
      const std::optional<std::string> n = bytes_member(entry, "n"), e = bytes_member(entry, "e");
      if (!n || !e || n->empty() || e->empty()) {
        why = "n or e is missing or not base64url";
        return nullptr;
      }
      key = rsa_key(c, *n, *e);
      if (key && c.pkey_bits(key.get()) < k_min_rsa_bits) {
        why = "an RSA key of " + std::to_string(c.pkey_bits(key.get())) + " bits (fewer than " +
              std::to_string(k_min_rsa_bits) + ")";
        return nullptr;
      }
      break;
    }
    case JwkType::ec_p256: {
      const std::optional<std::string> x = bytes_member(entry, "x"), y = bytes_member(entry, "y");
      if (!x || !y || x->size() != k_p256_coordinate_bytes || y->size() != k_p256_coordinate_bytes) {
        why = "x or y is missing, not base64url or not 32 bytes";
        return nullptr;
      }
      key = p256_key(c, *x, *y);
      break;
    }
    case JwkType::ed25519: {
      const std::optional<std::string> x = bytes_member(entry, "x");
      if (!x || x->size() != k_ed25519_key_bytes) {
        why = "x is missing, not base64url or not 32 bytes";
        return nullptr;
      }
      key = ed25519_key(c, *x);
      break;
    }
  }
  if (!key) why = "OpenSSL does not take it as a public key";
  return key;
}

// The key `entry` describes; nullopt (and `why`) for one that is skipped.
std::optional<Jwk> jwk_of(const Crypto& c, const json& entry, std::string& why) {
  Jwk jwk;
  if (const json* kid = member(entry, "kid"); kid != nullptr) {
    if (!kid->is_string()) {
      why = "kid is not a string";
      return std::nullopt;
    }
    jwk.kid = kid->get<std::string>();
  }
  const std::optional<JwkType> type = jwk_type(entry, why);
  if (!type || !jwk_allows_signatures(entry, *type, why)) return std::nullopt;
  jwk.type = *type;
  jwk.key = jwk_public_key(c, entry, *type, why);
  if (!jwk.key) return std::nullopt;
  return jwk;
}

// ---------------------------------------------------------------------------------------------
// JWS.

struct CompactParts {
  std::string_view header, payload, signature;
  std::string_view signing_input;  // header.payload, what the signature covers
};

std::optional<CompactParts> compact_parts(std::string_view token) {
  if (token.empty() || token.size() > k_max_token_bytes) return std::nullopt;
  const std::size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) return std::nullopt;
  CompactParts p;
  p.header = token.substr(0, first);
  p.payload = token.substr(first + 1, second - first - 1);
  p.signature = token.substr(second + 1);
  p.signing_input = token.substr(0, second);
  if (p.header.empty() || p.payload.empty()) return std::nullopt;
  return p;
}

// "JWT" (RFC 7519 5.1) or "at+jwt" (RFC 9068 2.1), in any case, "application/" or not.
bool typ_accepted(std::string_view typ) {
  std::string t = to_lower(typ);
  constexpr std::string_view k_media = "application/";
  if (t.rfind(k_media, 0) == 0) t.erase(0, k_media.size());
  return t == "jwt" || t == "at+jwt";
}

struct Header {
  std::string alg;
  std::string kid;  // "" when none
};

JwtRefusal read_header(const json& h, Header& out) {
  const json* alg = member(h, "alg");
  const json* kid = member(h, "kid");
  const json* typ = member(h, "typ");
  // crit names extensions the verifier must understand (RFC 7515 4.1.11); strata understands none.
  if (alg == nullptr || !alg->is_string() || member(h, "crit") != nullptr) return JwtRefusal::malformed;
  if (kid != nullptr && !kid->is_string()) return JwtRefusal::malformed;
  if (typ != nullptr && (!typ->is_string() || !typ_accepted(typ->get<std::string>()))) return JwtRefusal::malformed;
  out.alg = alg->get<std::string>();
  if (kid != nullptr) out.kid = kid->get<std::string>();
  return JwtRefusal::none;
}

// The keys that may have signed a token of `type` naming `kid`; `refusal` says why there are none.
std::vector<const Jwk*> candidate_keys(const JwkSet& keys, JwkType type, const std::string& kid, JwtRefusal& refusal) {
  if (kid.empty()) {
    std::vector<const Jwk*> all = keys.of_type(type);
    if (all.empty()) refusal = JwtRefusal::unknown_key;
    return all;
  }
  std::vector<const Jwk*> named;
  bool known = false;
  for (const Jwk& k : keys.keys()) {
    if (k.kid != kid) continue;
    known = true;
    if (k.type == type) named.push_back(&k);
  }
  if (named.empty()) refusal = known ? JwtRefusal::algorithm : JwtRefusal::unknown_key;
  return named;
}

// ---------------------------------------------------------------------------------------------
// Claims. A claim of the wrong type throws BadClaim, which verify_jwt answers as malformed.

struct BadClaim {};

// A NumericDate (RFC 7519 2): seconds since the epoch, fractions allowed; nullopt when absent.
std::optional<double> numeric_date(const json& claims, const char* name) {
  const json* m = member(claims, name);
  if (m == nullptr) return std::nullopt;
  if (!m->is_number()) throw BadClaim{};
  const double v = m->get<double>();
  if (!std::isfinite(v)) throw BadClaim{};
  return v;
}

// `seconds` since the epoch as a TimePoint, within what one holds (its nanoseconds end in 2262).
TimePoint time_point_of(double seconds) {
  constexpr double k_limit =
      static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(TimePoint::duration::max()).count() - 1);
  const double s = std::floor(std::clamp(seconds, -k_limit, k_limit));
  return TimePoint(std::chrono::seconds(static_cast<std::int64_t>(s)));
}

JwtRefusal check_times(const json& claims, std::chrono::seconds leeway, TimePoint now, JwtClaims& out) {
  const std::optional<double> exp = numeric_date(claims, "exp");
  const std::optional<double> nbf = numeric_date(claims, "nbf");
  const std::optional<double> iat = numeric_date(claims, "iat");
  if (!exp) throw BadClaim{};
  const double now_s = std::chrono::duration<double>(now.time_since_epoch()).count();
  const auto slack = static_cast<double>(leeway.count());
  out.expires = time_point_of(*exp);
  if (now_s >= *exp + slack) return JwtRefusal::expired;
  if ((nbf && *nbf > now_s + slack) || (iat && *iat > now_s + slack)) return JwtRefusal::not_yet_valid;
  return JwtRefusal::none;
}

bool audience_holds(const json* aud, const std::string& audience) {
  if (aud == nullptr || audience.empty()) return false;
  if (aud->is_string()) return *aud == audience;
  return aud->is_array() && std::find(aud->begin(), aud->end(), json(audience)) != aud->end();
}

// The highest of read < write < admin that the words name.
std::optional<store::KeyScope> highest_scope(const std::vector<std::string>& words) {
  std::optional<store::KeyScope> best;
  for (const std::string& w : words) {
    std::optional<store::KeyScope> s;
    if (w == "read") s = store::KeyScope::read;
    if (w == "write") s = store::KeyScope::write;
    if (w == "admin") s = store::KeyScope::admin;
    if (s && (!best || static_cast<int>(*s) > static_cast<int>(*best))) best = s;
  }
  return best;
}

// The collections claim names what the token is limited to. Present but naming none, it is
// refused rather than read as "all": an issuer that sends [] means none, and all would be the
// opposite.
std::vector<std::string> collections_of(const json* claim) {
  if (claim == nullptr) return {};
  std::optional<std::vector<std::string>> names = words_of(*claim);
  if (!names || names->empty()) throw BadClaim{};
  std::vector<std::string> unique;
  for (std::string& n : *names) {
    if (std::find(unique.begin(), unique.end(), n) == unique.end()) unique.push_back(std::move(n));
  }
  return unique;
}

JwtRefusal read_claims(const json& claims, const JwtPolicy& policy, TimePoint now, JwtClaims& out) {
  try {
    if (const JwtRefusal r = check_times(claims, policy.leeway, now, out); r != JwtRefusal::none) return r;
    const json* iss = member(claims, "iss");
    if (policy.issuer.empty() || iss == nullptr || *iss != policy.issuer) return JwtRefusal::issuer;
    if (!audience_holds(member(claims, "aud"), policy.audience)) return JwtRefusal::audience;
    const json* sub = member(claims, "sub");
    if (sub == nullptr || !sub->is_string() || sub->get_ref<const std::string&>().empty()) return JwtRefusal::subject;
    if (const json* scope = member(claims, policy.scope_claim.c_str()); scope != nullptr) {
      const std::optional<std::vector<std::string>> words = words_of(*scope);
      if (!words) throw BadClaim{};
      out.scope = highest_scope(*words);
    }
    out.collections = collections_of(member(claims, policy.collections_claim.c_str()));
    out.subject = sub->get<std::string>();
    out.issuer = policy.issuer;
  } catch (const BadClaim&) {
    return JwtRefusal::malformed;
  }
  return JwtRefusal::none;
}

// ---------------------------------------------------------------------------------------------
// OpenID discovery.

bool starts_with_lower(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && to_lower(text.substr(0, prefix.size())) == prefix;
}

// An absolute URL of `scheme` ("https://") with a host, and nothing a request line or a header
// could be split at.
bool absolute_url(std::string_view url, std::string_view scheme) {
  if (!starts_with_lower(url, scheme)) return false;
  const std::string_view rest = url.substr(scheme.size());
  const std::size_t host_end = rest.find_first_of("/?#");
  if (rest.empty() || host_end == 0) return false;
  const auto breaks_a_line = [](char ch) { return ch == ' ' || ch == '\x7f' || (ch >= 0 && ch < ' '); };
  return std::none_of(url.begin(), url.end(), breaks_a_line);
}

}  // namespace

const char* jwk_algorithm(JwkType type) {
  switch (type) {
    case JwkType::rsa: return "RS256";
    case JwkType::ec_p256: return "ES256";
    case JwkType::ed25519: return "EdDSA";
  }
  return "RS256";
}

JwkSet JwkSet::parse(std::string_view document, std::string_view where) {
  const std::string of = "the JWK Set from " + std::string(where);
  const ParsedJson parsed = parse_json_within(document, k_document_limits);
  if (!parsed.ok()) usage(of + ": " + parsed.message);
  const json* keys = parsed.value.is_object() ? member(parsed.value, "keys") : nullptr;
  if (keys == nullptr || !keys->is_array()) {
    usage(of + " has no \"keys\" array",
          "a JWKS document is {\"keys\": [...]} (RFC 7517); is this the issuer's jwks_uri?");
  }
  const Crypto& c = crypto();
  JwkSet set;
  std::size_t index = 0;
  for (const json& entry : *keys) {
    std::string why = "not a JSON object";
    std::optional<Jwk> jwk = entry.is_object() ? jwk_of(c, entry, why) : std::nullopt;
    if (jwk) {
      set.keys_.push_back(std::move(*jwk));
    } else {
      const std::optional<std::string> kid = entry.is_object() ? string_member(entry, "kid") : std::nullopt;
      set.skipped_.push_back("key " + (kid ? shown(*kid) : "#" + std::to_string(index + 1)) + ": " + why);
    }
    ++index;
  }
  return set;
}

const Jwk* JwkSet::find(std::string_view kid) const {
  const auto it = std::find_if(keys_.begin(), keys_.end(), [&](const Jwk& k) { return k.kid == kid; });
  return it == keys_.end() ? nullptr : &*it;
}

std::vector<const Jwk*> JwkSet::of_type(JwkType type) const {
  std::vector<const Jwk*> out;
  for (const Jwk& k : keys_) {
    if (k.type == type) out.push_back(&k);
  }
  return out;
}

const char* to_string(JwtRefusal refusal) {
  switch (refusal) {
    case JwtRefusal::none: return "none";
    case JwtRefusal::malformed: return "malformed";
    case JwtRefusal::algorithm: return "algorithm";
    case JwtRefusal::unknown_key: return "unknown_key";
    case JwtRefusal::signature: return "signature";
    case JwtRefusal::expired: return "expired";
    case JwtRefusal::not_yet_valid: return "not_yet_valid";
    case JwtRefusal::issuer: return "issuer";
    case JwtRefusal::audience: return "audience";
    case JwtRefusal::subject: return "subject";
  }
  return "malformed";
}

const char* jwt_refusal_message(JwtRefusal refusal) {
  switch (refusal) {
    case JwtRefusal::none: return "the token is valid";
    case JwtRefusal::malformed: return "the token is not a well-formed signed JWT with the claims the server requires";
    case JwtRefusal::algorithm: return "the token's signing algorithm is not one the server accepts for its key";
    case JwtRefusal::unknown_key: return "the token was signed by a key the server does not know";
    case JwtRefusal::signature: return "the token's signature is not valid";
    case JwtRefusal::expired: return "the token has expired";
    case JwtRefusal::not_yet_valid: return "the token is not valid yet";
    case JwtRefusal::issuer: return "the token was issued by an issuer the server does not trust";
    case JwtRefusal::audience: return "the token is not meant for this server (audience)";
    case JwtRefusal::subject: return "the token names no subject";
  }
  return "the token is not valid";
}

JwtVerdict verify_jwt(std::string_view token, const JwkSet& keys, const JwtPolicy& policy, TimePoint now) {
  std::string kid;
  const auto refused = [&kid](JwtRefusal why) { return JwtVerdict{std::nullopt, why, kid}; };
  const std::optional<CompactParts> parts = compact_parts(token);
  const std::optional<json> header_json = parts ? json_object_of(parts->header) : std::nullopt;
  Header header;
  if (!header_json || read_header(*header_json, header) != JwtRefusal::none) return refused(JwtRefusal::malformed);
  kid = header.kid;
  // The algorithm is the key's to decide, not the token's: "none" and HS256 stop here.
  const std::optional<JwkType> type = type_of_alg(header.alg);
  if (!type) return refused(JwtRefusal::algorithm);
  JwtRefusal no_key = JwtRefusal::none;
  const std::vector<const Jwk*> candidates = candidate_keys(keys, *type, header.kid, no_key);
  if (candidates.empty()) return refused(no_key);
  const std::optional<std::string> signature = base64url_decode(parts->signature);
  if (!signature || signature->empty()) return refused(JwtRefusal::malformed);

  const Crypto& c = crypto();
  const ErrorQueueCleared cleared(c);
  const auto signer = std::find_if(candidates.begin(), candidates.end(), [&](const Jwk* k) {
    return signature_verifies(c, *k, parts->signing_input, *signature);
  });
  if (signer == candidates.end()) return refused(JwtRefusal::signature);
  kid = (*signer)->kid;

  // Only now is the payload read: nothing of it is trusted before its signature is.
  const std::optional<json> claims = json_object_of(parts->payload);
  if (!claims) return refused(JwtRefusal::malformed);
  JwtClaims out;
  if (const JwtRefusal r = read_claims(*claims, policy, now, out); r != JwtRefusal::none) return refused(r);
  return JwtVerdict{std::move(out), JwtRefusal::none, std::move(kid)};
}

bool looks_like_jwt(std::string_view token) {
  const std::optional<CompactParts> parts = compact_parts(token);
  // An unsecured JWT ("alg": "none") has an empty signature: it is a JWT all the same, refused
  // as one (its algorithm), not taken for some other kind of credential.
  if (!parts || !is_base64url(parts->payload) || (!parts->signature.empty() && !is_base64url(parts->signature))) {
    return false;
  }
  const std::optional<json> header = json_object_of(parts->header);
  return header && member(*header, "alg") != nullptr;
}

JwksSource::JwksSource(Fetch fetch, std::string where, Clock clock, std::chrono::seconds min_refetch)
    : fetch_(std::move(fetch)), where_(std::move(where)), clock_(std::move(clock)), min_refetch_(min_refetch) {}

void JwksSource::load() {
  {
    const std::lock_guard lock(mutex_);
    last_fetch_ = clock_();
  }
  fetch_now();
}

void JwksSource::fetch_now() {
  try {
    auto fresh = std::make_shared<const JwkSet>(JwkSet::parse(fetch_(), where_));
    const std::lock_guard lock(mutex_);
    set_ = std::move(fresh);
    last_failure_.clear();
  } catch (const std::exception& e) {
    const std::lock_guard lock(mutex_);
    last_failure_ = e.what();
    throw;
  }
}

bool JwksSource::claim_refetch() {
  const std::lock_guard lock(mutex_);
  const std::chrono::steady_clock::time_point now = clock_();
  if (last_fetch_ && now - *last_fetch_ < min_refetch_) return false;
  last_fetch_ = now;
  return true;
}

JwtVerdict JwksSource::verify(std::string_view token, const JwtPolicy& policy, TimePoint now) {
  const auto current = [this] {
    const std::lock_guard lock(mutex_);
    return set_;  // a copy: a re-fetch on another thread may replace set_ while this one verifies
  };
  JwtVerdict verdict = verify_jwt(token, *current(), policy, now);
  if (verdict.refusal != JwtRefusal::unknown_key || !claim_refetch()) return verdict;
  try {
    fetch_now();
  } catch (...) {
    return verdict;  // the issuer may be down for a moment: the keys it had still verify
  }
  return verify_jwt(token, *current(), policy, now);
}

JwkSet JwksSource::keys() const {
  const std::lock_guard lock(mutex_);
  return *set_;
}

std::string JwksSource::last_failure() const {
  const std::lock_guard lock(mutex_);
  return last_failure_;
}

std::string oidc_jwks_uri(std::string_view discovery_json, std::string_view issuer) {
  const std::string of = "the OpenID configuration of " + shown(issuer);
  const ParsedJson parsed = parse_json_within(discovery_json, k_document_limits);
  if (!parsed.ok()) usage(of + ": " + parsed.message);
  if (!parsed.value.is_object()) usage(of + " is not a JSON object");
  const std::optional<std::string> named = string_member(parsed.value, "issuer");
  if (!named) usage(of + " names no issuer");
  if (*named != issuer) {
    usage(of + " names issuer " + shown(*named),
          "the issuer must be exactly the one its provider names (scheme, host, path and any trailing slash)");
  }
  const std::optional<std::string> uri = string_member(parsed.value, "jwks_uri");
  if (!uri) usage(of + " has no jwks_uri");
  const bool plain_http_allowed = starts_with_lower(issuer, "http://");
  if (!absolute_url(*uri, "https://") && !(plain_http_allowed && absolute_url(*uri, "http://"))) {
    usage(of + ": its jwks_uri " + shown(*uri) + " is not an absolute " + (plain_http_allowed ? "http(s)" : "https") +
          " URL");
  }
  return *uri;
}

}  // namespace strata::auth
