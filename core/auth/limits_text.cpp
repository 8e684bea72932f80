#include "auth/limits_text.h"

#include <optional>
#include <string>

#include "common/error.h"

namespace strata::auth {
namespace {

// The text as a message may quote it: at most 40 bytes (the CLI's printer removes control characters).
std::string quoted(std::string_view text) {
  return "'" + std::string(text.substr(0, 40)) + (text.size() > 40 ? "…'" : "'");
}

// The digits at the start of `text` as a number no larger than `max` (nullopt for none, or more);
// `text` keeps what follows them.
std::optional<std::int64_t> leading_number(std::string_view& text, std::int64_t max) {
  std::int64_t v = 0;
  std::size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    v = v * 10 + (text[i] - '0');
    if (v > max) return std::nullopt;
  }
  if (i == 0) return std::nullopt;
  text.remove_prefix(i);
  return v;
}

}  // namespace

std::chrono::seconds parse_duration(std::string_view text, Setting field) {
  const auto bad = [&](const std::string& why) {
    throw Error(ExitCode::usage, mention(field) + ": " + quoted(text) + " " + why,
                "a whole number and a unit: s, m (minutes), h, d or w, e.g. 90m, 12h, 30d");
  };
  std::string_view rest = text;
  const std::optional<std::int64_t> n = leading_number(rest, k_max_duration.count());
  if (!n) bad(text.empty() || rest.empty() || rest[0] < '0' || rest[0] > '9' ? "is not a duration" : "is too long");
  if (rest.size() != 1) bad(rest.empty() ? "has no unit" : "is not a duration");
  std::int64_t unit = 0;
  switch (rest[0]) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    case 'w': unit = 7 * 86400; break;
    default: bad("has an unknown unit");
  }
  if (*n == 0) bad("is no time at all");
  if (*n > k_max_duration.count() / unit) bad("is longer than ten years");
  return std::chrono::seconds(*n * unit);
}

std::int64_t parse_rate_per_minute(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    throw Error(ExitCode::usage, mention(Setting::rate) + ": " + quoted(text) + " " + why,
                "requests per minute, 1 to " + std::to_string(k_max_rate_per_minute) + ", e.g. 60/min");
  };
  std::string_view rest = text;
  const std::optional<std::int64_t> n = leading_number(rest, k_max_rate_per_minute);
  if (!n) {
    bad(!rest.empty() && rest[0] >= '0' && rest[0] <= '9' ? "is more than the highest rate" : "is not a rate");
  }
  if (!rest.empty() && rest != "/min" && rest != "/m") bad("is not a rate per minute");
  if (*n == 0) bad("lets no request through");
  return *n;
}

std::int64_t parse_tokens_per_minute(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    throw Error(ExitCode::usage, mention(Setting::tokens) + ": " + quoted(text) + " " + why,
                "a model's tokens per minute, 1 to " + std::to_string(k_max_tokens_per_minute) + ", e.g. 40000/min");
  };
  std::string_view rest = text;
  const std::optional<std::int64_t> n = leading_number(rest, k_max_tokens_per_minute);
  if (!n) {
    bad(!rest.empty() && rest[0] >= '0' && rest[0] <= '9' ? "is more than the highest token rate" : "is not a token rate");
  }
  if (!rest.empty() && rest != "/min" && rest != "/m") bad("is not a number of tokens per minute");
  if (*n == 0) bad("lets no token through");
  return *n;
}

}  // namespace strata::auth
