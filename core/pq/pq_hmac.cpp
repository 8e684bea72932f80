// libpq 15 derives a SCRAM-SHA-256 login's key with 4,096 PBKDF2 rounds and keys its HMAC
// context again in every round: HMAC_Init_ex(ctx, password, ...) hashes the key pads again and,
// under OpenSSL 3, fetches SHA-256 from the provider again. That was 45 M of the 90 M
// instructions of connecting (callgrind) and the larger part of what separated `strata migrate
// status` from dbmate's on PostgreSQL.
//
// The strata executable defines and exports HMAC_Init_ex (cli/CMakeLists.txt). The executable
// comes first in the symbol lookup of every library the process loads, so libpq's calls come
// here. When a thread keys a context with the same digest and key as in its previous keyed call,
// the context is made a copy of one kept from that call (HMAC_CTX_copy): the state that keying it
// afresh would leave, without the work. Every other call goes to libcrypto unchanged. A libpq
// that keys once per login (PostgreSQL 18 does) simply never repeats a key here.
#include <openssl/types.h>
#include <cstring>

#include <array>
#include <cstddef>

#include "common/libcrypto.h"

namespace {

using InitEx = int (*)(HMAC_CTX*, const void*, int, const EVP_MD*, ENGINE*);
using CtxNew = HMAC_CTX* (*)();
using CtxCopy = int (*)(HMAC_CTX*, HMAC_CTX*);
using CtxFree = void (*)(HMAC_CTX*);

struct Hmac {
  InitEx init_ex = nullptr;
  CtxNew ctx_new = nullptr;
  CtxCopy ctx_copy = nullptr;
  CtxFree ctx_free = nullptr;
};

// libcrypto's own functions: a lookup through the library's handle searches it and its
// dependencies, never the executable.
const Hmac& libcrypto() {
  static const Hmac h = [] {
    const strata::SharedLibrary& lib = strata::libcrypto();
    Hmac f;
    lib.resolve("HMAC_Init_ex", f.init_ex);
    lib.resolve("HMAC_CTX_new", f.ctx_new);
    lib.resolve("HMAC_CTX_copy", f.ctx_copy);
    lib.resolve("HMAC_CTX_free", f.ctx_free);
    return f;
  }();
  return h;
}

constexpr int k_max_key = 128;  // SCRAM keys with the password; longer keys are passed through

// The last keyed call of this thread: its digest and key, and a context keyed with them.
struct LastKey {
  HMAC_CTX* keyed = nullptr;
  const EVP_MD* md = nullptr;
  int length = 0;
  std::array<unsigned char, k_max_key> key{};

  LastKey() = default;
  LastKey(const LastKey&) = delete;
  LastKey& operator=(const LastKey&) = delete;
  ~LastKey() { forget(); }

  bool matches(const void* k, int len, const EVP_MD* digest) const {
    if (keyed == nullptr || digest != md || len != length) return false;
    // Constant time, as for any comparison of key material.
    unsigned char diff = 0;
    const auto* p = static_cast<const unsigned char*>(k);
    for (int i = 0; i < len; ++i) diff = static_cast<unsigned char>(diff | (p[i] ^ key[static_cast<std::size_t>(i)]));
    return diff == 0;
  }

  void remember(const HMAC_CTX* ctx, const void* k, int len, const EVP_MD* digest) {
    const Hmac& h = libcrypto();
    if (keyed == nullptr) keyed = h.ctx_new();
    // HMAC_CTX_copy takes a non-const source, though it only reads it.
    if (keyed == nullptr || h.ctx_copy(keyed, const_cast<HMAC_CTX*>(ctx)) != 1) {
      forget();
      return;
    }
    md = digest;
    length = len;
    const auto* p = static_cast<const unsigned char*>(k);
    for (int i = 0; i < len; ++i) key[static_cast<std::size_t>(i)] = p[i];
  }

  void forget() {
    if (keyed != nullptr) libcrypto().ctx_free(keyed);  // HMAC_CTX_free cleanses it
    keyed = nullptr;
    md = nullptr;
    length = 0;
    explicit_bzero(key.data(), key.size());
  }
};

thread_local LastKey t_last;

}  // namespace

extern "C" __attribute__((visibility("default"))) int HMAC_Init_ex(HMAC_CTX* ctx, const void* key, int len,
                                                                   const EVP_MD* md, ENGINE* impl) {
  try {
    const Hmac& h = libcrypto();
    const bool keyed_call = ctx != nullptr && key != nullptr && md != nullptr && impl == nullptr && len >= 0 &&
                            len <= k_max_key;
    if (keyed_call && t_last.matches(key, len, md) && h.ctx_copy(ctx, t_last.keyed) == 1) return 1;
    const int r = h.init_ex(ctx, key, len, md, impl);
    if (r == 1 && keyed_call) t_last.remember(ctx, key, len, md);
    return r;
  } catch (...) {
    return 0;  // libcrypto could not be loaded: the caller sees an HMAC failure, as from OpenSSL
  }
}
