#pragma once
// SHA-256 (FIPS 180-4) for migration checksums, document hashes and the embedding cache key.
#include <string>
#include <string_view>

namespace strata {

// Returns the lowercase hex digest of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace strata
