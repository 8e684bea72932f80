#include "common/sha256.h"

#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <initializer_list>
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

using Digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

// SHA-256 of the pieces, one after the other.
Digest digest_of(std::initializer_list<std::string_view> pieces) {
  Digest digest{};
  const Crypto& c = crypto();
  SHA256_CTX ctx;
  bool ok = c.init(&ctx) == 1;
  for (const std::string_view piece : pieces) ok = ok && c.update(&ctx, piece.data(), piece.size()) == 1;
  if (!ok || c.final(digest.data(), &ctx) != 1) throw std::runtime_error("libcrypto could not compute a SHA-256 digest");
  return digest;
}

std::string hex_of(const Digest& digest) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string hex(2 * digest.size(), '\0');
  for (std::size_t i = 0; i < digest.size(); ++i) {
    hex[2 * i] = k_hex[digest[i] >> 4];
    hex[2 * i + 1] = k_hex[digest[i] & 0x0f];
  }
  return hex;
}

std::string_view bytes_of(const Digest& d) { return {reinterpret_cast<const char*>(d.data()), d.size()}; }

}  // namespace

std::string sha256_hex(std::string_view data) { return hex_of(digest_of({data})); }

// RFC 2104 over the SHA256_* functions above rather than libcrypto's HMAC_*: the executable
// interposes HMAC_Init_ex for libpq (pq/pq_hmac.cpp), and HMAC is two
// hashes.
std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  constexpr std::size_t block = 64;
  std::array<unsigned char, block> k{};
  if (key.size() > block) {
    const Digest d = digest_of({key});
    std::copy(d.begin(), d.end(), k.begin());
  } else {
    std::copy(key.begin(), key.end(), k.begin());
  }
  std::array<char, block> inner{}, outer{};
  for (std::size_t i = 0; i < block; ++i) {
    inner[i] = static_cast<char>(k[i] ^ 0x36);
    outer[i] = static_cast<char>(k[i] ^ 0x5c);
  }
  const Digest in = digest_of({std::string_view(inner.data(), block), data});
  return hex_of(digest_of({std::string_view(outer.data(), block), bytes_of(in)}));
}

bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool equal_in_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff = static_cast<unsigned char>(diff | (a[i] ^ b[i]));
  return diff == 0;
}

}  // namespace strata
