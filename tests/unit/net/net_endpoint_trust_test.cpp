// Where a secret from the environment may go (net/endpoint_trust.h) and passwords in URLs
// (net/url_secrets.h).
#include <gtest/gtest.h>

#include "net/endpoint_trust.h"
#include "net/url_secrets.h"

namespace strata::net {
namespace {

// Schemes as a caller (migrate's engine table) gives them: an alias spelt as its engine's.
constexpr SchemeDefault k_database_schemes[] = {{"postgres", "postgres", 5432}, {"postgresql", "postgres", 5432}};

TEST(NetEndpointTrust, OriginsAreSchemeHostAndPortWithTheDefaultWrittenOut) {
  EXPECT_EQ(url_origin("https://API.OpenAI.com/v1"), "https://api.openai.com:443");
  EXPECT_EQ(url_origin("http://127.0.0.1:8080/v1?x=1"), "http://127.0.0.1:8080");
  EXPECT_EQ(url_origin("http://u:pw@llm.internal/v1"), "http://llm.internal:80");
  EXPECT_EQ(url_origin("postgresql://app@db:6432/app", k_database_schemes), "postgres://db:6432");
  EXPECT_EQ(url_origin("postgres://db/app", k_database_schemes), "postgres://db:5432");
  EXPECT_EQ(url_origin("postgres://db/app"), "postgres://db") << "a scheme net does not know has no default port";
  EXPECT_EQ(url_origin("http://[::1]:11434/v1"), "http://[::1]:11434");
  EXPECT_EQ(url_origin("http://[::1]/v1"), "http://[::1]:80");
  EXPECT_EQ(url_origin("localhost:11434"), "");
  EXPECT_EQ(url_origin("http:///v1"), "");
}

TEST(NetEndpointTrust, ListedMeansTheSameOrigin) {
  const std::string list = "https://llm.internal, http://127.0.0.1:8080  postgres://db";
  EXPECT_TRUE(listed_origin("https://llm.internal/v1", list));
  EXPECT_TRUE(listed_origin("https://LLM.internal:443/other/path", list));
  EXPECT_TRUE(listed_origin("http://127.0.0.1:8080/v1", list));
  EXPECT_TRUE(listed_origin("postgresql://app@db:5432/app", list, k_database_schemes));
  EXPECT_FALSE(listed_origin("postgresql://app@db:5432/app", list)) << "without the schemes' defaults";
  EXPECT_FALSE(listed_origin("http://llm.internal/v1", list)) << "another scheme";
  EXPECT_FALSE(listed_origin("http://127.0.0.1:8081/v1", list)) << "another port";
  EXPECT_FALSE(listed_origin("https://llm.internal.attacker.example/v1", list));
  EXPECT_FALSE(listed_origin("https://attacker.example/?https://llm.internal", list));
  EXPECT_FALSE(listed_origin("https://llm.internal@attacker.example/v1", list)) << "userinfo is not the host";
  EXPECT_FALSE(listed_origin("https://llm.internal/v1", ""));
  EXPECT_FALSE(listed_origin("not a url", "not a url"));
}

TEST(NetEndpointTrust, OfficialEndpointsAreTheProvidersOwnOverHttps) {
  EXPECT_TRUE(official_endpoint("https://api.openai.com/v1"));
  EXPECT_TRUE(official_endpoint("https://api.anthropic.com"));
  EXPECT_FALSE(official_endpoint("http://api.openai.com/v1")) << "clear text";
  EXPECT_FALSE(official_endpoint("https://api.openai.com:x@attacker.example/v1"));
  EXPECT_FALSE(official_endpoint("https://api.openai.com.attacker.example/v1"));
}

TEST(NetUrlSecrets, PasswordsAreFoundAndMasked) {
  EXPECT_TRUE(url_has_password("postgres://app:pw@db/app"));
  EXPECT_TRUE(url_has_password("http://x/v1?a=1&password=pw"));
  EXPECT_FALSE(url_has_password("postgres://app@db/app"));
  EXPECT_FALSE(url_has_password("postgres://app:@db/app")) << "an empty password holds nothing";
  EXPECT_FALSE(url_has_password("http://x/v1?password="));
  EXPECT_FALSE(url_has_password("http://x/v1/a:b@c")) << "an '@' in the path is not userinfo";
  EXPECT_EQ(redact_url("postgres://app:p%40ss@db/app?sslmode=disable&password=two"),
            "postgres://app:***@db/app?sslmode=disable&password=***");
  EXPECT_EQ(redact_url("http://u:pw@h:1/v1/chat/completions"), "http://u:***@h:1/v1/chat/completions");
  EXPECT_EQ(redact_url("https://api.openai.com/v1"), "https://api.openai.com/v1");
  EXPECT_EQ(redact_url("http://a:b@c@d/x"), "http://a:***@d/x") << "the last '@' ends the userinfo";
}

// A parameter's name is compared as the client reads it: percent-decoded (libpq decodes names),
// in any case; sslpassword is a secret too. A value ends at '&' only (libpq's query has no
// fragment: "pw#x" is one password).
TEST(NetUrlSecrets, EverySpellingOfAPasswordParameterIsMasked) {
  for (const char* name : {"pass%77ord", "%70assword", "PASSWORD", "Pass%57ord", "sslpassword", "ssl%70assword",
                           "passwd", "pwd"}) {
    const std::string url = std::string("postgres://app@db/app?sslmode=disable&") + name + "=s3cret&x=1";
    EXPECT_EQ(redact_url(url), std::string("postgres://app@db/app?sslmode=disable&") + name + "=***&x=1") << name;
    EXPECT_TRUE(url_has_password(url)) << name;
    EXPECT_TRUE(secret_parameter(name)) << name;
  }
  EXPECT_FALSE(secret_parameter("sslmode"));
  EXPECT_FALSE(secret_parameter("passfile")) << "a path, not a secret";
  EXPECT_FALSE(url_has_password("postgres://app@db/app?pass%77ord=")) << "an empty password holds nothing";
  EXPECT_EQ(redact_url("postgres://app@db/app?password=pw#tail"), "postgres://app@db/app?password=***");
  EXPECT_EQ(redact_url("postgres://app:pa?ss@db/app"), "postgres://app:***@db/app") << "libpq's userinfo";
  EXPECT_EQ(redact_url("http://h/v1?q=a@b"), "http://h/v1?q=a@b") << "an http URL's authority ends at '?'";
}

}  // namespace
}  // namespace strata::net
