#pragma once
// Numbers given to flags, checked one way for every command. A bad value is a usage error
// (exit 2) with one message per kind of number, naming the flag and the value:
//   "--size must be a whole number of 1 or more (got 'x')"
//   "-k must be a whole number from 1 to 1000 (got '0')"
//   "--timeout must be a number of seconds above 0, at most 86400 (got '0')"
//   "--temperature must be a number from 0 to 2 (got '3')"
// The check_* functions attach the same checks to a CLI11 option, so that a flag bound to a
// std::optional holds a checked value, or nothing when it was not given; the value is refused
// while the command line is parsed, before anything is opened or written.
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace CLI {
class Option;
}

namespace strata::cli {

inline constexpr std::uint64_t k_no_maximum = std::numeric_limits<std::uint64_t>::max();

// `value` as a whole number from `minimum` to `maximum`: digits only (no sign, spaces or
// fraction). Anything else is Error(usage) naming `flag`, and `unit` when there is one ("a whole
// number of seconds from 1 to 86400").
std::uint64_t parse_whole_number(const std::string& flag, const std::string& value, std::uint64_t minimum,
                                 std::uint64_t maximum = k_no_maximum, std::string_view unit = {});

// Whether a value of 0 seconds is allowed: `--lock-timeout 0` means "do not wait", while a
// request's `--timeout 0` could never succeed.
enum class Zero { refused, allowed };

// `value` as a number of seconds, decimals allowed ("0.5", "120"), or a duration as Go writes
// it ("90s", "1m30s", "500ms"), above 0 (or from 0 with Zero::allowed) and at most `maximum`.
// Anything else is Error(usage) naming `flag`.
std::chrono::milliseconds parse_seconds(const std::string& flag, const std::string& value, double maximum,
                                        Zero zero = Zero::refused);

// `value` as a decimal number from `minimum` to `maximum`, in fixed notation ("0.5", "2", ".5");
// anything else (empty, an exponent, spaces, nan, out of range) is Error(usage) naming `flag`.
double parse_decimal(const std::string& flag, const std::string& value, double minimum, double maximum);

// Checks `option`'s values with parse_whole_number, parse_seconds or parse_decimal as they are parsed, naming
// the option by its first long name (else its short one). Returns `option`, for chaining.
CLI::Option* check_whole_number(CLI::Option* option, std::uint64_t minimum, std::uint64_t maximum = k_no_maximum,
                                std::string_view unit = {});
CLI::Option* check_seconds(CLI::Option* option, double maximum, Zero zero = Zero::refused);
CLI::Option* check_decimal(CLI::Option* option, double minimum, double maximum);

}  // namespace strata::cli
