#pragma once
// Random vectors for the approximate index's tests (search_ann_test, search_ann_file_test).
#include <cstddef>
#include <memory>
#include <random>
#include <vector>

#include "search/vector_index.h"

namespace strata::testing {

// `rows` × `dims` values drawn from N(0, 1) with `seed`.
inline std::vector<float> random_matrix(std::size_t rows, std::size_t dims, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> m(rows * dims);
  for (float& v : m) v = normal(gen);
  return m;
}

inline std::shared_ptr<const search::VectorIndex> random_index(std::size_t rows, std::size_t dims, unsigned seed) {
  return std::make_shared<const search::VectorIndex>(random_matrix(rows, dims, seed), dims);
}

}  // namespace strata::testing
