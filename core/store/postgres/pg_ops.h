#pragma once
// The knowledge store on PostgreSQL: every operation of core/store's headers (collections.h,
// catalog.h, document_writer.h, search_store.h, embedding_store.h, ask_store.h) for a store whose
// kind() is StoreKind::postgres. Each public function of those headers starts with its branch
// here, so the contracts are theirs, word for word: same results, same order, same errors (the
// server named instead of the file). The schema is migrations/postgres/. Internal to core/store.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "pq/connection.h"
#include "store/ask_store.h"
#include "store/catalog.h"
#include "store/chunk_ref.h"
#include "store/collections.h"
#include "store/document_writer.h"
#include "store/embedding_store.h"
#include "store/search_store.h"
#include "store/store.h"

namespace strata::store {

// The store's connection (store.cpp). REQUIRES: store.kind() == StoreKind::postgres.
pq::Connection& pg_connection(Store& store);

namespace pg {

// ---- collections.h (pg_catalog.cpp) ----
std::optional<CollectionInfo> find_collection(Store& store, const std::string& name, CollectionDetail detail);
std::vector<CollectionInfo> list_collections(Store& store);
std::vector<std::string> collection_names(Store& store);
CollectionInfo remove_collection(Store& store, const std::string& name);

// ---- catalog.h (pg_catalog.cpp) ----
void for_each_document(Store& store, const std::string& collection,
                       const std::function<void(const DocumentSummary&)>& visit);
DocumentSummary get_document(Store& store, const std::string& collection, const std::string& source);
std::optional<DocumentSummary> find_document(Store& store, const std::string& collection, const std::string& source);
std::optional<DocumentSummary> find_document_by_path(Store& store, const std::string& collection,
                                                     const std::string& path);
std::vector<std::string> document_sources(Store& store, const std::string& collection);
void for_each_chunk(Store& store, std::int64_t document_id, const std::function<void(const ChunkView&)>& visit);
std::vector<DocumentSummary> remove_documents(Store& store, const std::string& collection,
                                              const std::vector<std::string>& sources);

// ---- document_writer.h (pg_writer.cpp) ----
// DocumentWriter's methods, one for one. begin() takes the collection's write lock (a
// transaction-level advisory lock keyed on the schema and the collection name), waiting up to
// the store's busy timeout; a timeout names the process holding it.
// Why a store on PostgreSQL cannot hold `doc` (DocumentWriter::refusal), or nullopt.
std::optional<std::string> unstorable(const DocumentRecord& doc);

class Writer {
 public:
  Writer(Store& store, std::string collection, std::string config_json, bool record_config);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  std::optional<StoredDocument> find(const std::string& source);
  std::optional<std::int64_t> known_config_id();
  void begin();
  void commit();
  bool in_transaction() const;
  PutResult put(const DocumentRecord& doc, bool force);
  std::vector<StoredDocument> files_under(const std::string& folder);
  std::vector<MisnamedDocument> documents_named_apart(const std::string& root);
  void rename(std::int64_t document_id, const std::string& source);
  void remove(std::int64_t document_id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---- search_store.h (pg_search.cpp) ----
bool any_document_passes(Store& store, std::int64_t collection_id, const std::vector<DocumentFilter>& filters);
bool collection_is_whole_store(Store& store, std::int64_t collection_id);
std::vector<std::string> terms_not_in_collection(Store& store, std::int64_t collection_id,
                                                 const std::vector<std::string>& terms);
std::vector<std::string> words_inside_no_term(Store& store, std::int64_t collection_id,
                                              const std::vector<std::string>& words);
std::vector<KeywordRow> keyword_search(Store& store, std::int64_t collection_id, const std::string& match,
                                       const std::vector<DocumentFilter>& filters, std::size_t limit);
std::vector<std::int64_t> filtered_chunk_ids(Store& store, std::int64_t collection_id,
                                             const std::vector<DocumentFilter>& filters);
VectorFingerprint vector_fingerprint(Store& store);
CollectionVectors load_vectors(Store& store, std::int64_t collection_id, std::size_t dims);
std::vector<std::int64_t> chunk_documents(Store& store, const std::vector<std::int64_t>& chunk_ids);
std::vector<ChunkRef> chunk_refs(Store& store, const std::vector<std::int64_t>& chunk_ids);

// ---- embedding_store.h (pg_embeddings.cpp) ----
class Embeddings {
 public:
  explicit Embeddings(Store& store);
  ~Embeddings();
  Embeddings(const Embeddings&) = delete;
  Embeddings& operator=(const Embeddings&) = delete;
  ChunkCounts chunk_counts(std::int64_t collection_id);
  void record_model(std::int64_t collection_id, const EmbeddingModel& model);
  std::int64_t switch_model(std::int64_t collection_id, const EmbeddingModel& model);
  std::int64_t count_pending(std::int64_t collection_id);
  std::vector<ChunkToEmbed> pending_chunks(std::int64_t collection_id, std::int64_t after_chunk_id, std::size_t limit);
  std::optional<std::int64_t> known_dimensions(const std::string& provider, const std::string& model);
  std::optional<std::string> cached_vector(const EmbeddingModel& model, const std::string& text_sha256,
                                           const std::string& scope);
  void store_vectors(const EmbeddingModel& model, std::span<const VectorRow> rows, std::optional<std::int64_t> record_on,
                     const std::string& scope);
  std::optional<std::string> chunk_vector(std::int64_t chunk_id);

 private:
  Store& store_;
};

// ---- ask_store.h (pg_asks.cpp) ----
class Asks {
 public:
  // Every statement also names owner_role = current_user (row-level security keeps a role to
  // its rows already: the condition says so where it is read, and plans with the index).
  Asks(Store& store, const AskPrincipal& principal);
  AskStore::Access access();
  std::optional<std::int64_t> last_conversation();
  std::optional<Conversation> conversation(std::int64_t id);
  std::optional<CachedAnswer> cached_answer(const std::string& key);
  AskStore::Written write(const AskRecord& record);
  std::vector<LlmCall> calls(std::size_t limit, std::optional<std::int64_t> conversation);
  std::optional<LlmCall> call(std::int64_t id);

 private:
  Store& store_;
  const AskPrincipal& principal_;
};

}  // namespace pg
}  // namespace strata::store
