#include "common/sha256.h"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>
#include <string>

#include "common/shared_library.h"

namespace strata {
namespace {

// libcrypto hashes with the CPU's SHA extensions: `migrate check` of 1,000 files spent 26 M
// instructions in a portable C++ SHA-256. It is opened on the first hash, not linked: linked, its
// 4,200 symbol relocations were paid at the start of every command, `strata --version` included.
// libpq loads the same libcrypto.so.3, so PostgreSQL commands open it only once.
struct Crypto {
  decltype(&::EVP_MD_fetch) md_fetch;
  decltype(&::EVP_Digest) digest;
  const EVP_MD* sha256;
};

Crypto load() {
  const SharedLibrary lib("libcrypto.so.3", "libssl3");
  Crypto c{};
  lib.resolve("EVP_MD_fetch", c.md_fetch);
  lib.resolve("EVP_Digest", c.digest);
  // Fetched once: an implicit fetch on every call costs a provider lookup.
  c.sha256 = c.md_fetch(nullptr, "SHA256", nullptr);
  if (c.sha256 == nullptr) lib.unavailable("it has no SHA-256");
  return c;
}

const Crypto& crypto() {
  static const Crypto c = load();
  return c;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  const Crypto& c = crypto();
  if (c.digest(data.data(), data.size(), digest.data(), &size, c.sha256, nullptr) != 1) {
    throw std::runtime_error("libcrypto could not compute a SHA-256 digest");
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string hex(2 * std::size_t{size}, '\0');
  for (unsigned int i = 0; i < size; ++i) {
    hex[2 * i] = k_hex[digest[i] >> 4];
    hex[2 * i + 1] = k_hex[digest[i] & 0x0f];
  }
  return hex;
}

}  // namespace strata
