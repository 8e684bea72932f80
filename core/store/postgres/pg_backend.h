#pragma once
// The knowledge store on PostgreSQL (backend.h): a schema on a server (default `strata`), from
// migrations/postgres/. Each operation keeps its public function's contract word for word: same
// results, same order, same errors (the server named instead of the file). Internal to
// core/store.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pq/connection.h"
#include "store/backend.h"
#include "store/store.h"

namespace strata::store {

// The store's connection. Throws Error(unavailable) ("internal error") for a store on another
// backend.
pq::Connection& pg_connection(Store& store);

namespace pg {

// The backend table's row (backends.cpp). A postgres:// or postgresql:// URL, in any case.
bool recognises(std::string_view path);
// The URL with its password as *** (as Store::path() of an open store, without the schema).
std::string display(const std::string& path);
// Store::open, open_existing and open_read_only of a URL, as store.h says.
OpenedBackend open(const std::string& url, const OpenOptions& options);
OpenedBackend open_existing(const std::string& url, const OpenOptions& options);
std::optional<OpenedBackend> open_read_only(const std::string& url, const OpenOptions& options);

class Backend final : public store::Backend {
 public:
  // `cache_folder`: OpenOptions::cache_folder.
  Backend(std::unique_ptr<pq::Connection> connection, std::string cache_folder)
      : connection_(std::move(connection)), cache_folder_(std::move(cache_folder)) {}

  pq::Connection& connection() { return *connection_; }

  bool connected() const override { return !connection_->lost(); }
  std::string derived_folder(const std::string& store_id) const override;
  bool derived_folder_private() const override { return true; }

  // pg_catalog.cpp
  std::optional<CollectionInfo> find_collection(Store& store, const std::string& name, CollectionDetail detail) override;
  std::vector<CollectionInfo> list_collections(Store& store) override;
  std::vector<std::string> collection_names(Store& store) override;
  CollectionInfo remove_collection(Store& store, const std::string& name) override;
  void for_each_document(Store& store, const std::string& collection,
                         const std::function<void(const DocumentSummary&)>& visit) override;
  DocumentSummary get_document(Store& store, const std::string& collection, const std::string& source) override;
  std::optional<DocumentSummary> find_document(Store& store, const std::string& collection,
                                               const std::string& source) override;
  std::optional<DocumentSummary> find_document_by_path(Store& store, const std::string& collection,
                                                       const std::string& path) override;
  std::vector<std::string> document_sources(Store& store, const std::string& collection) override;
  void for_each_chunk(Store& store, std::int64_t document_id, const std::function<void(const ChunkView&)>& visit) override;
  std::vector<DocumentSummary> remove_documents(Store& store, const std::string& collection,
                                                const std::vector<std::string>& sources) override;

  // pg_search.cpp
  bool any_document_passes(Store& store, std::int64_t collection_id, const std::vector<DocumentFilter>& filters) override;
  bool collection_is_whole_store(Store& store, std::int64_t collection_id) override;
  std::vector<std::string> terms_not_in_collection(Store& store, std::int64_t collection_id,
                                                   const std::vector<std::string>& terms) override;
  std::vector<std::string> words_inside_no_term(Store& store, std::int64_t collection_id,
                                                const std::vector<std::string>& words) override;
  std::vector<KeywordRow> keyword_search(Store& store, std::int64_t collection_id, const std::string& match,
                                         const std::vector<DocumentFilter>& filters, std::size_t limit,
                                         bool in_memory, const KeywordRanking& ranking) override;
  std::vector<std::int64_t> filtered_chunk_ids(Store& store, std::int64_t collection_id,
                                               const std::vector<DocumentFilter>& filters) override;
  VectorFingerprint vector_fingerprint(Store& store) override;
  CollectionVectors load_vectors(Store& store, std::int64_t collection_id, std::size_t dims) override;
  std::vector<std::int64_t> chunk_documents(Store& store, const std::vector<std::int64_t>& chunk_ids) override;
  std::vector<ChunkRef> chunk_refs(Store& store, const std::vector<std::int64_t>& chunk_ids) override;

  // pg_writer.cpp, pg_embeddings.cpp, pg_asks.cpp
  std::unique_ptr<WriterBackend> writer(Store& store, std::string collection, std::string config_json,
                                        bool record_config) override;
  std::unique_ptr<EmbeddingsBackend> embeddings(Store& store) override;
  std::unique_ptr<AsksBackend> asks(Store& store, const AskPrincipal& principal) override;

  // pg_mcp_sessions.cpp
  void save_mcp_session(Store& store, const std::string& id, const std::string& key, int version, const std::string& at,
                        const std::string& stale_before) override;
  std::optional<int> use_mcp_session(Store& store, const std::string& id, const std::string& key, const std::string& at,
                                     const std::string& stale_before) override;
  bool end_mcp_session(Store& store, const std::string& id, const std::string& key) override;

  // pg_rate_buckets.cpp
  RateBucket use_rate_bucket(Store& store, const std::string& name, double capacity, double amount, RateUse use) override;

  // pg_jobs.cpp
  JobAdmission create_job(Store& store, const Job& job, std::size_t bound) override;
  std::optional<Job> find_job(Store& store, const std::string& id) override;
  std::vector<Job> list_jobs(Store& store, const std::optional<std::string>& owner, std::size_t limit) override;
  std::size_t count_active_jobs(Store& store, const std::string& owner) override;
  std::vector<JobCount> count_jobs_by_kind(Store& store) override;
  std::optional<Job> claim_job(Store& store, const std::string& runner, const std::string& at,
                               const std::string& stale_before) override;
  std::optional<bool> record_job_progress(Store& store, const std::string& id, const std::string& runner,
                                          std::int64_t done, const std::optional<std::int64_t>& total,
                                          const std::optional<std::string>& checkpoint) override;
  std::vector<std::string> beat_jobs(Store& store, const std::string& runner, const std::string& at) override;
  bool finish_job(Store& store, const std::string& id, const std::string& runner, JobStatus status,
                  const std::optional<std::string>& result, const std::optional<std::string>& error,
                  const std::string& at) override;
  bool release_job(Store& store, const std::string& id, const std::string& runner) override;
  std::optional<Job> cancel_job(Store& store, const std::string& id, const std::string& at) override;

  // pg_api_keys.cpp
  bool create_api_key(Store& store, const ApiKey& key, const std::string& secret_sha256) override;
  std::vector<ApiKey> list_api_keys(Store& store) override;
  std::optional<StoredApiKey> find_api_key(Store& store, const std::string& secret_sha256) override;
  std::optional<ApiKey> revoke_api_key(Store& store, const std::string& name, const std::string& at) override;
  bool record_api_key_use(Store& store, const std::string& name, const std::string& at,
                          const std::string& not_before) override;

 private:
  std::unique_ptr<pq::Connection> connection_;
  std::string cache_folder_;
};

// Why a store on PostgreSQL cannot hold `doc` (DocumentWriter::refusal), or nullopt.
std::optional<std::string> unstorable(const DocumentRecord& doc);

// DocumentWriter on PostgreSQL (pg_writer.cpp). begin() takes the collection's write lock (a
// transaction-level advisory lock keyed on the schema and the collection name), waiting up to
// the store's busy timeout; a timeout names the process holding it.
class Writer final : public WriterBackend {
 public:
  Writer(Store& store, std::string collection, std::string config_json, bool record_config);
  ~Writer() override;
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  std::optional<StoredDocument> find(const std::string& source) override;
  std::optional<std::int64_t> known_config_id() override;
  std::optional<std::string> refusal(const DocumentRecord& doc) const override { return unstorable(doc); }
  void begin() override;
  void commit() override;
  bool in_transaction() const override;
  PutResult put(const DocumentRecord& doc, bool force) override;
  std::vector<StoredDocument> files_under(const std::string& folder) override;
  std::vector<StoredDocument> documents_under(const std::string& folder, std::size_t limit) override;
  std::vector<MisnamedDocument> documents_named_apart(const std::string& root) override;
  void rename(std::int64_t document_id, const std::string& source) override;
  void remove(std::int64_t document_id) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// EmbeddingStore on PostgreSQL (pg_embeddings.cpp).
class Embeddings final : public EmbeddingsBackend {
 public:
  explicit Embeddings(Store& store);
  ~Embeddings() override;
  Embeddings(const Embeddings&) = delete;
  Embeddings& operator=(const Embeddings&) = delete;
  ChunkCounts chunk_counts(std::int64_t collection_id) override;
  void record_model(std::int64_t collection_id, const EmbeddingModel& model) override;
  std::int64_t switch_model(std::int64_t collection_id, const EmbeddingModel& model) override;
  std::int64_t count_pending(std::int64_t collection_id) override;
  std::vector<ChunkToEmbed> pending_chunks(std::int64_t collection_id, std::int64_t after_chunk_id,
                                           std::size_t limit) override;
  std::optional<std::int64_t> known_dimensions(const std::string& provider, const std::string& model) override;
  std::optional<std::string> cached_vector(const EmbeddingModel& model, const std::string& text_sha256,
                                           const std::string& scope) override;
  void store_vectors(const EmbeddingModel& model, std::span<const VectorRow> rows, std::optional<std::int64_t> record_on,
                     const std::string& scope) override;
  std::optional<std::string> chunk_vector(std::int64_t chunk_id) override;

 private:
  Store& store_;
};

// AskStore on PostgreSQL (pg_asks.cpp).
class Asks final : public AsksBackend {
 public:
  // Every statement also names owner_role = current_user (row-level security keeps a role to
  // its rows already: the condition says so where it is read, and plans with the index).
  Asks(Store& store, const AskPrincipal& principal);
  AskStore::Access access() override;
  std::optional<std::int64_t> last_conversation() override;
  std::optional<Conversation> conversation(std::int64_t id) override;
  std::optional<CachedAnswer> cached_answer(const std::string& key) override;
  AskStore::Written write(const AskRecord& record) override;
  std::vector<LlmCall> calls(std::size_t limit, std::optional<std::int64_t> conversation) override;
  std::optional<LlmCall> call(std::int64_t id) override;

 private:
  Store& store_;
  const AskPrincipal& principal_;
};

}  // namespace pg
}  // namespace strata::store
