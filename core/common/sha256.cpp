#include "common/sha256.h"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace strata {
namespace {

// libcrypto is loaded anyway (libpq and libcurl link it) and hashes with the CPU's SHA
// extensions: `migrate check` of 1,000 files spent 26 M instructions in a portable C++ SHA-256.
// The digest is fetched once: an implicit fetch on every call costs a provider lookup.
const EVP_MD* sha256_md() {
  static const EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) throw std::runtime_error("libcrypto has no SHA-256");
    return fetched;
  }();
  return md;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &size, sha256_md(), nullptr) != 1) {
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
