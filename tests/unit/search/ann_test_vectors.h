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

// `rows` × `dims` values shaped as the built-in model's vectors are: sparse (about `nonzero` of
// each row's values set), never negative, so that every row leans one way, and drawn from a
// few dozen topics (a row's values mostly on its topic's dimensions), with `seed`.
inline std::vector<float> sparse_topic_matrix(std::size_t rows, std::size_t dims, std::size_t nonzero, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<std::size_t> dim(0, dims - 1), topic(0, 39);
  std::exponential_distribution<float> weight(1.0f);
  std::vector<std::vector<std::size_t>> topics(40);
  for (auto& t : topics) {
    for (std::size_t i = 0; i < nonzero * 2; ++i) t.push_back(dim(gen));
  }
  std::uniform_int_distribution<std::size_t> in_topic(0, nonzero * 2 - 1);
  std::vector<float> m(rows * dims, 0.0f);
  for (std::size_t r = 0; r < rows; ++r) {
    const auto& t = topics[topic(gen)];
    for (std::size_t i = 0; i < nonzero; ++i) {
      const std::size_t d = i % 3 == 0 ? dim(gen) : t[in_topic(gen)];
      m[r * dims + d] += weight(gen);
    }
  }
  return m;
}

inline std::shared_ptr<const search::VectorIndex> random_index(std::size_t rows, std::size_t dims, unsigned seed) {
  return std::make_shared<const search::VectorIndex>(random_matrix(rows, dims, seed), dims);
}

}  // namespace strata::testing
