#pragma once
// Internal to core/search: the inner loops of vector search, one implementation per instruction
// set, chosen once at run time. Every variant returns bit-identical results: the float lanes
// are summed in one fixed order and never fused (no FMA), and integer sums are exact.
#include <cstddef>
#include <cstdint>

namespace strata::search::detail {

struct VectorKernels {
  const char* name;
  // sum a[i] * b[i], i < n
  float (*dot_f32)(const float* a, const float* b, std::size_t n);
  // out[r] = dot_f32(rows + r * dims, q, dims) for r < count
  void (*scores_f32)(const float* rows, std::size_t count, std::size_t dims, const float* q,
                     float* out);
  // out[r] = sum rows[r * dims + i] * q[i] for r < count, exact in int32.
  // REQUIRES: |codes| <= 127, |q| <= 127, dims <= 130000 (so the sum cannot overflow).
  void (*scores_i8)(const std::int8_t* rows, std::size_t count, std::size_t dims,
                    const std::int16_t* q, std::int32_t* out);
  // For `block_count` blocks of 8 bit codes of `words` 64-bit words each, stored word-major
  // (code r of block b has its word w at blocks[(b * words + w) * 8 + r]), and `plane_count`
  // bit planes of the query (plane j's word w at planes[j * words + w]):
  //   sums[8b + r] = sum over j of 2^j * popcount(code & plane j)
  // Exact. REQUIRES: words * 64 * 2^plane_count < 2^31.
  void (*bit_scores)(const std::uint64_t* blocks, std::size_t block_count, std::size_t words,
                     const std::uint64_t* planes, std::size_t plane_count, std::int32_t* sums);
};

// The fastest variant this CPU runs (AVX2 where available, with AVX-512's popcount for the bit
// codes where that is too; else the baseline).
const VectorKernels& best_kernels();
// The baseline variant (SSE2 on x86-64, portable C++ elsewhere); tests compare the two.
const VectorKernels& baseline_kernels();

}  // namespace strata::search::detail
