#pragma once
// Collections: named corpora in one store, each with the chunking configuration it was built
// with. All SQL for the collections table lives here.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/embedding_store.h"
#include "store/store.h"

namespace strata::store {

// The one record of a collection, for every command that needs one (search, ask, ingest, embed,
// the catalog). What a lookup fills is said per field: the record itself is one row and two
// index reads; the listing's figures read every document row, and `embedded` every vector.
struct CollectionInfo {
  std::int64_t id = 0;
  std::string name;
  std::string chunk_config;  // canonical JSON; "{}" when nothing was ingested yet
  std::string created_at;
  std::optional<EmbeddingModel> embedding_model;  // as recorded by `strata embed` (or ingest)
  std::int64_t chunks = 0;   // the sum of its documents' chunk_count (an index alone)
  bool has_vectors = false;  // at least one chunk has a vector (stops at the first)
  // CollectionDetail::listing only (0 and "" otherwise).
  std::int64_t documents = 0;
  std::int64_t bytes = 0;  // sum of the documents' source sizes
  std::string last_ingested_at;
  // Chunks with a vector: counted by list_collections only (it visits every vector), nullopt
  // from the other functions.
  std::optional<std::int64_t> embedded;
};

// How much find_collection reads: `record` for a command that works on the collection (search,
// ask, ingest, embed), `listing` for one that reports its size.
enum class CollectionDetail { record, listing };

// Throws Error(usage) for a name that is empty, longer than 200 bytes or has control characters.
void validate_collection_name(const std::string& name);

// Every function throws Error(unavailable) naming the store when SQLite fails.
std::optional<CollectionInfo> find_collection(Store& store, const std::string& name,
                                              CollectionDetail detail = CollectionDetail::record);
// Every collection, by name, at CollectionDetail::listing with `embedded` counted.
std::vector<CollectionInfo> list_collections(Store& store);
// The names alone, sorted (for a "collections in this store" hint).
std::vector<std::string> collection_names(Store& store);

// Removes the collection with its documents, chunks and everything hanging off them, in one
// transaction. Throws Error(invalid_input) naming the collection when it does not exist.
CollectionInfo remove_collection(Store& store, const std::string& name);

}  // namespace strata::store
