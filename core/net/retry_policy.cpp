#include "net/retry_policy.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>
#include <string>

#include "common/text.h"
#include "net/http_client.h"
#include "net/http_date.h"
#include "net/url_secrets.h"

namespace strata::net {
namespace {

using std::chrono::milliseconds;

// A non-negative decimal ("2", "0.5", "1500"); nullopt for anything else.
std::optional<double> parse_decimal(std::string_view text) {
  text = trim(text);
  if (text.empty() || text.find_first_not_of("0123456789.") != std::string_view::npos) return std::nullopt;
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

milliseconds from_seconds(double seconds) {
  // A day is plenty: anything longer is "later" and past any max_wait, without overflow.
  return milliseconds(static_cast<long long>(std::min(seconds, 86'400.0) * 1000.0));
}

}  // namespace

milliseconds RetryPolicy::delay(int retry, std::optional<milliseconds> server_wait, double random01) const {
  if (server_wait) return *server_wait;
  const int doublings = std::clamp(retry - 1, 0, 30);
  const double full = std::min(static_cast<double>(base_delay.count()) * std::pow(2.0, doublings),
                               static_cast<double>(max_delay.count()));
  return milliseconds(static_cast<long long>(full / 2 + random01 * full / 2));
}

int RetryPolicy::retries_for(FailureKind kind) const {
  return kind == FailureKind::refused ? std::min(refused_retries, max_retries) : max_retries;
}

std::string refused_message(std::string_view url) {
  return "nothing is listening at " + redact_url(url) + " (connection refused)";
}

std::optional<milliseconds> retry_after_of(const Response& response, std::chrono::system_clock::time_point now) {
  if (const auto ms = response.header("retry-after-ms")) {
    if (const auto v = parse_decimal(*ms)) return from_seconds(*v / 1000.0);
  }
  const auto header = response.header("retry-after");
  if (!header) return std::nullopt;
  if (const auto v = parse_decimal(*header)) return from_seconds(*v);
  if (const auto when = parse_http_date(*header)) {
    if (*when <= now) return milliseconds(0);
    return std::chrono::duration_cast<milliseconds>(std::min(*when - now, std::chrono::system_clock::duration(std::chrono::hours(24))));
  }
  return std::nullopt;
}

double jitter_random() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace strata::net
