// core/auth/jwt: tokens signed by Node's crypto (data/make_jwt_fixtures.mjs remakes the keys,
// JWKS documents and tokens in data/), checked at a clock the test sets: the three algorithms
// with their claims; each refusal (algorithm confusion, a foreign or tampered token, times,
// issuer, audience, form); key rotation through JwksSource with a fetch it counts; the JWKS
// parser's skipped keys; OpenID discovery's jwks_uri.
#include "auth/jwt.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/error.h"
#include "common/libcrypto.h"
#include "test_util.h"

namespace strata::auth {
namespace {

using std::chrono::seconds;

const std::string k_data = std::string(STRATA_SOURCE_DIR) + "/tests/unit/auth/data/";
// Every fixture token is issued at 2026-01-01T00:00:00Z; most expire in 2100.
constexpr std::int64_t k_issued_at = 1767225600;
constexpr std::int64_t k_year_2100 = 4102444800;
const TimePoint k_now = TimePoint(seconds(k_issued_at + 600));

std::string fixture(const std::string& name) {
  const std::string text = testing::read_file(k_data + name);
  if (text.empty()) {
    ADD_FAILURE() << "no fixture " << k_data << name << ": run node " << k_data << "make_jwt_fixtures.mjs";
  }
  return text;
}

std::string token(const std::string& name) {
  static const nlohmann::json tokens = nlohmann::json::parse(fixture("tokens.json"));
  EXPECT_EQ(tokens.at("issued_at"), k_issued_at);
  return tokens.at("tokens").at(name).get<std::string>();
}

JwkSet jwks(const std::string& file = "jwks.json") { return JwkSet::parse(fixture(file), file); }

std::string base64url(std::string_view bytes) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char ch : bytes) {
    acc = (acc << 8) | static_cast<unsigned char>(ch);
    for (bits += 8; bits >= 6; bits -= 6) out += k_alphabet[(acc >> (bits - 6)) & 0x3f];
  }
  if (bits > 0) out += k_alphabet[(acc << (6 - bits)) & 0x3f];
  return out;
}

JwtPolicy policy() {
  JwtPolicy p;
  p.issuer = "https://idp.example.com";
  p.audience = "strata";
  return p;
}

JwtRefusal refusal_of(const std::string& name, TimePoint now = k_now, const JwtPolicy& p = policy()) {
  return verify_jwt(token(name), jwks(), p, now).refusal;
}

TEST(Jwt, AcceptsRs256WithItsClaims) {
  const JwtVerdict v = verify_jwt(token("rs256"), jwks(), policy(), k_now);
  ASSERT_TRUE(v) << to_string(v.refusal);
  EXPECT_EQ(v.refusal, JwtRefusal::none);
  EXPECT_EQ(v.kid, "rsa-1");
  EXPECT_EQ(v.claims->subject, "alice");
  EXPECT_EQ(v.claims->issuer, "https://idp.example.com");
  EXPECT_EQ(v.claims->scope, store::KeyScope::write);  // "openid read write"
  EXPECT_EQ(v.claims->collections, (std::vector<std::string>{"docs", "wiki"}));
  EXPECT_EQ(v.claims->expires, TimePoint(seconds(k_year_2100)));
}

TEST(Jwt, AcceptsEs256WithAnAudienceArrayAndScopeArray) {
  const JwtVerdict v = verify_jwt(token("es256"), jwks(), policy(), k_now);
  ASSERT_TRUE(v) << to_string(v.refusal);
  EXPECT_EQ(v.kid, "ec-1");
  EXPECT_EQ(v.claims->subject, "bob");
  EXPECT_EQ(v.claims->scope, store::KeyScope::read);
  EXPECT_EQ(v.claims->collections, (std::vector<std::string>{"docs", "notes"}));  // "docs  notes"
}

TEST(Jwt, AcceptsEdDsaWithoutScopeOrCollections) {
  const JwtVerdict v = verify_jwt(token("eddsa"), jwks(), policy(), k_now);  // typ application/AT+JWT
  ASSERT_TRUE(v) << to_string(v.refusal);
  EXPECT_EQ(v.kid, "ed-1");
  EXPECT_EQ(v.claims->subject, "carol");
  EXPECT_EQ(v.claims->scope, std::nullopt);
  EXPECT_TRUE(v.claims->collections.empty());
}

TEST(Jwt, TokenWithoutKidIsTriedWithEveryKeyOfItsType) {
  const JwtVerdict v = verify_jwt(token("es256_no_kid"), jwks(), policy(), k_now);
  ASSERT_TRUE(v) << to_string(v.refusal);
  EXPECT_EQ(v.kid, "ec-1");
  EXPECT_EQ(v.claims->subject, "dave");
  EXPECT_EQ(v.claims->scope, store::KeyScope::write);
  // A set without a key of its type does not know the key that signed it.
  const nlohmann::json rsa_key = nlohmann::json::parse(fixture("jwks.json"))["keys"][0];
  ASSERT_EQ(rsa_key["kty"], "RSA");
  const JwkSet rsa_only = JwkSet::parse(nlohmann::json{{"keys", nlohmann::json::array({rsa_key})}}.dump(), "inline");
  EXPECT_EQ(verify_jwt(token("es256_no_kid"), rsa_only, policy(), k_now).refusal, JwtRefusal::unknown_key);
}

TEST(Jwt, ScopeIsTheHighestNamedAndNoneWhenItNamesNone) {
  const JwtVerdict admin = verify_jwt(token("rs256_admin"), jwks(), policy(), k_now);
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin.claims->scope, store::KeyScope::admin);
  const JwtVerdict other = verify_jwt(token("scope_unknown_words"), jwks(), policy(), k_now);  // "openid profile READ"
  ASSERT_TRUE(other);
  EXPECT_EQ(other.claims->scope, std::nullopt);
  // Another claim name: rs256 has no "scp", so it names no scope.
  JwtPolicy scp = policy();
  scp.scope_claim = "scp";
  const JwtVerdict none = verify_jwt(token("rs256"), jwks(), scp, k_now);
  ASSERT_TRUE(none);
  EXPECT_EQ(none.claims->scope, std::nullopt);
}

TEST(Jwt, CollectionsClaimThatNamesNoneOrNotStringsIsMalformed) {
  // [] must not read as "all collections".
  EXPECT_EQ(refusal_of("collections_empty"), JwtRefusal::malformed);
  EXPECT_EQ(refusal_of("collections_not_strings"), JwtRefusal::malformed);
}

TEST(Jwt, ExpiryHonoursTheLeeway) {
  const TimePoint exp = TimePoint(seconds(k_issued_at + 3600));
  EXPECT_EQ(refusal_of("short_lived", exp - seconds(1)), JwtRefusal::none);
  EXPECT_EQ(refusal_of("short_lived", exp + seconds(30)), JwtRefusal::none);  // within 60 s of skew
  EXPECT_EQ(refusal_of("short_lived", exp + seconds(60)), JwtRefusal::expired);
  EXPECT_EQ(refusal_of("short_lived", exp + seconds(61)), JwtRefusal::expired);
  JwtPolicy strict = policy();
  strict.leeway = seconds(0);
  EXPECT_EQ(refusal_of("short_lived", exp, strict), JwtRefusal::expired);
  EXPECT_EQ(std::string(jwt_refusal_message(JwtRefusal::expired)), "the token has expired");
}

TEST(Jwt, NotBeforeOrIssuedInTheFutureIsNotYetValid) {
  const TimePoint nbf = TimePoint(seconds(k_issued_at + 3600));
  EXPECT_EQ(refusal_of("nbf_future", k_now), JwtRefusal::not_yet_valid);
  EXPECT_EQ(refusal_of("nbf_future", nbf - seconds(30)), JwtRefusal::none);
  EXPECT_EQ(refusal_of("nbf_future", nbf - seconds(61)), JwtRefusal::not_yet_valid);
  EXPECT_EQ(refusal_of("iat_future", k_now), JwtRefusal::not_yet_valid);
  EXPECT_EQ(refusal_of("iat_future", nbf), JwtRefusal::none);
}

TEST(Jwt, WrongIssuerOrAudienceIsRefused) {
  EXPECT_EQ(refusal_of("wrong_issuer"), JwtRefusal::issuer);
  EXPECT_EQ(refusal_of("wrong_audience"), JwtRefusal::audience);
  EXPECT_EQ(refusal_of("wrong_audience_array"), JwtRefusal::audience);
  JwtPolicy slash = policy();
  slash.issuer += "/";  // exact match only
  EXPECT_EQ(refusal_of("rs256", k_now, slash), JwtRefusal::issuer);
  JwtPolicy unset = policy();
  unset.issuer.clear();
  EXPECT_EQ(refusal_of("rs256", k_now, unset), JwtRefusal::issuer);
  unset = policy();
  unset.audience.clear();
  EXPECT_EQ(refusal_of("rs256", k_now, unset), JwtRefusal::audience);
}

TEST(Jwt, AlgorithmNoneIsRefused) {
  const JwtVerdict v = verify_jwt(token("alg_none"), jwks(), policy(), k_now);
  EXPECT_FALSE(v);
  EXPECT_EQ(v.refusal, JwtRefusal::algorithm);
}

TEST(Jwt, Hs256KeyedWithTheRsaPublicKeyIsRefused) {
  EXPECT_EQ(refusal_of("hs256_rsa_pem"), JwtRefusal::algorithm);
  EXPECT_EQ(refusal_of("hs256_rsa_n"), JwtRefusal::algorithm);
}

TEST(Jwt, Rs256HeaderNamingAnEcKeyIsRefused) {
  const JwtVerdict v = verify_jwt(token("rs256_on_ec_key"), jwks(), policy(), k_now);
  EXPECT_EQ(v.refusal, JwtRefusal::algorithm);
  EXPECT_EQ(v.kid, "ec-1");
}

TEST(Jwt, TamperedPayloadFailsTheSignature) {
  EXPECT_EQ(refusal_of("tampered"), JwtRefusal::signature);
  // One signature character changed (its top bits, so the spelling stays canonical).
  std::string t = token("rs256");
  t[t.size() - 5] = t[t.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(verify_jwt(t, jwks(), policy(), k_now).refusal, JwtRefusal::signature);
  // ES256's r||s cut to 60 bytes (80 characters, no unused bits).
  const std::string e = token("es256");
  ASSERT_EQ(e.size() - e.rfind('.') - 1, 86u);
  EXPECT_EQ(verify_jwt(e.substr(0, e.size() - 6), jwks(), policy(), k_now).refusal, JwtRefusal::signature);
}

TEST(Jwt, RefusedSignaturesLeaveNoOpenSslErrorBehind) {
  // libssl reads the thread's error queue to classify its own failures: a verification that
  // failed must not leave an entry there for the next TLS call on the thread to trip over.
  using PeekError = unsigned long (*)();
  PeekError peek_error = nullptr;
  libcrypto().resolve("ERR_peek_error", peek_error);
  EXPECT_EQ(refusal_of("tampered"), JwtRefusal::signature);
  EXPECT_EQ(peek_error(), 0ul);
  const JwkSet skipped = jwks("jwks_mixed.json");  // RSA-1024 made, measured and refused
  EXPECT_EQ(peek_error(), 0ul);
}

TEST(Jwt, UnknownKidIsUnknownKey) {
  const JwtVerdict v = verify_jwt(token("unknown_kid"), jwks(), policy(), k_now);
  EXPECT_EQ(v.refusal, JwtRefusal::unknown_key);
  EXPECT_EQ(v.kid, "rsa-stranger");
  EXPECT_EQ(std::string(jwt_refusal_message(v.refusal)), "the token was signed by a key the server does not know");
  EXPECT_EQ(verify_jwt(token("rs256"), JwkSet(), policy(), k_now).refusal, JwtRefusal::unknown_key);
}

TEST(Jwt, MissingOrMistypedClaimsAndHeaders) {
  EXPECT_EQ(refusal_of("no_sub"), JwtRefusal::subject);
  EXPECT_EQ(refusal_of("no_exp"), JwtRefusal::malformed);
  EXPECT_EQ(refusal_of("exp_text"), JwtRefusal::malformed);
  EXPECT_EQ(refusal_of("crit"), JwtRefusal::malformed);
  EXPECT_EQ(refusal_of("typ_jwe"), JwtRefusal::malformed);
}

TEST(Jwt, MalformedTokens) {
  const std::string t = token("rs256");
  const std::size_t dot1 = t.find('.'), dot2 = t.rfind('.');
  const auto malformed = [](const std::string& s) { return verify_jwt(s, jwks(), policy(), k_now).refusal; };
  EXPECT_EQ(malformed(""), JwtRefusal::malformed);
  EXPECT_EQ(malformed(t.substr(0, dot2)), JwtRefusal::malformed);         // two parts
  EXPECT_EQ(malformed(t + ".e30"), JwtRefusal::malformed);                // four
  EXPECT_EQ(malformed(t.substr(dot1)), JwtRefusal::malformed);            // no header
  EXPECT_EQ(malformed(t + "="), JwtRefusal::malformed);                   // padding
  EXPECT_EQ(malformed("*" + t.substr(1)), JwtRefusal::malformed);         // not base64url
  EXPECT_EQ(malformed(t.substr(0, dot2 + 1)), JwtRefusal::malformed);     // no signature
  EXPECT_EQ(malformed("bm90IGpzb24" + t.substr(dot1)), JwtRefusal::malformed);  // header "not json"
  EXPECT_EQ(malformed("W10" + t.substr(dot1)), JwtRefusal::malformed);    // header [] (not an object)
  // Another spelling of the same header bytes (non-zero unused bits): not the text that was signed.
  std::string loose = t.substr(0, dot1);
  ASSERT_NE(loose.size() % 4, 0u) << "the fixture's header needs unused bits for this case";
  loose.back() = static_cast<char>(loose.back() + 1);
  EXPECT_EQ(malformed(loose + t.substr(dot1)), JwtRefusal::malformed);
  // Over 16 KiB, whatever it holds.
  const std::string huge = t.substr(0, dot1 + 1) + std::string(17000, 'A') + t.substr(dot2);
  EXPECT_EQ(malformed(huge), JwtRefusal::malformed);
  // A header nested deeper than any real one is refused before it is parsed.
  const std::string deep = R"({"alg":"RS256","x":)" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_EQ(malformed(base64url(deep) + t.substr(dot1)), JwtRefusal::malformed);
  EXPECT_EQ(malformed(base64url(R"({"alg":"RS256","kid":"rsa-1"})") + t.substr(dot1)), JwtRefusal::signature);
}

TEST(Jwt, LooksLikeJwtTellsATokenFromAnApiKey) {
  EXPECT_TRUE(looks_like_jwt(token("rs256")));
  EXPECT_TRUE(looks_like_jwt(token("es256")));
  EXPECT_TRUE(looks_like_jwt(token("hs256_rsa_pem")));  // a JWT, although not one strata accepts
  EXPECT_FALSE(looks_like_jwt("sk-strata-" + std::string(43, 'A')));
  EXPECT_FALSE(looks_like_jwt(""));
  EXPECT_FALSE(looks_like_jwt("a.b.c"));
  EXPECT_FALSE(looks_like_jwt("e30.e30.e30"));  // {} has no alg
  EXPECT_TRUE(looks_like_jwt(token("alg_none")));  // an unsecured JWT: refused as a JWT (its algorithm)
  const std::string t = token("rs256");
  EXPECT_FALSE(looks_like_jwt(t.substr(0, t.rfind('.'))));
}

TEST(Jwt, RefusalMessagesAreShortAndDistinct) {
  std::set<std::string> seen;
  for (int r = 0; r <= static_cast<int>(JwtRefusal::subject); ++r) {
    const std::string m = jwt_refusal_message(static_cast<JwtRefusal>(r));
    EXPECT_FALSE(m.empty());
    EXPECT_LT(m.size(), 120u) << m;
    EXPECT_TRUE(seen.insert(m).second) << m;
  }
}

TEST(Jwt, JwkSetSkipsKeysItCannotVerifyWith) {
  const JwkSet set = jwks("jwks_mixed.json");
  ASSERT_EQ(set.keys().size(), 1u);
  EXPECT_EQ(set.keys()[0].kid, "rsa-1");
  EXPECT_NE(set.find("rsa-1"), nullptr);
  EXPECT_EQ(set.find("hmac"), nullptr);
  EXPECT_EQ(set.of_type(JwkType::ec_p256).size(), 0u);
  ASSERT_EQ(set.skipped().size(), 7u);
  const auto noted = [&](const std::string& kid, const std::string& why) {
    for (const std::string& s : set.skipped()) {
      if (s.find("'" + kid + "'") != std::string::npos && s.find(why) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(noted("hmac", "kty 'oct'"));
  EXPECT_TRUE(noted("rsa-enc", "use"));
  EXPECT_TRUE(noted("rsa-512", "alg"));
  EXPECT_TRUE(noted("rsa-ops", "key_ops"));
  EXPECT_TRUE(noted("rsa-1024", "1024 bits"));
  EXPECT_TRUE(noted("ec-384", "P-384"));
  EXPECT_TRUE(noted("ed-448", "Ed448"));
  // The one key left verifies.
  EXPECT_EQ(verify_jwt(token("rs256"), set, policy(), k_now).refusal, JwtRefusal::none);
  // A point off the curve and a wrong-sized coordinate are skipped too.
  const JwkSet bad = JwkSet::parse(
      R"({"keys":[{"kty":"EC","crv":"P-256","kid":"off",)"
      R"("x":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","y":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},)"
      R"({"kty":"OKP","crv":"Ed25519","kid":"short","x":"AAAA"},"not an object",{"kty":"RSA","kid":"nothing"}]})",
      "inline");
  EXPECT_TRUE(bad.empty());
  EXPECT_EQ(bad.skipped().size(), 4u);
}

TEST(Jwt, JwkSetRefusesADocumentThatIsNotAJwks) {
  const Error not_json = testing::error_of([] { JwkSet::parse("<html>login</html>", "https://idp.example.com/jwks"); });
  EXPECT_EQ(not_json.code(), ExitCode::usage);
  EXPECT_NE(std::string(not_json.what()).find("https://idp.example.com/jwks"), std::string::npos) << not_json.what();
  EXPECT_NE(std::string(not_json.what()).find("not valid JSON"), std::string::npos) << not_json.what();
  for (const char* doc : {"[]", "{}", R"({"keys":{}})", R"({"keys":"x"})"}) {
    const Error e = testing::error_of([&] { JwkSet::parse(doc, "/etc/strata/jwks.json"); });
    EXPECT_EQ(e.code(), ExitCode::usage) << doc;
    EXPECT_NE(std::string(e.what()).find("/etc/strata/jwks.json"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(JwkSet::parse(R"({"keys":[]})", "empty").empty());
}

TEST(Jwt, JwkSetCopiesShareTheirKeys) {
  JwkSet copy;
  {
    const JwkSet original = jwks();
    copy = original;
  }
  EXPECT_EQ(verify_jwt(token("eddsa"), copy, policy(), k_now).refusal, JwtRefusal::none);
}

// A JWKS source whose fetch the test counts and whose clock it moves.
struct CountedSource {
  std::vector<std::string> documents;  // served in turn; the last repeats
  int fetches = 0;
  bool fail = false;
  std::chrono::steady_clock::time_point now{};
  JwksSource source{[this] {
                      ++fetches;
                      if (fail) throw Error(ExitCode::unavailable, "the issuer is down");
                      const auto turn = static_cast<std::size_t>(fetches - 1);
                      return documents[std::min(turn, documents.size() - 1)];
                    },
                    "https://idp.example.com/jwks", [this] { return now; }};
};

TEST(Jwt, JwksSourceRefetchesOnAnUnknownKidAtMostOnceAMinute) {
  CountedSource s;
  s.documents = {fixture("jwks.json"), fixture("jwks_rotated.json")};
  s.source.load();
  EXPECT_EQ(s.fetches, 1);
  EXPECT_EQ(s.source.verify(token("rs256"), policy(), k_now).refusal, JwtRefusal::none);
  // Within a minute of the load, the rotated key is not fetched for.
  s.now += seconds(10);
  EXPECT_EQ(s.source.verify(token("rotated"), policy(), k_now).refusal, JwtRefusal::unknown_key);
  EXPECT_EQ(s.fetches, 1);
  // After it, one re-fetch finds it.
  s.now += seconds(50);
  const JwtVerdict rotated = s.source.verify(token("rotated"), policy(), k_now);
  ASSERT_TRUE(rotated) << to_string(rotated.refusal);
  EXPECT_EQ(rotated.claims->subject, "erin");
  EXPECT_EQ(rotated.kid, "rsa-2");
  EXPECT_EQ(s.fetches, 2);
  // rsa-1 left the set; a made-up kid (again and again) fetches no more than once a minute.
  EXPECT_EQ(s.source.verify(token("rs256"), policy(), k_now).refusal, JwtRefusal::unknown_key);
  for (int i = 0; i < 5; ++i) {
    s.now += seconds(5);
    EXPECT_EQ(s.source.verify(token("unknown_kid"), policy(), k_now).refusal, JwtRefusal::unknown_key);
  }
  EXPECT_EQ(s.fetches, 2);
  s.now += seconds(60);
  EXPECT_EQ(s.source.verify(token("unknown_kid"), policy(), k_now).refusal, JwtRefusal::unknown_key);
  EXPECT_EQ(s.fetches, 3);
  // Tokens of known keys and other refusals fetch nothing.
  s.now += seconds(600);
  EXPECT_EQ(s.source.verify(token("es256"), policy(), k_now).refusal, JwtRefusal::none);
  EXPECT_EQ(s.source.verify(token("tampered"), policy(), k_now).refusal, JwtRefusal::unknown_key);  // rsa-1 is gone
  EXPECT_EQ(s.fetches, 4);
  EXPECT_EQ(s.source.verify(token("alg_none"), policy(), k_now).refusal, JwtRefusal::algorithm);
  EXPECT_EQ(s.source.verify(token("wrong_audience"), policy(), k_now).refusal, JwtRefusal::unknown_key);
  EXPECT_EQ(s.fetches, 4);
}

TEST(Jwt, JwksSourceKeepsItsKeysWhenAFetchFails) {
  CountedSource s;
  s.documents = {fixture("jwks.json"), "<html>maintenance</html>"};
  s.source.load();
  // A re-fetch that throws and one that returns a bad document: the old set stays.
  s.fail = true;
  s.now += seconds(61);
  EXPECT_EQ(s.source.verify(token("rotated"), policy(), k_now).refusal, JwtRefusal::unknown_key);
  EXPECT_EQ(s.fetches, 2);
  EXPECT_NE(s.source.last_failure().find("the issuer is down"), std::string::npos);
  s.fail = false;
  s.now += seconds(61);
  EXPECT_EQ(s.source.verify(token("rotated"), policy(), k_now).refusal, JwtRefusal::unknown_key);
  EXPECT_EQ(s.fetches, 3);
  EXPECT_NE(s.source.last_failure().find("not valid JSON"), std::string::npos) << s.source.last_failure();
  EXPECT_EQ(s.source.verify(token("rs256"), policy(), k_now).refusal, JwtRefusal::none);
  EXPECT_EQ(s.source.keys().keys().size(), 3u);
  // load() throws what went wrong.
  EXPECT_EQ(testing::error_of([&] { s.source.load(); }).code(), ExitCode::usage);
  s.fail = true;
  EXPECT_EQ(testing::error_of([&] { s.source.load(); }).code(), ExitCode::unavailable);
  EXPECT_EQ(s.source.keys().keys().size(), 3u);
}

TEST(Jwt, JwksSourceWithoutALoadFetchesForTheFirstToken) {
  CountedSource s;
  s.documents = {fixture("jwks.json")};
  EXPECT_TRUE(s.source.keys().empty());
  EXPECT_EQ(s.source.verify(token("eddsa"), policy(), k_now).refusal, JwtRefusal::none);
  EXPECT_EQ(s.fetches, 1);
  EXPECT_EQ(s.source.verify(token("rs256"), policy(), k_now).refusal, JwtRefusal::none);
  EXPECT_EQ(s.fetches, 1);
}

TEST(Jwt, JwksSourceVerifiesFromManyThreads) {
  CountedSource s;
  s.documents = {fixture("jwks.json"), fixture("jwks_rotated.json")};
  s.source.load();
  s.now += seconds(61);
  const std::vector<std::string> names = {"rs256", "es256", "eddsa", "rotated"};
  std::vector<std::string> tokens;
  for (const std::string& n : names) tokens.push_back(token(n));
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        if (s.source.verify(tokens[static_cast<std::size_t>((t + i) % 4)], policy(), k_now)) ++accepted;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(s.fetches, 2);  // the one re-fetch the rotated token asked for
  EXPECT_GT(accepted.load(), 40);
}

TEST(Jwt, OidcJwksUriFromADiscoveryDocument) {
  const std::string doc = R"({"issuer":"https://idp.example.com","jwks_uri":"https://idp.example.com/oauth2/v1/keys",)"
                          R"("authorization_endpoint":"https://idp.example.com/authorize"})";
  EXPECT_EQ(oidc_jwks_uri(doc, "https://idp.example.com"), "https://idp.example.com/oauth2/v1/keys");

  const Error mismatch = testing::error_of([&] { oidc_jwks_uri(doc, "https://idp.example.com/"); });
  EXPECT_EQ(mismatch.code(), ExitCode::usage);
  EXPECT_NE(std::string(mismatch.what()).find("names issuer 'https://idp.example.com'"), std::string::npos)
      << mismatch.what();
  EXPECT_EQ(testing::error_of([&] { oidc_jwks_uri(doc, "https://evil.example.com"); }).code(), ExitCode::usage);

  const auto with_uri = [](const std::string& issuer, const std::string& uri) {
    return nlohmann::json{{"issuer", issuer}, {"jwks_uri", uri}}.dump();
  };
  const std::string idp = "https://idp.example.com";
  const auto refused = [&](const std::string& document) {
    return testing::error_of([&] { oidc_jwks_uri(document, idp); }).code();
  };
  // http only for an http issuer (a test or in-cluster IdP).
  EXPECT_EQ(refused(with_uri(idp, "http://idp.example.com/keys")), ExitCode::usage);
  EXPECT_EQ(oidc_jwks_uri(with_uri("http://keycloak:8080/realms/a", "http://keycloak:8080/realms/a/certs"),
                          "http://keycloak:8080/realms/a"),
            "http://keycloak:8080/realms/a/certs");
  for (const std::string uri :
       {"/keys", "https://", "https:///keys", "file:///etc/passwd", "https://idp.example.com/a b"}) {
    EXPECT_EQ(refused(with_uri(idp, uri)), ExitCode::usage) << uri;
  }
  EXPECT_EQ(refused("not json"), ExitCode::usage);
  EXPECT_EQ(refused(R"({"issuer":"https://idp.example.com"})"), ExitCode::usage);  // no jwks_uri
  EXPECT_EQ(refused(R"(["https://idp.example.com"])"), ExitCode::usage);
}

}  // namespace
}  // namespace strata::auth
