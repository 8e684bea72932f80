// core/pq/pq_hmac.cpp: strata's HMAC_Init_ex must leave every context exactly as libcrypto's
// would, whatever the order of keys, digests and contexts. PBKDF2 computed libpq's way (a keyed
// HMAC_Init_ex in every round, as in PostgreSQL 15's scram_SaltedPassword) through it is compared
// with libcrypto's own PKCS5_PBKDF2_HMAC.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <openssl/types.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int HMAC_Init_ex(HMAC_CTX* ctx, const void* key, int len, const EVP_MD* md, ENGINE* impl);

namespace {

struct Crypto {
  HMAC_CTX* (*ctx_new)() = nullptr;
  void (*ctx_free)(HMAC_CTX*) = nullptr;
  int (*update)(HMAC_CTX*, const unsigned char*, std::size_t) = nullptr;
  int (*final)(HMAC_CTX*, unsigned char*, unsigned int*) = nullptr;
  const EVP_MD* (*sha256)() = nullptr;
  const EVP_MD* (*sha1)() = nullptr;
  int (*pbkdf2)(const char*, int, const unsigned char*, int, int, const EVP_MD*, int, unsigned char*) = nullptr;
  int (*real_init)(HMAC_CTX*, const void*, int, const EVP_MD*, ENGINE*) = nullptr;
};

template <typename Fn>
void load(void* h, const char* name, Fn& slot) {
  slot = reinterpret_cast<Fn>(dlsym(h, name));
  ASSERT_NE(slot, nullptr) << name;
}

const Crypto& crypto() {
  static const Crypto c = [] {
    Crypto k;
    void* h = dlopen("libcrypto.so.3", RTLD_LAZY | RTLD_LOCAL);
    EXPECT_NE(h, nullptr);
    load(h, "HMAC_CTX_new", k.ctx_new);
    load(h, "HMAC_CTX_free", k.ctx_free);
    load(h, "HMAC_Update", k.update);
    load(h, "HMAC_Final", k.final);
    load(h, "EVP_sha256", k.sha256);
    load(h, "EVP_sha1", k.sha1);
    load(h, "PKCS5_PBKDF2_HMAC", k.pbkdf2);
    load(h, "HMAC_Init_ex", k.real_init);
    return k;
  }();
  return c;
}

using Digest = std::vector<unsigned char>;

Digest mac(HMAC_CTX* ctx, const Digest& data) {
  const Crypto& c = crypto();
  std::array<unsigned char, 64> out{};
  unsigned int n = 0;
  EXPECT_EQ(c.update(ctx, data.data(), data.size()), 1);
  EXPECT_EQ(c.final(ctx, out.data(), &n), 1);
  return Digest(out.begin(), out.begin() + n);
}

// The first block of PBKDF2, keyed afresh in every round, as libpq 15 does.
Digest pbkdf2_like_libpq(HMAC_CTX* ctx, const std::string& password, const Digest& salt, int rounds,
                         const EVP_MD* md) {
  Digest block = salt;
  block.insert(block.end(), {0, 0, 0, 1});
  EXPECT_EQ(HMAC_Init_ex(ctx, password.data(), static_cast<int>(password.size()), md, nullptr), 1);
  Digest u = mac(ctx, block);
  Digest result = u;
  for (int i = 1; i < rounds; ++i) {
    EXPECT_EQ(HMAC_Init_ex(ctx, password.data(), static_cast<int>(password.size()), md, nullptr), 1);
    u = mac(ctx, u);
    for (std::size_t j = 0; j < result.size(); ++j) result[j] ^= u[j];
  }
  return result;
}

Digest pbkdf2_reference(const std::string& password, const Digest& salt, int rounds, const EVP_MD* md,
                        std::size_t size) {
  Digest out(size);
  EXPECT_EQ(crypto().pbkdf2(password.data(), static_cast<int>(password.size()), salt.data(),
                            static_cast<int>(salt.size()), rounds, md, static_cast<int>(size), out.data()),
            1);
  return out;
}

TEST(PqHmacTest, ThisHmacInitExIsStratasOwn) {
  EXPECT_NE(reinterpret_cast<void*>(&HMAC_Init_ex), reinterpret_cast<void*>(crypto().real_init));
}

TEST(PqHmacTest, ScramKeyDerivationMatchesLibcrypto) {
  const Crypto& c = crypto();
  HMAC_CTX* ctx = c.ctx_new();
  const Digest salt = {0x4e, 0x9a, 0x01, 0xff, 0x00, 0x37, 0x12, 0x88, 0x90, 0x0d, 0xbe, 0xef, 0x10, 0x20, 0x30, 0x40};
  for (const std::string& password : {std::string("pw-713022964"), std::string(""), std::string("ünïcödé ключ"),
                                      std::string(64, 'k'), std::string(100, 'x')}) {
    for (int rounds : {1, 2, 4096}) {
      EXPECT_EQ(pbkdf2_like_libpq(ctx, password, salt, rounds, c.sha256()),
                pbkdf2_reference(password, salt, rounds, c.sha256(), 32))
          << password << " x" << rounds;
    }
  }
  c.ctx_free(ctx);
}

TEST(PqHmacTest, KeysDigestsAndContextsInAnyOrder) {
  const Crypto& c = crypto();
  HMAC_CTX* a = c.ctx_new();
  HMAC_CTX* b = c.ctx_new();
  const Digest salt = {1, 2, 3, 4, 5, 6, 7, 8};
  // Alternate two passwords and two digests on two contexts: every call must use its own key.
  for (int i = 0; i < 6; ++i) {
    const std::string password = i % 2 == 0 ? "alpha" : "beta";
    const EVP_MD* md = i % 3 == 0 ? c.sha1() : c.sha256();
    const std::size_t size = md == c.sha1() ? 20 : 32;
    HMAC_CTX* ctx = i % 4 < 2 ? a : b;
    EXPECT_EQ(pbkdf2_like_libpq(ctx, password, salt, 50, md), pbkdf2_reference(password, salt, 50, md, size)) << i;
  }
  // A key given by pointer to the same bytes elsewhere is the same key.
  const std::string k1 = "same-key";
  const std::string k2 = k1;
  const Digest data = {9, 9, 9};
  ASSERT_EQ(HMAC_Init_ex(a, k1.data(), static_cast<int>(k1.size()), c.sha256(), nullptr), 1);
  const Digest first = mac(a, data);
  ASSERT_EQ(HMAC_Init_ex(b, k2.data(), static_cast<int>(k2.size()), c.sha256(), nullptr), 1);
  EXPECT_EQ(mac(b, data), first);
  // A key that differs in its last byte only is another key.
  const std::string k3 = "same-kez";
  ASSERT_EQ(HMAC_Init_ex(a, k3.data(), static_cast<int>(k3.size()), c.sha256(), nullptr), 1);
  EXPECT_NE(mac(a, data), first);
  // NULL key and digest: OpenSSL reuses the context's own key, also after a copied keying.
  ASSERT_EQ(HMAC_Init_ex(b, k2.data(), static_cast<int>(k2.size()), c.sha256(), nullptr), 1);
  ASSERT_EQ(HMAC_Init_ex(b, k2.data(), static_cast<int>(k2.size()), c.sha256(), nullptr), 1);
  (void)mac(b, {1});
  ASSERT_EQ(HMAC_Init_ex(b, nullptr, 0, nullptr, nullptr), 1);
  EXPECT_EQ(mac(b, data), first);
  c.ctx_free(a);
  c.ctx_free(b);
}

TEST(PqHmacTest, AFreshContextKeyedWithARepeatedKey) {
  const Crypto& c = crypto();
  const std::string key = "repeated";
  const Digest data = {42};
  HMAC_CTX* reference = c.ctx_new();
  ASSERT_EQ(c.real_init(reference, key.data(), static_cast<int>(key.size()), c.sha256(), nullptr), 1);
  const Digest expected = mac(reference, data);
  c.ctx_free(reference);
  for (int i = 0; i < 3; ++i) {  // the second and third take the copy
    HMAC_CTX* ctx = c.ctx_new();
    ASSERT_EQ(HMAC_Init_ex(ctx, key.data(), static_cast<int>(key.size()), c.sha256(), nullptr), 1);
    EXPECT_EQ(mac(ctx, data), expected) << i;
    c.ctx_free(ctx);
  }
}

}  // namespace
