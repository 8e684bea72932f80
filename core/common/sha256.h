#pragma once
// SHA-256 (FIPS 180-4) for migration checksums, document hashes and the embedding cache key;
// HMAC-SHA256 (RFC 2104) for what a user's key vouches for in the store (store/ask_rows.h).
#include <string>
#include <string_view>

namespace strata {

// Returns the lowercase hex digest of `data`.
std::string sha256_hex(std::string_view data);

// Whether `text` reads as sha256_hex gives a digest: 64 lowercase hex digits.
bool is_sha256_hex(std::string_view text);

// Returns the lowercase hex HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// a == b, in a time that depends on their lengths only (for comparing MACs).
bool equal_in_constant_time(std::string_view a, std::string_view b);

}  // namespace strata
