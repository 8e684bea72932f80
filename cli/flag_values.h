#pragma once
// Flag values the commands share: a usage error, and whole-number flags read one way
// everywhere (the same message for --size, --concurrency, -k, --max-tokens, ...).
#include <cstdint>
#include <string>

namespace strata::cli {

// Throws Error(usage) with `message` and `hint`.
[[noreturn]] void usage(std::string message, std::string hint = {});

// `value` as a whole number >= `minimum`; anything else (empty, a sign, spaces, a fraction,
// out of range) is a usage error naming `flag`.
std::uint64_t parse_count(const std::string& flag, const std::string& value, std::uint64_t minimum);

}  // namespace strata::cli
