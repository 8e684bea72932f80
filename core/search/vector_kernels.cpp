#include "search/vector_kernels.h"

#include <bit>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define STRATA_X86_64 1
#else
#define STRATA_X86_64 0
#endif

namespace strata::search::detail {
namespace {

// Eight float lanes as a GCC/Clang vector extension: without -ffast-math a compiler may not
// reorder a float sum, so it cannot vectorise a plain dot-product loop; explicit lanes make the
// order part of the code. Built for SSE2 the type splits into two 4-lane halves, for AVX2 it is
// one register; the arithmetic per lane, and so the result, is the same.
typedef float Float8 __attribute__((vector_size(32)));

// Inlined into each variant so that each is compiled for its own instruction set.
__attribute__((always_inline)) inline float dot_body(const float* a, const float* b, std::size_t n) {
  Float8 acc0 = {}, acc1 = {}, acc2 = {}, acc3 = {};
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    Float8 x0, x1, x2, x3, y0, y1, y2, y3;
    std::memcpy(&x0, a + i, sizeof x0);
    std::memcpy(&x1, a + i + 8, sizeof x1);
    std::memcpy(&x2, a + i + 16, sizeof x2);
    std::memcpy(&x3, a + i + 24, sizeof x3);
    std::memcpy(&y0, b + i, sizeof y0);
    std::memcpy(&y1, b + i + 8, sizeof y1);
    std::memcpy(&y2, b + i + 16, sizeof y2);
    std::memcpy(&y3, b + i + 24, sizeof y3);
    acc0 += x0 * y0;
    acc1 += x1 * y1;
    acc2 += x2 * y2;
    acc3 += x3 * y3;
  }
  for (; i + 8 <= n; i += 8) {
    Float8 x, y;
    std::memcpy(&x, a + i, sizeof x);
    std::memcpy(&y, b + i, sizeof y);
    acc0 += x * y;
  }
  const Float8 acc = (acc0 + acc1) + (acc2 + acc3);
  float sum = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

float dot_base(const float* a, const float* b, std::size_t n) { return dot_body(a, b, n); }

// Inlined into the variants without AVX-512: std::popcount is one instruction where the
// variant's target has it, a few bit operations elsewhere.
__attribute__((always_inline)) inline void bit_scores_body(const std::uint64_t* blocks, std::size_t block_count,
                                                           std::size_t words, const std::uint64_t* planes,
                                                           std::size_t plane_count, std::int32_t* sums) {
  for (std::size_t b = 0; b < block_count; ++b) {
    const std::uint64_t* block = blocks + b * words * 8;
    for (std::size_t r = 0; r < 8; ++r) {
      std::int32_t sum = 0;
      for (std::size_t w = 0; w < words; ++w) {
        const std::uint64_t code = block[w * 8 + r];
        for (std::size_t j = 0; j < plane_count; ++j) sum += std::popcount(code & planes[j * words + w]) << j;
      }
      sums[b * 8 + r] = sum;
    }
  }
}

void bit_scores_base(const std::uint64_t* blocks, std::size_t block_count, std::size_t words,
                     const std::uint64_t* planes, std::size_t plane_count, std::int32_t* sums) {
  bit_scores_body(blocks, block_count, words, planes, plane_count, sums);
}

void scores_f32_base(const float* rows, std::size_t count, std::size_t dims, const float* q,
                     float* out) {
  for (std::size_t r = 0; r < count; ++r) out[r] = dot_body(rows + r * dims, q, dims);
}

#if STRATA_X86_64

// SSE2 is part of x86-64, so this variant runs everywhere. Codes are sign-extended to 16 bits
// and multiplied pairwise with pmaddwd, whose pair sums (<= 2 * 127 * 127) fit in 32 bits.
std::int32_t dot_i8_sse2(const std::int8_t* a, const std::int16_t* q, std::size_t n) {
  __m128i acc0 = _mm_setzero_si128(), acc1 = _mm_setzero_si128();
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i));
    const __m128i lo = _mm_srai_epi16(_mm_unpacklo_epi8(x, x), 8);
    const __m128i hi = _mm_srai_epi16(_mm_unpackhi_epi8(x, x), 8);
    acc0 = _mm_add_epi32(acc0, _mm_madd_epi16(lo, _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + i))));
    acc1 = _mm_add_epi32(acc1, _mm_madd_epi16(hi, _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + i + 8))));
  }
  alignas(16) std::int32_t lanes[4];
  _mm_store_si128(reinterpret_cast<__m128i*>(lanes), _mm_add_epi32(acc0, acc1));
  std::int32_t sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  for (; i < n; ++i) sum += std::int32_t{a[i]} * q[i];
  return sum;
}

void scores_i8_base(const std::int8_t* rows, std::size_t count, std::size_t dims,
                    const std::int16_t* q, std::int32_t* out) {
  for (std::size_t r = 0; r < count; ++r) out[r] = dot_i8_sse2(rows + r * dims, q, dims);
}

__attribute__((target("avx2"))) float dot_avx2(const float* a, const float* b, std::size_t n) {
  return dot_body(a, b, n);
}

__attribute__((target("avx2"))) void scores_f32_avx2(const float* rows, std::size_t count,
                                                     std::size_t dims, const float* q, float* out) {
  for (std::size_t r = 0; r < count; ++r) out[r] = dot_body(rows + r * dims, q, dims);
}

__attribute__((target("avx2"))) inline std::int32_t dot_i8_avx2(const std::int8_t* a,
                                                                const std::int16_t* q,
                                                                std::size_t n) {
  __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i x0 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)));
    const __m256i x1 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i + 16)));
    acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(x0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + i))));
    acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(x1, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + i + 16))));
  }
  alignas(32) std::int32_t lanes[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), _mm256_add_epi32(acc0, acc1));
  std::int32_t sum = 0;
  for (std::int32_t lane : lanes) sum += lane;
  for (; i < n; ++i) sum += std::int32_t{a[i]} * q[i];
  return sum;
}

__attribute__((target("avx2"))) void scores_i8_avx2(const std::int8_t* rows, std::size_t count,
                                                    std::size_t dims, const std::int16_t* q,
                                                    std::int32_t* out) {
  for (std::size_t r = 0; r < count; ++r) out[r] = dot_i8_avx2(rows + r * dims, q, dims);
}

__attribute__((target("avx2,popcnt"))) void bit_scores_avx2(const std::uint64_t* blocks, std::size_t block_count,
                                                           std::size_t words, const std::uint64_t* planes,
                                                           std::size_t plane_count, std::int32_t* sums) {
  bit_scores_body(blocks, block_count, words, planes, plane_count, sums);
}

// A block's 8 codes are one register a word: each plane's popcounts are summed per lane and
// weighted once at the end. The plane count is a template argument so that the per-plane sums
// stay in registers.
template <std::size_t Planes>
__attribute__((target("avx512f,avx512vpopcntdq"), always_inline)) inline void bit_scores_avx512_of(
    const std::uint64_t* blocks, std::size_t block_count, std::size_t words, const std::uint64_t* planes,
    std::int32_t* sums) {
  for (std::size_t b = 0; b < block_count; ++b) {
    const std::uint64_t* block = blocks + b * words * 8;
    __m512i per_plane[Planes];
    for (std::size_t j = 0; j < Planes; ++j) per_plane[j] = _mm512_setzero_si512();
    for (std::size_t w = 0; w < words; ++w) {
      const __m512i code = _mm512_loadu_si512(block + w * 8);
      for (std::size_t j = 0; j < Planes; ++j) {
        const __m512i plane = _mm512_set1_epi64(static_cast<long long>(planes[j * words + w]));
        per_plane[j] = _mm512_add_epi64(per_plane[j], _mm512_popcnt_epi64(_mm512_and_si512(code, plane)));
      }
    }
    // Σ 2^j p_j by Horner's rule, highest plane first. (The masked forms of the conversion: GCC
    // 12's unmasked ones start from an undefined register, which -Wmaybe-uninitialized reports.)
    __m512i sum = _mm512_setzero_si512();
    for (std::size_t j = Planes; j-- > 0;) sum = _mm512_add_epi64(_mm512_add_epi64(sum, sum), per_plane[j]);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(sums + b * 8), _mm512_maskz_cvtepi64_epi32(0xFF, sum));
  }
}

__attribute__((target("avx512f,avx512vpopcntdq,popcnt"))) void bit_scores_avx512(
    const std::uint64_t* blocks, std::size_t block_count, std::size_t words, const std::uint64_t* planes,
    std::size_t plane_count, std::int32_t* sums) {
  switch (plane_count) {  // the plane counts callers use (ann_codes.cpp: 4)
    case 4: bit_scores_avx512_of<4>(blocks, block_count, words, planes, sums); return;
    case 8: bit_scores_avx512_of<8>(blocks, block_count, words, planes, sums); return;
    default: bit_scores_body(blocks, block_count, words, planes, plane_count, sums); return;
  }
}

#else

void scores_i8_base(const std::int8_t* rows, std::size_t count, std::size_t dims,
                    const std::int16_t* q, std::int32_t* out) {
  for (std::size_t r = 0; r < count; ++r) {
    const std::int8_t* a = rows + r * dims;
    std::int32_t sum = 0;
    for (std::size_t i = 0; i < dims; ++i) sum += std::int32_t{a[i]} * q[i];
    out[r] = sum;
  }
}

#endif

constexpr VectorKernels kBaseline{
#if STRATA_X86_64
    "sse2",
#else
    "portable",
#endif
    dot_base, scores_f32_base, scores_i8_base, bit_scores_base};

#if STRATA_X86_64
constexpr VectorKernels kAvx2{"avx2", dot_avx2, scores_f32_avx2, scores_i8_avx2, bit_scores_avx2};
constexpr VectorKernels kAvx512{"avx2+avx512vpopcntdq", dot_avx2, scores_f32_avx2, scores_i8_avx2, bit_scores_avx512};
#endif

}  // namespace

const VectorKernels& baseline_kernels() { return kBaseline; }

const VectorKernels& best_kernels() {
#if STRATA_X86_64
  static const VectorKernels& best = !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt")) ? kBaseline
                                     : __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq")
                                         ? kAvx512
                                         : kAvx2;
  return best;
#else
  return kBaseline;
#endif
}

}  // namespace strata::search::detail
