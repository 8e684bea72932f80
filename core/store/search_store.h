#pragma once
// The store's side of `strata search`: every query retrieval runs against SQLite (the FTS5
// keyword query, the filters, the vectors of a collection, the hits' chunks). All their SQL is
// here; core/search ranks and fuses. The collection itself is looked up in collections.h.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/chunk_ref.h"
#include "store/embedding_store.h"
#include "store/store.h"

namespace strata::store {

// One `--where key=value`. `source`, `title`, `loader` and `path` are the document's fields;
// any other key is a top-level key of documents.metadata (matching a string equal to `value`,
// a number or boolean whose JSON text is `value`, or an array holding such an element).
// How a filter's value is compared: `key=value` equals, `key^=value` starts with (a folder:
// path^=/home/ann/docs/, source^=docs/), `key~value` matches a glob (SQLite GLOB: * ? [...],
// case-sensitive: source~*.md).
enum class FilterMatch { equals, prefix, glob };

struct DocumentFilter {
  std::string key, value;
  FilterMatch match = FilterMatch::equals;
};

struct KeywordRow {
  std::int64_t chunk_id = 0;
  double bm25 = 0;  // strata_bm25() (store/fts_bm25.h): negative, lower is better
};

// What a keyword search may set of its ranking beyond the fixed parameters (store/fts_bm25.h).
struct KeywordRanking {
  // The title cap in terms (capped_column_weight: a longer title weighs less); 0: none.
  int title_cap = 0;
};

// Which state of the store's vectors a matrix was read from. `generation` is the store-wide counter
// that triggers on the embeddings table bump on every insert, update and delete (migration 0005),
// so any change to any collection's vectors, even one replaced under a reused chunk id, changes
// it; `store_id` is random per store, so a store made again at the same path never matches.
struct VectorFingerprint {
  std::string store_id;
  std::int64_t generation = 0;
  bool operator==(const VectorFingerprint&) const = default;
};

// A collection's vectors, in chunk id order: row r of `matrix` (rows × dims floats, row-major)
// is chunk `chunk_ids[r]`'s vector.
struct CollectionVectors {
  VectorFingerprint fingerprint;  // read in the same transaction as the vectors
  std::vector<std::int64_t> chunk_ids;
  std::vector<float> matrix;
  std::size_t dims = 0;
};

// Every function throws Error(unavailable) naming the store when SQLite fails.

// Throws Error(usage) naming the flag for a filter whose key is empty.
void validate_filters(const std::vector<DocumentFilter>& filters);

// Whether any document of the collection passes every filter: a search with no hits says so
// when none does (the filter is wrong, not the query).
bool any_document_passes(Store& store, std::int64_t collection_id, const std::vector<DocumentFilter>& filters);

// True when every chunk of the store is in the collection (no document belongs to another
// one). Two index seeks.
bool collection_is_whole_store(Store& store, std::int64_t collection_id);

// The best `limit` chunks of the collection that pass every filter for the FTS5 MATCH
// expression `match` (never empty), best first (ascending bm25, then chunk id). The filters
// are in the same query, so they restrict the candidates before the LIMIT. When the collection
// is the whole store and there are no filters, FTS5's matches are ranked as they are (no join).
// The FTS5 strings among `terms` (each as fts_match_expression quotes a term) that no chunk of
// the collection holds in its text, title or CJK terms.
std::vector<std::string> terms_not_in_collection(Store& store, std::int64_t collection_id,
                                                 const std::vector<std::string>& terms);

// The `words` (letters and digits only) that are inside no term of the collection's keyword
// index: "back" is inside "rollback". A word with another character is never found. Another
// collection's terms do not count: a collection never mentions what only another one does.
std::vector<std::string> words_inside_no_term(Store& store, std::int64_t collection_id, const std::vector<std::string>& words);

// With `in_memory` (a long-running process), a backend that keeps a copy of the collection's index
// in memory may answer from it (SQLite: sqlite/keyword_memory.h), with the same rows and scores;
// the others ignore it. Every backend ranks alike under `ranking`. Throws Error(usage) for a
// negative title cap.
std::vector<KeywordRow> keyword_search(Store& store, std::int64_t collection_id, const std::string& match,
                                       const std::vector<DocumentFilter>& filters, std::size_t limit,
                                       bool in_memory = false, const KeywordRanking& ranking = {});

// What this process keeps of keyword indexes in memory (metrics): copies of SQLite collections'
// indexes (sqlite/keyword_memory.h: those ready, and their bytes) and posting blocks and phrase
// matches read from PostgreSQL stores (postgres/pg_postings_cache.h: their terms and phrases, and
// their bytes).
struct KeywordMemory {
  std::size_t copies_ready = 0, copies_bytes = 0;
  std::size_t kept_terms = 0, kept_bytes = 0;
};
KeywordMemory keyword_memory();

// Chunk ids of the collection that pass every filter, ascending.
std::vector<std::int64_t> filtered_chunk_ids(Store& store, std::int64_t collection_id,
                                             const std::vector<DocumentFilter>& filters);

// One row read: cheap enough to check before every query.
VectorFingerprint vector_fingerprint(Store& store);

// Throws Error(invalid_input) naming the chunk when a vector is not `dims` float32 values, and
// for dims above k_max_vector_dimensions (embedding_store.h) before reading any.
// REQUIRES: dims > 0.
CollectionVectors load_vectors(Store& store, std::int64_t collection_id, std::size_t dims);

// The document of each of `chunk_ids`, in the same order; 0 for an id no longer in the store.
std::vector<std::int64_t> chunk_documents(Store& store, const std::vector<std::int64_t>& chunk_ids);

// The chunks of `chunk_ids`, in the same order; ids no longer in the store are skipped. A chunk
// on one page has page_end == page_start.
std::vector<ChunkRef> chunk_refs(Store& store, const std::vector<std::int64_t>& chunk_ids);

// Where files derived from the store (search's vector snapshots) are kept on this machine, for
// the store whose id is `store_id` (VectorFingerprint::store_id): beside a file store
// (`<file>.vectors`); for a store on a server, the user's cache folder (OpenOptions::cache_folder)
// under `strata/stores/<store_id>`, created readable by the user alone (`private_to_user`), as
// its clients are many machines and users. `path` is empty when there is none (a store in
// memory, no cache folder, a store id that is not a plain name).
struct DerivedFolder {
  std::string path;
  bool private_to_user = false;
};
DerivedFolder derived_folder(Store& store, const std::string& store_id);

}  // namespace strata::store
