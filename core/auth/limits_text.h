#pragma once
// The values `strata keys create` reads as text: how long a key lives (--expires: "30d", "12h",
// "90m") and how often it may be used ("--rate 60/min"). A message names the setting, never a
// flag (common/setting.h).
#include <chrono>
#include <cstdint>
#include <string_view>

#include "common/setting.h"

namespace strata::auth {

// The longest a key may be given to live: ten years (a longer expiry is no expiry).
inline constexpr std::chrono::seconds k_max_duration{std::chrono::hours(24) * 3650};
// The highest rate a key may be given, requests per minute.
inline constexpr std::int64_t k_max_rate_per_minute = 1'000'000;

// A whole number and a unit: s (seconds), m (minutes), h (hours), d (days) or w (weeks), e.g. 90m,
// 12h, 30d; more than 0 and at most k_max_duration. Throws Error(usage) naming `field`.
std::chrono::seconds parse_duration(std::string_view text, Setting field);

// Requests per minute: "N/min" (also "N/m" or "N"), 1 to k_max_rate_per_minute. Throws
// Error(usage) naming the setting (rate).
std::int64_t parse_rate_per_minute(std::string_view text);

// The most tokens a minute a key may be given.
inline constexpr std::int64_t k_max_tokens_per_minute = 1'000'000'000;
// An upstream model's tokens per minute: "N/min" (also "N/m" or "N"), 1 to
// k_max_tokens_per_minute. Throws Error(usage) naming the setting (tokens).
std::int64_t parse_tokens_per_minute(std::string_view text);

}  // namespace strata::auth
