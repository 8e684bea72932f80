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
};

// The fastest variant this CPU runs (AVX2 where available, else the baseline).
const VectorKernels& best_kernels();
// The baseline variant (SSE2 on x86-64, portable C++ elsewhere); tests compare the two.
const VectorKernels& baseline_kernels();

}  // namespace strata::search::detail
