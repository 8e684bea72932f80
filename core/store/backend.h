#pragma once
// The one seam between the store's operations and the database that holds them (as leveldb's
// Env, ccache's storage backends, dbmate's drivers): every operation of collections.h,
// catalog.h, search_store.h, and the stateful parts of document_writer.h, embedding_store.h and
// ask_store.h, each a pure virtual function here. A store's Backend is chosen once, from its path
// or URL, by the table of backends.cpp; the public functions forward to store.backend(). The
// implementations are peers: sqlite/ (a file) and postgres/ (a schema on a server). What holds
// for every backend (validation, what put() replaces, how a document's rows are formed) is said
// once, above them (the public .cpp files, document_rules.h), so a backend holds SQL only.
//
// Also api_keys.h's and jobs.h's rows. Each operation's contract is its public function's, word for word: same results, same order,
// same errors (Error(unavailable) naming the store when the database fails). Operations take the
// Store they serve for what messages name (store.path()) and its busy timeout. Internal to
// core/store: cli/ never includes it (public.h does not).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "store/api_keys.h"
#include "store/ask_store.h"
#include "store/catalog.h"
#include "store/chunk_ref.h"
#include "store/collections.h"
#include "store/document_writer.h"
#include "store/embedding_store.h"
#include "store/jobs.h"
#include "store/mcp_sessions.h"
#include "store/rate_buckets.h"
#include "store/search_store.h"
#include "store/store.h"

namespace strata::store {

// DocumentWriter's methods, one for one (document_writer.h says what each does).
class WriterBackend {
 public:
  virtual ~WriterBackend() = default;
  virtual std::optional<StoredDocument> find(const std::string& source) = 0;
  virtual std::optional<std::int64_t> known_config_id() = 0;
  virtual std::optional<std::string> refusal(const DocumentRecord& doc) const = 0;
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual bool in_transaction() const = 0;
  virtual PutResult put(const DocumentRecord& doc, bool force) = 0;
  virtual std::vector<StoredDocument> files_under(const std::string& folder) = 0;
  virtual std::vector<StoredDocument> documents_under(const std::string& folder, std::size_t limit) = 0;
  virtual std::vector<MisnamedDocument> documents_named_apart(const std::string& root) = 0;
  virtual void rename(std::int64_t document_id, const std::string& source) = 0;
  virtual void remove(std::int64_t document_id) = 0;
};

// EmbeddingStore's methods, one for one (embedding_store.h).
class EmbeddingsBackend {
 public:
  virtual ~EmbeddingsBackend() = default;
  virtual ChunkCounts chunk_counts(std::int64_t collection_id) = 0;
  virtual void record_model(std::int64_t collection_id, const EmbeddingModel& model) = 0;
  virtual std::int64_t switch_model(std::int64_t collection_id, const EmbeddingModel& model) = 0;
  virtual std::int64_t count_pending(std::int64_t collection_id) = 0;
  virtual std::vector<ChunkToEmbed> pending_chunks(std::int64_t collection_id, std::int64_t after_chunk_id,
                                                   std::size_t limit) = 0;
  virtual std::optional<std::int64_t> known_dimensions(const std::string& provider, const std::string& model) = 0;
  virtual std::optional<std::string> cached_vector(const EmbeddingModel& model, const std::string& text_sha256,
                                                   const std::string& scope) = 0;
  virtual void store_vectors(const EmbeddingModel& model, std::span<const VectorRow> rows,
                             std::optional<std::int64_t> record_on, const std::string& scope) = 0;
  virtual std::optional<std::string> chunk_vector(std::int64_t chunk_id) = 0;
};

// AskStore's methods, one for one (ask_store.h); the principal is checked above, in AskStore.
class AsksBackend {
 public:
  virtual ~AsksBackend() = default;
  virtual AskStore::Access access() = 0;
  virtual std::optional<std::int64_t> last_conversation() = 0;
  virtual std::optional<Conversation> conversation(std::int64_t id) = 0;
  virtual std::optional<CachedAnswer> cached_answer(const std::string& key) = 0;
  virtual AskStore::Written write(const AskRecord& record) = 0;
  virtual std::vector<LlmCall> calls(std::size_t limit, std::optional<std::int64_t> conversation) = 0;
  virtual std::optional<LlmCall> call(std::int64_t id) = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // False once a store on a server has lost its connection (Store::connected).
  virtual bool connected() const = 0;

  // The folder that files derived from this store (search's vector snapshots) are kept in, for
  // the store whose random id is `store_id` (VectorFingerprint): beside a file store, for a store
  // on a server the user's cache folder (OpenOptions::cache_folder) under that id. Empty when
  // there is none (a store in memory, no cache folder, an id that is not a plain name).
  virtual std::string derived_folder(const std::string& store_id) const = 0;
  // Whether derived_folder() is created readable by its user alone (it holds a server's data).
  virtual bool derived_folder_private() const = 0;

  // ---- collections.h ----
  virtual std::optional<CollectionInfo> find_collection(Store& store, const std::string& name,
                                                        CollectionDetail detail) = 0;
  virtual std::vector<CollectionInfo> list_collections(Store& store) = 0;
  virtual std::vector<std::string> collection_names(Store& store) = 0;
  virtual CollectionInfo remove_collection(Store& store, const std::string& name) = 0;

  // ---- catalog.h ----
  virtual void for_each_document(Store& store, const std::string& collection,
                                 const std::function<void(const DocumentSummary&)>& visit) = 0;
  virtual DocumentSummary get_document(Store& store, const std::string& collection, const std::string& source) = 0;
  virtual std::optional<DocumentSummary> find_document(Store& store, const std::string& collection,
                                                       const std::string& source) = 0;
  virtual std::optional<DocumentSummary> find_document_by_path(Store& store, const std::string& collection,
                                                               const std::string& path) = 0;
  virtual std::vector<std::string> document_sources(Store& store, const std::string& collection) = 0;
  virtual void for_each_chunk(Store& store, std::int64_t document_id,
                              const std::function<void(const ChunkView&)>& visit) = 0;
  virtual std::vector<DocumentSummary> remove_documents(Store& store, const std::string& collection,
                                                        const std::vector<std::string>& sources) = 0;

  // ---- search_store.h (filters already validated, dims already bounded) ----
  virtual bool any_document_passes(Store& store, std::int64_t collection_id,
                                   const std::vector<DocumentFilter>& filters) = 0;
  virtual bool collection_is_whole_store(Store& store, std::int64_t collection_id) = 0;
  virtual std::vector<std::string> terms_not_in_collection(Store& store, std::int64_t collection_id,
                                                           const std::vector<std::string>& terms) = 0;
  virtual std::vector<std::string> words_inside_no_term(Store& store, std::int64_t collection_id,
                                                        const std::vector<std::string>& words) = 0;
  virtual std::vector<KeywordRow> keyword_search(Store& store, std::int64_t collection_id, const std::string& match,
                                                 const std::vector<DocumentFilter>& filters, std::size_t limit,
                                                 bool in_memory, const KeywordRanking& ranking) = 0;
  virtual std::vector<std::int64_t> filtered_chunk_ids(Store& store, std::int64_t collection_id,
                                                       const std::vector<DocumentFilter>& filters) = 0;
  virtual VectorFingerprint vector_fingerprint(Store& store) = 0;
  virtual CollectionVectors load_vectors(Store& store, std::int64_t collection_id, std::size_t dims) = 0;
  virtual std::vector<std::int64_t> chunk_documents(Store& store, const std::vector<std::int64_t>& chunk_ids) = 0;
  virtual std::vector<ChunkRef> chunk_refs(Store& store, const std::vector<std::int64_t>& chunk_ids) = 0;

  // ---- api_keys.h (the row already checked) ----
  // False when a key of that name exists.
  virtual bool create_api_key(Store& store, const ApiKey& key, const std::string& secret_sha256) = 0;
  virtual std::vector<ApiKey> list_api_keys(Store& store) = 0;
  virtual std::optional<StoredApiKey> find_api_key(Store& store, const std::string& secret_sha256) = 0;
  // nullopt when there is no key of that name.
  virtual std::optional<ApiKey> revoke_api_key(Store& store, const std::string& name, const std::string& at) = 0;
  virtual bool record_api_key_use(Store& store, const std::string& name, const std::string& at,
                                  const std::string& not_before) = 0;

  // ---- jobs.h ----
  // Adds the job unless its owner has `bound` queued or running, counted in the same step.
  virtual JobAdmission create_job(Store& store, const Job& job, std::size_t bound) = 0;
  virtual std::optional<Job> find_job(Store& store, const std::string& id) = 0;
  virtual std::vector<Job> list_jobs(Store& store, const std::optional<std::string>& owner, std::size_t limit) = 0;
  virtual std::size_t count_active_jobs(Store& store, const std::string& owner) = 0;
  virtual std::vector<JobCount> count_jobs_by_kind(Store& store) = 0;
  virtual std::optional<Job> claim_job(Store& store, const std::string& runner, const std::string& at,
                                       const std::string& stale_before) = 0;
  virtual std::optional<bool> record_job_progress(Store& store, const std::string& id, const std::string& runner,
                                                  std::int64_t done, const std::optional<std::int64_t>& total,
                                                  const std::optional<std::string>& checkpoint) = 0;
  virtual std::vector<std::string> beat_jobs(Store& store, const std::string& runner, const std::string& at) = 0;
  virtual bool finish_job(Store& store, const std::string& id, const std::string& runner, JobStatus status,
                          const std::optional<std::string>& result, const std::optional<std::string>& error,
                          const std::string& at) = 0;
  virtual bool release_job(Store& store, const std::string& id, const std::string& runner) = 0;
  virtual std::optional<Job> cancel_job(Store& store, const std::string& id, const std::string& at) = 0;

  // ---- mcp_sessions.h ----
  virtual void save_mcp_session(Store& store, const std::string& id, const std::string& key, int version,
                                const std::string& at, const std::string& stale_before) = 0;
  virtual std::optional<int> use_mcp_session(Store& store, const std::string& id, const std::string& key,
                                             const std::string& at, const std::string& stale_before) = 0;
  virtual bool end_mcp_session(Store& store, const std::string& id, const std::string& key) = 0;

  // ---- rate_buckets.h ----
  virtual RateBucket use_rate_bucket(Store& store, const std::string& name, double capacity, double amount,
                                     RateUse use) = 0;

  // ---- the stateful parts: one object per DocumentWriter, EmbeddingStore, AskStore ----
  virtual std::unique_ptr<WriterBackend> writer(Store& store, std::string collection, std::string config_json,
                                                bool record_config) = 0;
  virtual std::unique_ptr<EmbeddingsBackend> embeddings(Store& store) = 0;
  // REQUIRES: `principal` outlives the object (AskStore holds both).
  virtual std::unique_ptr<AsksBackend> asks(Store& store, const AskPrincipal& principal) = 0;
};

// What opening a store on a backend gives Store (a row of backends.cpp).
struct OpenedBackend {
  std::unique_ptr<Backend> backend;
  std::string display;       // Store::path()
  std::int64_t version = 0;  // Store::schema_version()
};

}  // namespace strata::store
