#pragma once
// A long-running process's copy of the posting blocks its keyword searches read from a
// PostgreSQL store (`strata serve`, `strata mcp`: keyword_search's `in_memory`), so that a term
// searched again is scored from memory instead of being streamed from the server again (a
// frequent term's blocks are most of a search's time: pg_bm25.h).
//
// Entries are a term's blocks exactly as chunk_term_blocks holds them (the same bytes the scorer
// reads from the server, so the same rows and scores), filed under the state of the collection's
// index they were read in: the server and schema as the connection reached them, the store's
// random id, the collection, and its keyword_stats row's stamp (a random number every writer of
// its postings sets anew in the same statement: migrations/postgres/0013) and row version (xmin,
// new with every write of the row). A search
// reads that row in its snapshot and uses only entries of that very state; entries of other
// states are never used again and age out. Bounded: at most k_postings_cache_bytes in all, least
// recently used first out; a term whose blocks alone pass an eighth of that is not kept.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace strata::store::pg {

inline constexpr std::size_t k_postings_cache_bytes = std::size_t{256} << 20;

// A term's blocks (chunk_term_blocks.postings), in key order.
struct TermBlocks {
  std::vector<std::string> blocks;
  std::size_t bytes = 0;  // what the entry holds, as the cache counts it
  // The most any of its postings adds to a chunk's score in the state it was read in (whose
  // statistics fix every posting's value), once a search has worked it out (pg_bm25.cpp's
  // pruning); below 0 until then.
  std::shared_ptr<std::atomic<double>> best = std::make_shared<std::atomic<double>>(-1.0);
};

// Where a collection's index is, and in which state: equal states hold equal postings.
struct PostingsState {
  std::string store;        // the connection's display (server, database, schema) and the store's id
  std::int64_t collection = 0;
  std::string version;      // keyword_stats' stamp and row version
};

class PostingsCache {
 public:
  static PostingsCache& process();

  // The term's blocks in `state`, or null.
  std::shared_ptr<const TermBlocks> find(const PostingsState& state, const std::string& term);
  // Keeps `blocks` as the term's in `state` unless they alone pass an eighth of the bound.
  void put(const PostingsState& state, const std::string& term, std::shared_ptr<const TermBlocks> blocks);

  std::size_t bytes() const;
  std::size_t terms() const;
  // Forgets everything (tests).
  void clear();

  explicit PostingsCache(std::size_t max_bytes = k_postings_cache_bytes);
  ~PostingsCache();
  PostingsCache(const PostingsCache&) = delete;
  PostingsCache& operator=(const PostingsCache&) = delete;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::store::pg
