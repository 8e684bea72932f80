// RetryPolicy: the backoff schedule and its jitter, and the server's Retry-After in its three
// forms (retry-after-ms, seconds, HTTP date).
#include "net/retry_policy.h"

#include <gtest/gtest.h>

#include "net/http_client.h"

namespace strata::net {
namespace {

using std::chrono::milliseconds;

Response with_headers(std::vector<net::Header> headers) {
  Response r;
  r.status = 429;
  r.headers = std::move(headers);
  return r;
}

TEST(NetRetry, ARefusedConnectionGetsAFewRetriesOthersTheFullCount) {
  RetryPolicy p;
  EXPECT_EQ(p.max_retries, 5);
  EXPECT_EQ(p.retries_for(FailureKind::refused), 2);
  EXPECT_EQ(p.retries_for(FailureKind::timeout), 5);
  EXPECT_EQ(p.retries_for(FailureKind::none), 5);
  p.max_retries = 1;
  EXPECT_EQ(p.retries_for(FailureKind::refused), 1) << "never more than max_retries";
  p.max_retries = 0;
  EXPECT_EQ(p.retries_for(FailureKind::refused), 0);
}

TEST(NetRetry, TheRefusedMessageNamesTheUrlWithItsPasswordMasked) {
  EXPECT_EQ(refused_message("http://127.0.0.1:9/v1"), "nothing is listening at http://127.0.0.1:9/v1 (connection refused)");
  EXPECT_EQ(refused_message("http://u:secret@127.0.0.1:9/v1").find("secret"), std::string::npos);
}

TEST(NetRetry, BackoffDoublesIsCappedAndJitteredInItsUpperHalf) {
  RetryPolicy p;
  p.base_delay = milliseconds(500);
  p.max_delay = milliseconds(4000);
  EXPECT_EQ(p.delay(1, std::nullopt, 0.0), milliseconds(250));
  EXPECT_EQ(p.delay(1, std::nullopt, 0.999999), milliseconds(499));
  EXPECT_EQ(p.delay(2, std::nullopt, 0.0), milliseconds(500));
  EXPECT_EQ(p.delay(3, std::nullopt, 0.0), milliseconds(1000));
  EXPECT_EQ(p.delay(4, std::nullopt, 0.0), milliseconds(2000));
  EXPECT_EQ(p.delay(5, std::nullopt, 0.0), milliseconds(2000));  // capped at 4000, half of it
  EXPECT_EQ(p.delay(50, std::nullopt, 0.5), milliseconds(3000));
}

TEST(NetRetry, ServerWaitIsUsedAsGiven) {
  RetryPolicy p;
  EXPECT_EQ(p.delay(1, milliseconds(1234), 0.9), milliseconds(1234));
  EXPECT_EQ(p.delay(4, milliseconds(0), 0.9), milliseconds(0));
}

TEST(NetRetry, JitterIsInZeroOne) {
  for (int i = 0; i < 1000; ++i) {
    const double r = jitter_random();
    ASSERT_GE(r, 0.0);
    ASSERT_LT(r, 1.0);
  }
}

TEST(NetRetry, RetryAfterMsWinsOverRetryAfter) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(retry_after_of(with_headers({{"retry-after-ms", "250"}, {"retry-after", "9"}}), now), milliseconds(250));
  EXPECT_EQ(retry_after_of(with_headers({{"retry-after-ms", "1.5"}}), now), milliseconds(1));
}

TEST(NetRetry, RetryAfterSecondsIncludingFractions) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(retry_after_of(with_headers({{"retry-after", "2"}}), now), milliseconds(2000));
  EXPECT_EQ(retry_after_of(with_headers({{"retry-after", " 0.25 "}}), now), milliseconds(250));
  EXPECT_EQ(retry_after_of(with_headers({{"retry-after", "0"}}), now), milliseconds(0));
}

TEST(NetRetry, RetryAfterHttpDate) {
  const auto now = std::chrono::system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(retry_after_of(with_headers({{"retry-after", "Wed, 21 Oct 2015 07:28:30 GMT"}}), now), milliseconds(30000));
  // A date in the past: retry now.
  EXPECT_EQ(retry_after_of(with_headers({{"retry-after", "Wed, 21 Oct 2015 07:00:00 GMT"}}), now), milliseconds(0));
}

TEST(NetRetry, GarbageOrNoHeaderIsIgnored) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_FALSE(retry_after_of(with_headers({}), now).has_value());
  EXPECT_FALSE(retry_after_of(with_headers({{"retry-after", "soon"}}), now).has_value());
  EXPECT_FALSE(retry_after_of(with_headers({{"retry-after", "-5"}}), now).has_value());
  EXPECT_FALSE(retry_after_of(with_headers({{"retry-after-ms", "abc"}}), now).has_value());
}

TEST(NetRetry, HugeRetryAfterIsCappedAtADayWithoutOverflow) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(retry_after_of(with_headers({{"retry-after", "99999999999999999999"}}), now), milliseconds(86'400'000));
}

}  // namespace
}  // namespace strata::net
