#pragma once
// An approximate nearest-neighbour index (HNSW, hnswlib) over the rows of a VectorIndex: the same
// normalised vectors the exact scan reads, so inner product is cosine similarity. It only
// proposes candidate rows; ann_search.h rescores them exactly with the VectorIndex's own rows
// and dot(), so every score it returns is the scan's score for that row.
#include <atomic>
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "search/ann_settings.h"
#include "search/vector_index.h"

namespace strata::search {

class AnnIndex {
 public:
  // The graph over every row of `vectors` (copied: the index owns its memory), built with
  // `settings`' links, breadth and threads. Returns nullptr when `stop` becomes true during the
  // build. Throws strata::Error(unavailable) when the memory cannot be had.
  static std::unique_ptr<AnnIndex> build(const VectorIndex& vectors, const AnnSettings& settings,
                                         const std::atomic<bool>* stop = nullptr);
  ~AnnIndex();
  AnnIndex(const AnnIndex&) = delete;
  AnnIndex& operator=(const AnnIndex&) = delete;

  // About how many bytes an index of `rows` × `dims` with `links` per node takes: checked
  // against AnnSettings::max_bytes before a build begins.
  static std::size_t estimated_bytes(std::size_t rows, std::size_t dims, std::size_t links);

  std::size_t rows() const { return rows_; }
  std::size_t dims() const { return dims_; }
  std::size_t bytes() const { return bytes_; }  // memory held (estimated_bytes of its shape)

  // The `count` rows nearest `unit_query` (unit length, dims() values) by the graph, searched
  // with breadth `count` (at least 10); unordered. Thread-safe (const).
  std::vector<std::size_t> candidates(std::span<const float> unit_query, std::size_t count) const;

 private:
  struct Graph;
  AnnIndex() = default;
  std::unique_ptr<Graph> graph_;
  std::size_t rows_ = 0, dims_ = 0, bytes_ = 0;
};

}  // namespace strata::search
