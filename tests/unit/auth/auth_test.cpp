// core/auth: a key's secret and hash, authenticate (good, bad, revoked, expired), what a key
// allows, its principal, the rate limiter on a clock the test moves, and the text of --expires and
// --rate. The store operations themselves run over both backends in store/store_backend_test.cpp.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "auth/key.h"
#include "auth/limits_text.h"
#include "auth/rate_limiter.h"
#include "common/error.h"
#include "common/setting.h"
#include "common/sha256.h"
#include "store/ask_store.h"
#include "store/store.h"
#include "test_util.h"

namespace strata::auth {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(AuthSecret, HasItsFormAndOnlyItsHashIsKept) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    const std::string s = new_secret();
    EXPECT_EQ(s.size(), 53u);
    EXPECT_EQ(s.rfind("sk-strata-", 0), 0u) << s;
    EXPECT_TRUE(looks_like_secret(s)) << s;
    EXPECT_TRUE(seen.insert(s).second) << "two secrets alike";
    EXPECT_EQ(secret_hash(s), sha256_hex(s));
    EXPECT_EQ(secret_hash(s).size(), 64u);
  }
  const std::string s = new_secret();
  EXPECT_FALSE(looks_like_secret(""));
  EXPECT_FALSE(looks_like_secret(s.substr(0, 52)));
  EXPECT_FALSE(looks_like_secret(s + "A"));
  EXPECT_FALSE(looks_like_secret("sk-strota-" + s.substr(10)));
  std::string plus = s;
  plus[20] = '+';
  EXPECT_FALSE(looks_like_secret(plus)) << "base64url has no +";
  std::string last = s;
  last.back() = 'B';  // index 1: low bits set, which 32 bytes never give
  EXPECT_FALSE(looks_like_secret(last));
}

TEST(AuthTime, UtcTextRoundTripsAndRefusesOtherForms) {
  const TimePoint t = std::chrono::system_clock::from_time_t(1'795'000'000);
  const std::string text = utc_text(t);
  EXPECT_EQ(text, "2026-11-18T11:06:40Z");
  EXPECT_EQ(parse_utc_text(text), std::optional<TimePoint>(t));
  EXPECT_FALSE(parse_utc_text("2026-11-18 11:06:40Z"));
  EXPECT_FALSE(parse_utc_text("2026-13-18T11:06:40Z"));
  EXPECT_FALSE(parse_utc_text("soon"));
}

class AuthenticateTest : public ::testing::Test {
 protected:
  testing::TempDir tmp_;
  store::Store st_ = store::Store::open(tmp_ / "store.db");
  const TimePoint now_ = std::chrono::system_clock::from_time_t(1'795'000'000);
};

TEST_F(AuthenticateTest, AGoodKeyIsItsKey) {
  KeyRequest req;
  req.name = "ci-bot";
  req.scope = Scope::write;
  req.collections = {"docs", "docs", "faq"};
  req.rate_per_minute = 30;
  req.tokens_per_minute = 40'000;
  const CreatedKey made = create_key(st_, req, now_);
  EXPECT_TRUE(looks_like_secret(made.secret));
  EXPECT_EQ(made.key.collections, (std::vector<std::string>{"docs", "faq"})) << "duplicates dropped";
  EXPECT_EQ(made.key.created_at, utc_text(now_));
  EXPECT_FALSE(made.key.expires_at);
  const Authenticated a = authenticate(st_, made.secret, now_);
  ASSERT_TRUE(a);
  EXPECT_EQ(a.key->name, "ci-bot");
  EXPECT_EQ(a.key->scope, Scope::write);
  EXPECT_EQ(a.key->rate_per_minute, std::optional<std::int64_t>(30));
  EXPECT_EQ(a.key->tokens_per_minute, std::optional<std::int64_t>(40'000));
}

TEST_F(AuthenticateTest, NoneBadRevokedAndExpiredAreTold) {
  KeyRequest req;
  req.name = "short";
  req.expires_in = hours(1);
  const CreatedKey made = create_key(st_, req, now_);
  EXPECT_EQ(made.key.expires_at, std::optional<std::string>(utc_text(now_ + hours(1))));

  EXPECT_FALSE(authenticate(st_, "", now_));
  EXPECT_EQ(authenticate(st_, "", now_).refusal, Refusal::none);
  EXPECT_EQ(authenticate(st_, "hunter2", now_).refusal, Refusal::bad);
  EXPECT_EQ(authenticate(st_, new_secret(), now_).refusal, Refusal::bad) << "well formed, not the store's";
  std::string altered = made.secret;
  altered[15] = altered[15] == 'A' ? 'C' : 'A';
  EXPECT_EQ(authenticate(st_, altered, now_).refusal, Refusal::bad);

  EXPECT_TRUE(authenticate(st_, made.secret, now_ + minutes(59)));
  EXPECT_EQ(authenticate(st_, made.secret, now_ + hours(1)).refusal, Refusal::expired);
  EXPECT_EQ(authenticate(st_, made.secret, now_ + hours(2)).refusal, Refusal::expired);

  KeyRequest other;
  other.name = "gone";
  const CreatedKey gone = create_key(st_, other, now_);
  ASSERT_TRUE(authenticate(st_, gone.secret, now_));
  const Key revoked = revoke_key(st_, "gone", now_ + seconds(5));
  EXPECT_EQ(revoked.revoked_at, std::optional<std::string>(utc_text(now_ + seconds(5))));
  EXPECT_EQ(authenticate(st_, gone.secret, now_ + seconds(6)).refusal, Refusal::revoked);
  EXPECT_STREQ(to_string(Refusal::revoked), "revoked");
  EXPECT_EQ(testing::error_of([&] { revoke_key(st_, "nobody", now_); }).code(), ExitCode::invalid_input);
}

TEST_F(AuthenticateTest, ALiveKeyIsOneNeitherRevokedNorExpired) {
  EXPECT_FALSE(has_live_key(st_, now_)) << "no key at all";
  KeyRequest req;
  req.name = "short";
  req.expires_in = hours(1);
  create_key(st_, req, now_);
  EXPECT_TRUE(has_live_key(st_, now_));
  EXPECT_FALSE(has_live_key(st_, now_ + hours(1))) << "expired";
  req.name = "gone";
  req.expires_in.reset();
  create_key(st_, req, now_);
  EXPECT_TRUE(has_live_key(st_, now_ + hours(2)));
  revoke_key(st_, "gone", now_ + hours(2));
  EXPECT_FALSE(has_live_key(st_, now_ + hours(3))) << "one expired, one revoked";
}

TEST_F(AuthenticateTest, AKeysLoggedCallsAreListedUnderItsNameAlone) {
  KeyRequest req;
  req.name = "ci";
  const CreatedKey made = create_key(st_, req, now_);
  {
    store::AskStore asks(st_, principal_of(made.key, made.secret));
    store::AskRecord record;
    record.call.collection = "docs";
    record.call.question = "how do I roll back?";
    record.call.answer = "run down";
    record.call.provider = "none";
    asks.write(record);
  }
  store::AskStore mine(st_, log_principal("ci"));
  const std::vector<store::LlmCall> calls = mine.calls(0);
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].question, "how do I roll back?");
  store::AskStore other(st_, log_principal("other"));
  EXPECT_TRUE(other.calls(0).empty());
  EXPECT_EQ(testing::error_of([] { log_principal("no spaces"); }).code(), ExitCode::usage);
}

TEST_F(AuthenticateTest, ANameIsUniqueAndSafe) {
  KeyRequest req;
  req.name = "app";
  create_key(st_, req, now_);
  revoke_key(st_, "app", now_);
  EXPECT_EQ(testing::error_of([&] { create_key(st_, req, now_); }).code(), ExitCode::invalid_input)
      << "a revoked key's name stays taken";
  for (const char* bad : {"", "-lead", "has space", "semi;colon", "ünicode", "a/b"}) {
    req.name = bad;
    EXPECT_EQ(testing::error_of([&] { create_key(st_, req, now_); }).code(), ExitCode::usage) << bad;
  }
  req.name = std::string(65, 'a');
  EXPECT_EQ(testing::error_of([&] { create_key(st_, req, now_); }).code(), ExitCode::usage);
  req.name = std::string(64, 'a');
  EXPECT_NO_THROW(create_key(st_, req, now_));
  EXPECT_EQ(list_keys(st_).size(), 2u);
}

TEST_F(AuthenticateTest, RecordUseWritesTheTimeAtMostOnceAMinute) {
  KeyRequest req;
  req.name = "busy";
  const CreatedKey made = create_key(st_, req, now_);
  record_use(st_, made.key, now_);
  record_use(st_, made.key, now_ + seconds(30));
  EXPECT_EQ(list_keys(st_)[0].last_used_at, std::optional<std::string>(utc_text(now_)));
  record_use(st_, made.key, now_ + seconds(61));
  EXPECT_EQ(list_keys(st_)[0].last_used_at, std::optional<std::string>(utc_text(now_ + seconds(61))));
}

TEST(AuthBearer, TheTokenOfABearerHeader) {
  EXPECT_EQ(bearer_token("Bearer sk-strata-x"), std::optional<std::string_view>("sk-strata-x"));
  EXPECT_EQ(bearer_token("  bearer   tok  "), std::optional<std::string_view>("tok"));
  EXPECT_FALSE(bearer_token("Basic dXNlcjpwYXNz"));
  EXPECT_FALSE(bearer_token("Bearer"));
  EXPECT_FALSE(bearer_token("Bearer   "));
  EXPECT_FALSE(bearer_token("Bearertok"));
  EXPECT_FALSE(bearer_token(""));
}

TEST(AuthAllows, ScopeIncludesTheOnesBelowAndCollectionsNarrow) {
  Key reader;
  reader.scope = Scope::read;
  EXPECT_TRUE(allows(reader, Scope::read, "docs"));
  EXPECT_FALSE(allows(reader, Scope::write, "docs"));
  EXPECT_FALSE(allows(reader, Scope::admin, ""));
  Key writer;
  writer.scope = Scope::write;
  writer.collections = {"docs"};
  EXPECT_TRUE(allows(writer, Scope::read, "docs"));
  EXPECT_TRUE(allows(writer, Scope::write, "docs"));
  EXPECT_FALSE(allows(writer, Scope::read, "hr"));
  EXPECT_FALSE(allows(writer, Scope::read, "doc"));
  EXPECT_TRUE(allows(writer, Scope::read, "")) << "what names no collection";
  EXPECT_FALSE(allows(writer, Scope::admin, ""));
  Key admin;
  admin.scope = Scope::admin;
  EXPECT_TRUE(allows(admin, Scope::admin, ""));
  EXPECT_TRUE(allows(admin, Scope::write, "anything"));
}

TEST(AuthScope, ParsedOrRefusedNamingTheSetting) {
  EXPECT_EQ(parse_scope("admin"), Scope::admin);
  const Error e = testing::error_of([] { parse_scope("root"); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_NE(std::string(e.what()).find(mention(Setting::scope)), std::string::npos) << e.what();
}

TEST(AuthPrincipal, IsTheKeysNameAndASecretOnlyItsTokenGives) {
  Key k;
  k.name = "app";
  const std::string t1 = new_secret(), t2 = new_secret();
  const store::AskPrincipal p = principal_of(k, t1);
  EXPECT_EQ(p.id, "apikey:app");
  EXPECT_TRUE(p.own_rows_only) << "a key lists only its own log rows";
  EXPECT_EQ(p.secret.size(), 64u);
  EXPECT_EQ(principal_of(k, t1).secret, p.secret) << "the same token, the same principal";
  EXPECT_NE(principal_of(k, t2).secret, p.secret);
  EXPECT_NE(p.secret, secret_hash(t1)) << "the stored hash must not be the principal's secret";
  EXPECT_EQ(p.secret.find(t1), std::string::npos);
}

// A clock the test moves.
struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  RateLimiter::Clock fn() {
    return [this] { return now; };
  }
};

TEST(AuthRateLimiter, ABurstPassesThenOnePerIntervalWithRetryAfter) {
  FakeClock clock;
  RateLimiter limiter(clock.fn());
  for (int i = 0; i < 3; ++i) {
    const RateDecision d = limiter.take("k", 3);
    EXPECT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.limit, 3);
    EXPECT_EQ(d.remaining, 2 - i);
  }
  RateDecision d = limiter.take("k", 3);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_EQ(d.retry_after_seconds, 20) << "3/min earns one back every 20 s";
  EXPECT_NEAR(d.reset_seconds, 60.0, 1e-6);
  EXPECT_EQ(reset_text(d.reset_seconds), "1m0s");

  clock.now += seconds(15);
  d = limiter.take("k", 3);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 5);
  clock.now += seconds(5);
  d = limiter.take("k", 3);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_NEAR(d.reset_seconds, 60.0, 1e-6);

  // Another key has its own bucket; a long wait fills one only to its limit.
  EXPECT_TRUE(limiter.take("other", 3).allowed);
  clock.now += hours(1);
  d = limiter.take("k", 3);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 2);
  EXPECT_NEAR(d.reset_seconds, 20.0, 1e-6);
  EXPECT_EQ(reset_text(d.reset_seconds), "20s");
  EXPECT_EQ(reset_text(0.02), "20ms");
}

// Tokens: a request starts while a whole token is left; what it spent may take the bucket below
// zero, and the key then waits until it has earned that back.
TEST(AuthRateLimiter, TokensAreCheckedBeforeAndSpentAfterGoingIntoDebt) {
  FakeClock clock;
  RateLimiter limiter(clock.fn());
  RateDecision d = limiter.check("k", 600);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 600) << "a check takes nothing";
  d = limiter.spend("k", 600, 250);
  EXPECT_EQ(d.remaining, 350);
  d = limiter.spend("k", 600, 950);  // 600 a minute: 10 a second; 600 over
  EXPECT_EQ(d.remaining, 0);
  EXPECT_NEAR(d.reset_seconds, 120.0, 1e-6) << "600 of debt and 600 to refill, at 10 a second";
  d = limiter.check("k", 600);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 61) << "until 601 are earned back: a whole token left";
  clock.now += seconds(60);
  EXPECT_FALSE(limiter.check("k", 600).allowed);
  clock.now += seconds(1);
  d = limiter.check("k", 600);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 10);
  EXPECT_EQ(limiter.spend("k", 600, -5).remaining, 10) << "nothing negative is spent";
  EXPECT_TRUE(limiter.check("other", 600).allowed) << "each key has its own bucket";
}

TEST(AuthRateLimiter, ItsBucketsAreBoundedDroppingFullOnesFirst) {
  FakeClock clock;
  RateLimiter limiter(clock.fn(), 2);
  EXPECT_TRUE(limiter.take("a", 1).allowed);
  EXPECT_TRUE(limiter.take("b", 60).allowed);
  clock.now += seconds(2);  // b is full again; a (1/min) is not
  EXPECT_TRUE(limiter.take("c", 1).allowed) << "b's full bucket made room";
  clock.now += seconds(1);
  EXPECT_FALSE(limiter.take("a", 1).allowed) << "a's empty bucket was kept";
  EXPECT_TRUE(limiter.take("d", 1).allowed) << "no full bucket: the least recently used one (c) goes";
  EXPECT_TRUE(limiter.take("c", 1).allowed) << "c's bucket was dropped, so it starts full";
}

TEST(AuthRateLimiter, ALoweredLimitKeepsNoMoreThanTheNewOne) {
  FakeClock clock;
  RateLimiter limiter(clock.fn());
  EXPECT_TRUE(limiter.take("k", 100).allowed);
  const RateDecision d = limiter.take("k", 2);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 1);
  EXPECT_EQ(d.limit, 2);
}

TEST(AuthLimitsText, DurationsAreANumberAndAUnit) {
  EXPECT_EQ(parse_duration("30d", Setting::expires), hours(24 * 30));
  EXPECT_EQ(parse_duration("12h", Setting::expires), hours(12));
  EXPECT_EQ(parse_duration("90m", Setting::expires), minutes(90));
  EXPECT_EQ(parse_duration("45s", Setting::expires), seconds(45));
  EXPECT_EQ(parse_duration("2w", Setting::expires), hours(24 * 14));
  EXPECT_EQ(parse_duration("3650d", Setting::expires), k_max_duration);
  for (const char* junk : {"", "30", "d", "30x", "1.5h", "-5m", "30 d", "30dd", "0m", "3651d", "99999999999999999999s"}) {
    const Error e = testing::error_of([&] { parse_duration(junk, Setting::expires); });
    EXPECT_EQ(e.code(), ExitCode::usage) << junk;
    EXPECT_EQ(std::string(e.what()).rfind(mention(Setting::expires), 0), 0u) << junk << ": " << e.what();
  }
}

TEST(AuthLimitsText, RatesAreRequestsPerMinute) {
  EXPECT_EQ(parse_rate_per_minute("60/min"), 60);
  EXPECT_EQ(parse_rate_per_minute("60/m"), 60);
  EXPECT_EQ(parse_rate_per_minute("7"), 7);
  EXPECT_EQ(parse_rate_per_minute("1000000/min"), k_max_rate_per_minute);
  for (const char* junk : {"", "/min", "0/min", "60/s", "60/hour", "-1", "1000001", "ten"}) {
    const Error e = testing::error_of([&] { parse_rate_per_minute(junk); });
    EXPECT_EQ(e.code(), ExitCode::usage) << junk;
    EXPECT_EQ(std::string(e.what()).rfind(mention(Setting::rate), 0), 0u) << junk << ": " << e.what();
  }
}

TEST(AuthLimitsText, TokenRatesAreTokensPerMinute) {
  EXPECT_EQ(parse_tokens_per_minute("40000/min"), 40'000);
  EXPECT_EQ(parse_tokens_per_minute("90/m"), 90);
  EXPECT_EQ(parse_tokens_per_minute("1000000000"), k_max_tokens_per_minute);
  for (const char* junk : {"", "/min", "0/min", "60/s", "-1", "1000000001", "ten", "40k"}) {
    const Error e = testing::error_of([&] { parse_tokens_per_minute(junk); });
    EXPECT_EQ(e.code(), ExitCode::usage) << junk;
    EXPECT_EQ(std::string(e.what()).rfind(mention(Setting::tokens), 0), 0u) << junk << ": " << e.what();
  }
}

}  // namespace
}  // namespace strata::auth
