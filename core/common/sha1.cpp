#include "common/sha1.h"

#include <array>
#include <stdexcept>

#include "common/libcrypto.h"

namespace strata {

std::string sha1_hex(std::string_view data) {
  // The one-shot SHA1() of libcrypto, opened on first use as SHA-256 is (common/sha256.cpp).
  using Sha1Fn = unsigned char* (*)(const unsigned char*, std::size_t, unsigned char*);
  static const Sha1Fn sha1 = [] {
    Sha1Fn fn = nullptr;
    libcrypto().resolve("SHA1", fn);
    return fn;
  }();
  std::array<unsigned char, 20> digest{};
  if (sha1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data()) == nullptr) {
    throw std::runtime_error("libcrypto could not compute a SHA-1 digest");
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string hex(2 * digest.size(), '\0');
  for (std::size_t i = 0; i < digest.size(); ++i) {
    hex[2 * i] = k_hex[digest[i] >> 4];
    hex[2 * i + 1] = k_hex[digest[i] & 0x0f];
  }
  return hex;
}

}  // namespace strata
