#include "common/sha256.h"

#include <openssl/sha.h>

#include <array>
#include <stdexcept>
#include <string>

#include "common/libcrypto.h"

namespace strata {
namespace {

// libcrypto hashes with the CPU's SHA extensions: `migrate check` of 1,000 files spent 26 M
// instructions in a portable C++ SHA-256. It is opened on the first hash, not linked: linked, its
// 4,200 symbol relocations were paid at the start of every command, `strata --version` included.
// libpq and libcurl load the same libcrypto.so.3, so it is in memory only once.
//
// The plain SHA256_* functions, not EVP: EVP initialises OpenSSL on first use (reading
// openssl.cnf, starting the default provider, fetching SHA-256), about 2 ms that `strata ask`
// paid before its first request and every hashing command at exit, and it costs twice as much
// per small file. OpenSSL 3 marks them deprecated in favour of EVP but still exports them; they
// are what its default provider runs underneath.
struct Crypto {
  int (*init)(SHA256_CTX*);
  int (*update)(SHA256_CTX*, const void*, std::size_t);
  int (*final)(unsigned char*, SHA256_CTX*);
};

Crypto load() {
  const SharedLibrary& lib = libcrypto();
  Crypto c{};
  lib.resolve("SHA256_Init", c.init);
  lib.resolve("SHA256_Update", c.update);
  lib.resolve("SHA256_Final", c.final);
  return c;
}

const Crypto& crypto() {
  static const Crypto c = load();
  return c;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  const Crypto& c = crypto();
  SHA256_CTX ctx;
  if (c.init(&ctx) != 1 || c.update(&ctx, data.data(), data.size()) != 1 || c.final(digest.data(), &ctx) != 1) {
    throw std::runtime_error("libcrypto could not compute a SHA-256 digest");
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
