#pragma once
// An approximate nearest-neighbour index over the rows of a VectorIndex: the same normalised
// vectors the exact scan reads, so inner product is cosine similarity. Of one of two kinds
// (AnnKind): the nodes' rotated vectors as bits, all read per query (ann_codes.h, the default),
// or hnswlib's graph (HNSW). It only proposes candidate rows; ann_search.h rescores them exactly
// with the VectorIndex's own rows and dot(), so every score it returns is the scan's score for
// that row.
//
// Rows holding the same vector (the same chunk text twice: a page ingested under two names, a
// licence or navigation block on every page, a corpus repeated) are one node of the graph, which
// stands for all of them: copies fill a node's few links with each other (HNSW keeps `links`
// neighbours, and twelve copies of every vector left a 1.37M-row graph of 111,123 distinct
// vectors at recall 0.944 where the distinct vectors alone reach 0.98), and they cost the build
// and the memory of a vector each. A candidate node gives every row it stands for.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "search/ann_key.h"
#include "search/ann_settings.h"
#include "search/vector_index.h"

namespace strata::search {

class AnnCodes;

class AnnIndex {
 public:
  // The index of `settings`' kind over every row of `vectors` (copied: the index owns its
  // memory): the graph built with `settings`' links, breadth and threads, or the codes made on
  // its threads. Returns nullptr when `stop` becomes true during the
  // build. Throws strata::Error(unavailable) when the memory cannot be had.
  static std::unique_ptr<AnnIndex> build(const VectorIndex& vectors, const AnnSettings& settings,
                                         const std::atomic<bool>* stop = nullptr);
  ~AnnIndex();
  AnnIndex(const AnnIndex&) = delete;
  AnnIndex& operator=(const AnnIndex&) = delete;

  // About how many bytes an index of `rows` × `dims` with `links` per node takes when every row
  // is a node of its own (the most it can take): checked against AnnSettings::max_bytes before a
  // build begins.
  static std::size_t estimated_bytes(std::size_t rows, std::size_t dims, std::size_t links);
  // The same for `rows` rows of which `nodes` hold distinct vectors.
  static std::size_t estimated_bytes(std::size_t rows, std::size_t nodes, std::size_t dims, std::size_t links);
  // What an index of `settings`' kind takes over `rows` rows of `dims` values of which `nodes`
  // are distinct (all of them: the most it can take). What bytes() reports.
  static std::size_t estimated_bytes(const AnnSettings& settings, std::size_t rows, std::size_t nodes, std::size_t dims);
  static std::size_t estimated_bytes(const AnnSettings& settings, std::size_t rows, std::size_t dims);

  std::size_t rows() const { return rows_; }
  std::size_t nodes() const { return node_start_.empty() ? 0 : node_start_.size() - 1; }  // distinct vectors
  std::size_t dims() const { return dims_; }
  std::size_t bytes() const { return bytes_; }  // memory held (estimated_bytes of its shape)
  bool loaded() const { return loaded_; }         // read from a saved index rather than built
  AnnKind kind() const { return graph_ ? AnnKind::hnsw : AnnKind::rabitq; }

  // Saving and loading (ann_file.cpp): the index of `key` kept in two files of the store's
  // derived folder, `<collection id>.ann` (what it was built from, its kind and shape and its
  // nodes' rows) and `<collection id>.hnsw` (hnswlib's own saveIndex) or `.bits` (the codes), so
  // that a restart, or a second process on the same machine, loads it instead of building it
  // again.
  //
  // Writes both (temporary files created exclusively, then renamed over `meta_path` and its
  // graph file). Best effort: false, leaving no temporary file, when anything fails.
  bool save(const std::string& meta_path, const AnnKey& key, const AnnSettings& settings) const noexcept;
  // The saved index at `meta_path` when it was made for exactly `key`, `vectors`' shape and
  // `settings`' kind (and the graph's links and breadth), and both files are whole (sizes, checksums) and sound (every
  // link names a node on a level it has, every row one node, the nodes' vectors `vectors`'
  // rows); nullptr otherwise, never a crash for a damaged or planted file.
  static std::unique_ptr<AnnIndex> load(const std::string& meta_path, const AnnKey& key, const VectorIndex& vectors,
                                        const AnnSettings& settings) noexcept;
  // `<folder>/<collection_id>.ann`; empty when `folder` is.
  static std::string saved_file(const std::string& folder, std::int64_t collection_id);

  // The `count` nodes nearest `unit_query` (unit length, dims() values) by the graph, searched
  // with breadth `count` (at least 10), or by the codes' estimates; unordered. Thread-safe (const).
  std::vector<std::size_t> candidates(std::span<const float> unit_query, std::size_t count) const;
  // The rows node `node` stands for, ascending; the first is the one its vector was read from.
  std::span<const std::uint32_t> node_rows(std::size_t node) const {
    return {node_rows_.data() + node_start_[node], node_rows_.data() + node_start_[node + 1]};
  }

 private:
  struct Graph;
  AnnIndex() = default;
  std::unique_ptr<Graph> graph_;     // AnnKind::hnsw
  std::unique_ptr<AnnCodes> codes_;  // AnnKind::rabitq
  std::size_t rows_ = 0, dims_ = 0, bytes_ = 0;
  bool loaded_ = false;
  // Each node's first row, the one its vector is read from.
  std::vector<std::uint32_t> first_rows() const;
  // Node n stands for rows node_rows_[node_start_[n] .. node_start_[n + 1]), ascending.
  std::vector<std::uint32_t> node_start_, node_rows_;
};

}  // namespace strata::search
