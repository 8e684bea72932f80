#include "web/fetcher.h"

#include "common/error.h"

#include <gtest/gtest.h>

namespace strata::web {
namespace {

using std::chrono::seconds;

TEST(WebRetryAfter, ReadsSecondsAndHttpDates) {
  const auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(parse_retry_after("120", now), seconds(120));
  EXPECT_EQ(parse_retry_after(" 0 ", now), seconds(0));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now), seconds(60));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), seconds(0));  // in the past
  EXPECT_EQ(parse_retry_after("99999999999999999999", now), seconds(999'999'999));  // bounded, no overflow
  EXPECT_FALSE(parse_retry_after("soon", now).has_value());
  EXPECT_FALSE(parse_retry_after("-5", now).has_value());
  EXPECT_FALSE(parse_retry_after("", now).has_value());
}

TEST(WebRedirectPolicy, RefusesLoopsAndTooManyHops) {
  const std::vector<std::string> one{"http://a/"};
  EXPECT_EQ(refuse_redirect(one, "http://a/b", 5), "");
  EXPECT_EQ(refuse_redirect({"http://a/", "http://a/b"}, "http://a/", 5), "a redirect loop (back to http://a/)");
  EXPECT_EQ(refuse_redirect({"http://a/1", "http://a/2", "http://a/3"}, "http://a/4", 3), "");
  EXPECT_EQ(refuse_redirect({"http://a/1", "http://a/2", "http://a/3", "http://a/4"}, "http://a/5", 3), "more than 3 redirects");
  EXPECT_EQ(refuse_redirect(one, "http://a/b", 0), "more than 0 redirects");
}

TEST(WebCheckUrl, AcceptsHttpAndHttpsDroppingTheFragment) {
  const CheckedUrl u = check_url("https://Docs.Example.com/guide/#intro");
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.port, 443);
  EXPECT_EQ(u.url, "https://docs.example.com/guide/");
  EXPECT_EQ(check_url("http://127.0.0.1:8080/x").port, 8080);
}

TEST(WebCheckUrl, RefusesOtherSchemesAndCredentials) {
  try {
    check_url("ftp://example.com/file");
    FAIL() << "ftp accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("unsupported scheme 'ftp'"), std::string::npos) << e.what();
  }
  for (const char* url : {"https://user:secret@example.com/", "https://user@example.com/", "http://:pw@example.com/"}) {
    try {
      check_url(url);
      FAIL() << url << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("credentials"), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << "the password was echoed: " << e.what();
    }
  }
  EXPECT_THROW(check_url("file:///etc/passwd"), Error);
}

TEST(WebFetcher, RefusesLoopbackAndMetadataAddressesWithoutConnecting) {
  Fetcher fetcher(FetchOptions{});
  for (const char* url : {"http://127.0.0.1:9/", "http://[::1]:9/", "http://169.254.169.254/latest/meta-data/",
                          "http://10.0.0.1/", "http://[::ffff:127.0.0.1]:9/", "http://0.0.0.0:9/"}) {
    try {
      fetcher.fetch({.url = url});
      FAIL() << url << " fetched";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("refused: "), std::string::npos) << url << ": " << e.what();
    }
  }
}

TEST(WebHeaderFromEnv, ParsesNameAndVariable) {
  const HeaderFromEnv h = parse_header_from_env("Authorization=DOCS_TOKEN");
  EXPECT_EQ(h.name, "Authorization");
  EXPECT_EQ(h.variable, "DOCS_TOKEN");
  EXPECT_THROW(parse_header_from_env("Authorization: Bearer x"), Error);
  EXPECT_THROW(parse_header_from_env("Authorization="), Error);
  EXPECT_THROW(parse_header_from_env("Host=H"), Error);
}

TEST(WebUserAgent, NamesStrataAndItsVersion) { EXPECT_EQ(user_agent().rfind("strata/", 0), 0u); }

}  // namespace
}  // namespace strata::web
