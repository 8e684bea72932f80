#include "serve/sign_on.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "common/error.h"

namespace strata::serve {
namespace {

using std::chrono::seconds;

const std::string k_data = std::string(STRATA_SOURCE_DIR) + "/tests/unit/auth/data/";

nlohmann::json fixtures() {
  std::ifstream in(k_data + "tokens.json");
  return nlohmann::json::parse(in);
}

std::string token(const std::string& name) { return fixtures()["tokens"][name].get<std::string>(); }

auth::TimePoint fixture_now() { return auth::TimePoint(seconds(fixtures()["issued_at"].get<std::int64_t>() + 600)); }

SignOnOptions file_options() {
  SignOnOptions o;
  o.jwks = k_data + "jwks.json";
  o.policy.issuer = "https://idp.example.com";
  o.policy.audience = "strata";
  o.rate_per_minute = 30;
  return o;
}

TEST(SignOn, ATokenBecomesACallerNamedBySubjectWithItsScopeAndCollections) {
  SignOn sign_on(file_options());
  const SignOn::Admitted a = sign_on.admit(token("rs256"), fixture_now());
  ASSERT_TRUE(a.caller) << a.message;
  ASSERT_TRUE(a.caller->key);
  EXPECT_EQ(a.caller->key->name, "jwt:alice");
  EXPECT_EQ(a.caller->key->scope, auth::Scope::write);
  EXPECT_EQ(a.caller->key->collections, (std::vector<std::string>{"docs", "wiki"}));
  EXPECT_EQ(a.caller->key->rate_per_minute, 30);
  ASSERT_TRUE(a.caller->principal);
  EXPECT_EQ(a.caller->principal->id, "jwt:alice@https://idp.example.com");
  EXPECT_TRUE(a.caller->principal->own_rows_only);
  // The same subject's principal on every token (its rows verify across sign-ins); another's differs.
  const SignOn::Admitted again = sign_on.admit(token("rs256_admin"), fixture_now());
  ASSERT_TRUE(again.caller);
  EXPECT_EQ(again.caller->principal->secret, a.caller->principal->secret);
  const SignOn::Admitted bob = sign_on.admit(token("es256"), fixture_now());
  ASSERT_TRUE(bob.caller);
  EXPECT_NE(bob.caller->principal->secret, a.caller->principal->secret);
  EXPECT_EQ(bob.caller->key->name, "jwt:bob");
}

TEST(SignOn, RefusalsAre401WithTheReasonAnd403WithoutAScope) {
  SignOn sign_on(file_options());
  for (const char* name : {"wrong_issuer", "wrong_audience", "alg_none", "hs256_rsa_pem", "tampered", "unknown_kid"}) {
    const SignOn::Admitted a = sign_on.admit(token(name), fixture_now());
    EXPECT_FALSE(a.caller) << name;
    EXPECT_EQ(a.status, 401) << name;
    EXPECT_FALSE(a.message.empty()) << name;
    EXPECT_EQ(a.message.find(token(name).substr(0, 20)), std::string::npos) << "the token is never echoed";
  }
  const SignOn::Admitted expired = sign_on.admit(token("short_lived"), fixture_now() + seconds(7200));
  EXPECT_EQ(expired.status, 401);
  EXPECT_NE(expired.message.find("expired"), std::string::npos) << expired.message;
  const SignOn::Admitted none = sign_on.admit(token("eddsa"), fixture_now());  // carol: no scope claim
  EXPECT_FALSE(none.caller);
  EXPECT_EQ(none.status, 403);
  EXPECT_NE(none.message.find("'scope'"), std::string::npos) << none.message;
}

TEST(SignOn, AShortLivedTokensCallerEndsAtItsExpiry) {
  SignOn sign_on(file_options());
  // exp an hour after issue, so long past: the caller admitted at the token's time is no longer live.
  const SignOn::Admitted a = sign_on.admit(token("short_lived_read"), fixture_now());
  ASSERT_TRUE(a.caller);
  ASSERT_TRUE(a.caller->live_check);
  EXPECT_FALSE(a.caller->live_check());
  const SignOn::Admitted b = sign_on.admit(token("rs256"), fixture_now());  // exp in 2100
  EXPECT_TRUE(b.caller->live_check());
}

TEST(SignOn, AVerifiedTokenIsKnownUntilItsExpiryThenRefused) {
  SignOn sign_on(file_options());
  ASSERT_TRUE(sign_on.admit(token("short_lived_read"), fixture_now()).caller);
  ASSERT_TRUE(sign_on.admit(token("short_lived_read"), fixture_now() + seconds(60)).caller);  // known: no check
  const SignOn::Admitted later = sign_on.admit(token("short_lived_read"), fixture_now() + seconds(7200));
  EXPECT_FALSE(later.caller);
  EXPECT_NE(later.message.find("expired"), std::string::npos) << later.message;
  // A token altered by a byte is another token: checked, and refused.
  std::string t = token("rs256");
  ASSERT_TRUE(sign_on.admit(t, fixture_now()).caller);
  t[t.size() / 2] = t[t.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(sign_on.admit(t, fixture_now()).caller);
}

TEST(SignOn, OptionsThatCannotWorkAreRefusedAtStart) {
  SignOnOptions o = file_options();
  o.policy.audience.clear();
  EXPECT_THROW(SignOn{o}, Error);
  o = file_options();
  o.jwks = k_data + "no-such-file.json";
  try {
    SignOn s(o);
    FAIL() << "a missing JWKS file was taken";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("no-such-file.json"), std::string::npos) << e.what();
  }
  o = file_options();
  o.jwks = k_data + "tokens.json";  // JSON, but no key set
  EXPECT_THROW(SignOn{o}, Error);
  o = file_options();
  o.jwks.clear();
  o.policy.issuer = "http://127.0.0.1:1";  // discovery from an issuer nobody answers for
  try {
    SignOn s(o);
    FAIL() << "an issuer that cannot be reached was taken";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::unavailable) << e.what();
  }
}

TEST(SignOn, TheCallerNameKeepsPrintableAsciiAndEscapesTheRest) {
  EXPECT_EQ(jwt_caller_name("alice@example.com"), "jwt:alice@example.com");
  EXPECT_EQ(jwt_caller_name("a b\n%"), "jwt:a%20b%0A%25");
  EXPECT_EQ(jwt_caller_name(std::string(500, 'x')).size(), 4u + 200u);
}

}  // namespace
}  // namespace strata::serve
