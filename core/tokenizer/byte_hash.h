#pragma once
// The hash of a byte string used by the rank table and the piece cache. The rank table's slots
// are laid out at build time by generator/make_rank_table.cpp with this same function, so any
// change here changes the generated tables too (they are rebuilt, since both include this file).
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace strata::tokenizer {

namespace detail {

inline std::uint64_t load64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline std::uint64_t load32(const unsigned char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// 64x64->128 multiply folded to 64 bits (as in wyhash): cheap and mixes well.
__extension__ typedef unsigned __int128 u128;  // GCC and Clang; __extension__ keeps -Wpedantic quiet
inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  const u128 r = static_cast<u128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}

}  // namespace detail

// A 64-bit hash of `n` bytes at `data`. Pieces are short (mostly under 16 bytes), so the tail is
// read with overlapping loads rather than byte by byte. Depends on the host byte order; the
// tables are generated on the build host and only used by binaries for it.
inline std::uint64_t hash_bytes(const void* data, std::size_t n) {
  using detail::load32;
  using detail::load64;
  using detail::mix;
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t seed = 0x9E3779B97F4A7C15ull ^ (n * 0xA0761D6478BD642Full);
  while (n > 16) {
    seed = mix(load64(p) ^ 0xE7037ED1A0B428DBull, load64(p + 8) ^ seed);
    p += 16;
    n -= 16;
  }
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  if (n >= 8) {
    a = load64(p);
    b = load64(p + n - 8);
  } else if (n >= 4) {
    a = load32(p);
    b = load32(p + n - 4);
  } else if (n > 0) {
    a = (std::uint64_t{p[0]} << 16) | (std::uint64_t{p[n / 2]} << 8) | p[n - 1];
  }
  return mix(a ^ 0x8EBC6AF09C88C6E3ull ^ seed, b ^ 0x589965CC75374CC3ull ^ (seed >> 7));
}

// Whether [a, a+n) and [b, b+n) hold the same bytes. Inline overlapping loads for the short
// strings pieces and tokens are: a call to memcmp costs more than the comparison.
inline bool bytes_equal(const void* a, const void* b, std::size_t n) {
  using detail::load32;
  using detail::load64;
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  if (n > 16) return std::memcmp(x, y, n) == 0;
  if (n >= 8) return load64(x) == load64(y) && load64(x + n - 8) == load64(y + n - 8);
  if (n >= 4) return load32(x) == load32(y) && load32(x + n - 4) == load32(y + n - 4);
  for (std::size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return false;
  }
  return true;
}

}  // namespace strata::tokenizer
