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

struct CollectionInfo {
  std::int64_t id = 0;
  std::string name;
  std::string chunk_config;  // canonical JSON; "{}" when nothing was ingested yet
  std::string created_at;
  std::int64_t documents = 0;
  std::int64_t chunks = 0;
  std::int64_t bytes = 0;  // sum of the documents' source sizes
  std::string last_ingested_at;
  std::optional<EmbeddingModel> embedding_model;  // as recorded by `strata embed` (or ingest)
  // Chunks with a vector: counted by list_collections only (it visits every vector), nullopt
  // from the other functions.
  std::optional<std::int64_t> embedded;
};

// Throws Error(usage) for a name that is empty, longer than 200 bytes or has control characters.
void validate_collection_name(const std::string& name);

std::optional<CollectionInfo> find_collection(Store& store, const std::string& name);
std::vector<CollectionInfo> list_collections(Store& store);

// Removes the collection with its documents, chunks and everything hanging off them, in one
// transaction. Throws Error(invalid_input) naming the collection when it does not exist.
CollectionInfo remove_collection(Store& store, const std::string& name);

}  // namespace strata::store
