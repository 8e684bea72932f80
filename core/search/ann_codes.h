#pragma once
// The approximate index's default kind (AnnKind::rabitq): every node's vector kept as one bit
// per dimension of a random rotation, after RaBitQ (Gao and Long, SIGMOD 2024). A query reads
// every code (a 384-d vector is 48 bytes, a 32nd of its float row) and estimates each node's
// inner product from them; the best estimates are the candidates that ann_search.h rescores
// exactly, so a returned score is always the scan's.
//
// Why this and not only the graph: the built-in model's vectors are sparse (an eighth of their
// values positive) with many near-ties, and a graph that finds their 10 nearest at recall 0.98
// must search nearly as wide as the scan (HNSW at 1.43M distinct vectors: 0.977 at 14.8 ms
// against the scan's 21.4 ms, after a 929 s build on 2 cores). The codes are built in seconds,
// take a fortieth of the graph's memory, and their estimate's error depends on the number of
// bits, not on how the vectors cluster (bench/ann.sh, BENCHMARKS.md).
//
// The rotation is orthogonal, so inner products are kept: the vector less the collection's mean
// is padded with zeros to whole 64-bit words and put through four rounds of random signs and
// normalised Walsh-Hadamard transforms (O(d log d) per vector, where a dense rotation of a
// 3072-d model would cost 9.4M multiplications each). Internal to core/search.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "search/vector_index.h"

namespace strata::search {

class AnnCodes {
 public:
  // The codes of the vectors of `vectors`' rows `first_rows` (one per node, in node order),
  // made on `threads` threads (at least 1). nullptr when `stop` becomes true.
  static std::unique_ptr<AnnCodes> build(const VectorIndex& vectors, std::span<const std::uint32_t> first_rows,
                                         std::size_t threads, const std::atomic<bool>* stop = nullptr);
  // The memory codes of `nodes` vectors of `dims` values take (their file's size).
  static std::size_t estimated_bytes(std::size_t nodes, std::size_t dims);

  std::size_t nodes() const { return nodes_; }

  // The `count` nodes whose estimated inner product with `unit_query` (dims values) is largest,
  // unordered; equal estimates keep the lower node. Thread-safe (const).
  std::vector<std::size_t> candidates(std::span<const float> unit_query, std::size_t count) const;

  // The codes as a file holds them (ann_file.cpp): the rotation's signs, the mean, the code
  // blocks and the two factors, native byte order, file_bytes(nodes, dims) bytes in all.
  static std::uint64_t file_bytes(std::size_t nodes, std::size_t dims);
  // Writes them to `fd` at its offset; false when a write fails.
  bool write_to(int fd) const;
  // The codes of `nodes` vectors of `dims` values read from `fd` from offset 0, when they are
  // sound: the signs those of this build's rotation (a file from another rotation would give
  // wrong estimates), the mean and factors finite, and the padding nodes empty; nullptr
  // otherwise. Its codes are checked against the vectors by codes_of (a wrong code would only
  // lower recall: candidates are rescored exactly).
  static std::unique_ptr<AnnCodes> read_from(int fd, std::size_t nodes, std::size_t dims);
  // Whether every `every`-th node's code is the one its vector (`vectors`' row `first_rows[node]`)
  // gives with these codes' mean: what a loaded file's codes are checked by.
  bool codes_of(const VectorIndex& vectors, std::span<const std::uint32_t> first_rows, std::size_t every) const;

 private:
  AnnCodes() = default;
  struct Query;
  Query prepare(std::span<const float> unit_query) const;
  // Estimates for the nodes of chunk `chunk` (kCodeChunkNodes of them) into `out`.
  void estimate_chunk(const Query& q, std::size_t chunk, float* out) const;
  // out = the rotation of `in` (dims_ values) less `minus` (dims_ values, or null), padded_ values.
  void rotate(const float* in, const float* minus, float* out) const;
  // The code of `vector` (words_ words into `bits`) and its two factors; `scratch` holds padded_.
  void encode(const float* vector, std::vector<float>& scratch, std::vector<std::uint64_t>& bits, float& factor,
              float& factor_ones) const;

  std::size_t dims_ = 0, padded_ = 0, words_ = 0, nodes_ = 0;
  std::vector<float> signs_;  // kRounds × padded_, each ±1
  std::vector<float> mean_;   // dims_
  // Block b of 8 nodes: words_ × 8 words, word-major (node 8b + r's word w at (b * words_ + w) * 8 + r);
  // whole chunks of blocks, the last padded with empty nodes.
  std::vector<std::uint64_t> blocks_;
  // Per node (padded to whole blocks with 0): |r|² / Σ|r_i| of its rotated vector r, which turns
  // the query's inner product with the code's ±1 values into the estimate, and that times the
  // code's 1 bits.
  std::vector<float> factor_, factor_ones_;
};

}  // namespace strata::search
