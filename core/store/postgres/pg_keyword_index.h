#pragma once
// The keyword index's upkeep on PostgreSQL: what SQLite's chunks_fts triggers do (migration
// 0009), done by the code that writes chunks, in the same transaction. A chunk's terms go into
// chunk_terms (pg_terms.h), and each collection's BM25 statistics are kept exact as they go:
// keyword_stats (chunks, tokens) and term_stats (chunks per term; a term with none left has no
// row). Every write of chunks or of a title goes through here, so that the statistics are
// always what a recount of chunk_terms gives.
//
// REQUIRES for every function: inside a transaction holding the collection's write lock
// (pg_write_lock.h), so that no other writer adjusts the same statistics meanwhile.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pq/connection.h"
#include "store/postgres/pg_array.h"
#include "store/postgres/pg_terms.h"

namespace strata::store::pg {

// The chunk_terms rows of a document's chunks as the parameters of one statement. Each chunk is
// named by a key: its ordinal when its row is written by the same statement, else its id.
class IndexRows {
 public:
  void add(std::int64_t chunk_key, const ChunkTerms& terms);
  std::int64_t chunks() const { return chunks_; }
  bool empty() const { return chunks_ == 0; }

  // The statement's common table expressions writing the rows and the statistics, given a CTE
  // `ids (id, key)` before them holding each chunk's id and key. $1 is the document's id, $2
  // the collection's, $3 … $10 what params() gives.
  static const char* ctes();
  // $3 … $10 of ctes(), in order; the builder is empty again afterwards. `new_chunks`: the chunks
  // are new rows of the collection (keyword_stats counts them), not rows indexed again.
  std::vector<pq::Param> params(bool new_chunks);

 private:
  ArrayLiteral keys_, terms_, text_, title_, cjk_, length_;
  std::int64_t chunks_ = 0;
  std::int64_t tokens_ = 0;
};

// Removes the document's chunk_terms rows and takes them out of the statistics; with `chunks`,
// removes its chunks too (and with them their vectors) and counts them out of keyword_stats.
// Returns the chunks removed (0 without `chunks`).
std::int64_t drop_document_index(pq::Connection& c, std::int64_t collection_id, std::int64_t document_id,
                                 bool chunks, std::string_view doing);

// Removes the document: its chunks with drop_document_index, then its row.
void drop_document(pq::Connection& c, std::int64_t collection_id, std::int64_t document_id, std::string_view doing);

}  // namespace strata::store::pg
