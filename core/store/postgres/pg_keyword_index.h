#pragma once
// The keyword index's upkeep on PostgreSQL: what SQLite's chunks_fts triggers do (migration
// 0009), done by the code that writes chunks, in the same transaction. A chunk's terms go into
// chunk_terms (pg_terms.h), and each collection's BM25 statistics are kept exact as they go:
// keyword_stats (chunks, tokens) and term_stats (chunks per term; a term with none left has no
// row). Every write of chunks or of a title goes through here, so that the statistics are
// always what a recount of chunk_terms gives. chunk_terms is a view of chunk_term_blocks, each
// term's postings packed in blocks whose chunk ids never overlap (see the schema).
//
// REQUIRES for every function: inside a transaction holding the collection's write lock
// (pg_write_lock.h), so that no other writer adjusts the same statistics meanwhile.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "pq/connection.h"
#include "store/postgres/pg_terms.h"

namespace strata::store::pg {

// A term's postings as chunk_term_blocks holds them (migrations/postgres/0001): at most
// k_block_postings a block, in ascending chunk id.
inline constexpr std::size_t k_block_postings = 128;

struct Posting {
  std::int64_t chunk_id = 0, document_id = 0;
  std::int32_t text = 0, title = 0, cjk = 0, length = 0;
};

// The first byte of a block's `postings`, naming its layout (migrations/postgres/0002): wide, 24
// bytes a posting (chunk id in 8, hits and length in 4 each), as SQL writes it; narrow, the first
// chunk id in 8 bytes then 12 a posting (chunk id less that one in 4, hits and length in 2
// each), as append_block_row writes a block whose values all fit.
inline constexpr std::uint8_t k_postings_wide = 1;
inline constexpr std::uint8_t k_postings_narrow = 2;
inline constexpr std::size_t k_wide_posting_bytes = 24;
inline constexpr std::size_t k_narrow_posting_bytes = 12;
inline constexpr std::size_t k_narrow_header_bytes = 9;  // the layout byte and the first chunk id

// A block's row as COPY's text format takes it (after `collection\tterm\t`): first_chunk,
// last_chunk, chunk_ids, document_ids and postings (narrow when every value fits), ending in '\n'. REQUIRES: `postings` non-empty, at most
// k_block_postings, ascending chunk id.
void append_block_row(std::string& out, const Posting* postings, std::size_t count);

// Index rows waiting to be written: a transaction's worth of chunks' terms, written at once by
// flush() as blocks of one COPY (a term's postings of the batch packed into
// ceil(n / k_block_postings) rows, not n), with the statistics they add summed per term (one
// upsert of each term_stats row a batch, not one a document). Writing them a document at a time
// costs three times as much on the server as the rest of ingest. The writer flushes before it
// commits and before it removes index rows (which must then be in the table).
class PendingIndex {
 public:
  // The chunk's terms, and the chunk itself when `new_chunk` (keyword_stats counts it; a chunk
  // indexed again for a new title is not counted twice). A new chunk's id must be above every
  // chunk id of the collection's index (so it was inserted by this transaction, which holds the
  // collection's write lock): its postings go into new blocks after the others. Postings of an
  // older chunk are merged into the blocks around them.
  void add(std::int64_t document_id, std::int64_t chunk_id, const ChunkTerms& terms, bool new_chunk);
  bool empty() const { return rows_.empty() && chunks_ == 0 && tokens_ == 0; }
  std::size_t rows() const { return rows_.size(); }
  // Whether rows of this document are pending (they must be flushed before it loses its rows).
  bool holds(std::int64_t document_id) const { return documents_.contains(document_id); }

  // Writes what is pending into `collection_id`'s index and statistics; empty afterwards.
  void flush(pq::Connection& c, std::int64_t collection_id, std::string_view doing);
  // Forgets what is pending (its transaction was rolled back).
  void clear();

 private:
  struct Row {
    std::string term;
    Posting p;
    bool old = false;  // of a chunk indexed before this transaction
  };
  std::vector<Row> rows_;
  std::unordered_map<std::string, std::int64_t> chunks_per_term_;
  std::unordered_set<std::int64_t> documents_;
  std::int64_t chunks_ = 0;
  std::int64_t tokens_ = 0;
};

// Removes the document's postings and takes them out of the statistics; with `chunks`, removes
// its chunks too (and with them their vectors) and counts them out of keyword_stats. Returns the
// chunks removed (0 without `chunks`). The postings are found from the chunks' terms, tokenized
// again from the chunks and the document's title as they are in the table (so the title must not
// have changed since they were indexed); a document whose postings are not all found (an index
// written by another tokenizer) is an error, and nothing is removed. REQUIRES: none of its rows
// is pending.
std::int64_t drop_document_index(pq::Connection& c, std::int64_t collection_id, std::int64_t document_id,
                                 bool chunks, std::string_view doing);

// Removes the document: its chunks with drop_document_index, then its row.
void drop_document(pq::Connection& c, std::int64_t collection_id, std::int64_t document_id, std::string_view doing);

}  // namespace strata::store::pg
