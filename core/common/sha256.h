#pragma once
// SHA-256 (FIPS 180-4). Used for migration checksums; small enough that pulling in a crypto
// library for it would cost more than it saves.
#include <string>
#include <string_view>

namespace strata {

// Returns the lowercase hex digest of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace strata
