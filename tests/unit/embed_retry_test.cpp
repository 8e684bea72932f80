// RetryPolicy: the backoff schedule and its jitter, and the server's Retry-After in its three
// forms (retry-after-ms, seconds, HTTP date).
#include "embed/retry_policy.h"

#include <gtest/gtest.h>

#include "net/http_client.h"

namespace strata::embed {
namespace {

using std::chrono::milliseconds;

net::Response with_headers(std::vector<net::Header> headers) {
  net::Response r;
  r.status = 429;
  r.headers = std::move(headers);
  return r;
}

TEST(EmbedRetry, BackoffDoublesIsCappedAndJitteredInItsUpperHalf) {
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

TEST(EmbedRetry, ServerWaitIsUsedAsGiven) {
  RetryPolicy p;
  EXPECT_EQ(p.delay(1, milliseconds(1234), 0.9), milliseconds(1234));
  EXPECT_EQ(p.delay(4, milliseconds(0), 0.9), milliseconds(0));
}

TEST(EmbedRetry, JitterIsInZeroOne) {
  for (int i = 0; i < 1000; ++i) {
    const double r = jitter_random();
    ASSERT_GE(r, 0.0);
    ASSERT_LT(r, 1.0);
  }
}

TEST(EmbedRetry, RetryAfterMsWinsOverRetryAfter) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(retry_after_of(with_headers({{"retry-after-ms", "250"}, {"retry-after", "9"}}), now), milliseconds(250));
  EXPECT_EQ(retry_after_of(with_headers({{"retry-after-ms", "1.5"}}), now), milliseconds(1));
}

TEST(EmbedRetry, RetryAfterSecondsIncludingFractions) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(retry_after_of(with_headers({{"retry-after", "2"}}), now), milliseconds(2000));
  EXPECT_EQ(retry_after_of(with_headers({{"retry-after", " 0.25 "}}), now), milliseconds(250));
  EXPECT_EQ(retry_after_of(with_headers({{"retry-after", "0"}}), now), milliseconds(0));
}

TEST(EmbedRetry, RetryAfterHttpDate) {
  const auto now = std::chrono::system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(retry_after_of(with_headers({{"retry-after", "Wed, 21 Oct 2015 07:28:30 GMT"}}), now), milliseconds(30000));
  // A date in the past: retry now.
  EXPECT_EQ(retry_after_of(with_headers({{"retry-after", "Wed, 21 Oct 2015 07:00:00 GMT"}}), now), milliseconds(0));
}

TEST(EmbedRetry, GarbageOrNoHeaderIsIgnored) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_FALSE(retry_after_of(with_headers({}), now).has_value());
  EXPECT_FALSE(retry_after_of(with_headers({{"retry-after", "soon"}}), now).has_value());
  EXPECT_FALSE(retry_after_of(with_headers({{"retry-after", "-5"}}), now).has_value());
  EXPECT_FALSE(retry_after_of(with_headers({{"retry-after-ms", "abc"}}), now).has_value());
}

TEST(EmbedRetry, HugeRetryAfterIsCappedAtADayWithoutOverflow) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(retry_after_of(with_headers({{"retry-after", "99999999999999999999"}}), now), milliseconds(86'400'000));
}

}  // namespace
}  // namespace strata::embed
