#pragma once
// The knowledge store in one SQLite file (backend.h): its schema from the migrations of the
// top-level migrations/ folder. Also the store's SQLite connection, for core code that owns SQL
// (core/store/sqlite/*, tests). Not for cli/: it cannot include SQLiteCpp, and that is the point.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "sqlite/connection.h"
#include "store/backend.h"
#include "store/embedding_store.h"
#include "store/sqlite/store_state.h"
#include "store/store.h"

namespace strata::store {

// The SQLite store's connection. Throws Error(unavailable) ("internal error") for a store on
// another backend: a caller that reaches here for one is a bug, said as one.
SQLite::Database& database(Store& store);
// The same connection with strata's error translation (Connection::fail, Transaction).
sqlite::Connection& connection(Store& store);

// A collection's recorded embedding model, read from the current row's columns `first`
// (embedding_provider), `first + 1` (embedding_model), `first + 2` (embedding_dimensions) and
// `first + 3` (embedding_server), `first + 4` and `first + 5` (the query and document
// prefixes): nullopt until a provider and a model are recorded; a NULL size (one still to
// learn) is 0, a NULL server or prefix "".
std::optional<EmbeddingModel> recorded_model(SQLite::Statement& row, int first);

// A nullable column as an optional.
inline std::optional<std::int64_t> optional_int(const SQLite::Column& c) {
  return c.isNull() ? std::nullopt : std::optional<std::int64_t>(c.getInt64());
}
inline std::optional<std::string> optional_text(const SQLite::Column& c) {
  return c.isNull() ? std::nullopt : std::optional<std::string>(c.getString());
}
// An optional parameter: its value, or NULL.
template <typename T>
void bind_optional(SQLite::Statement& q, int index, const std::optional<T>& value) {
  if (value) {
    q.bind(index, *value);
  } else {
    q.bind(index);
  }
}

namespace sqlite_store {

// The backend table's row (backends.cpp): Store::open, open_existing and open_read_only of a
// file, as store.h says.
OpenedBackend open(const std::string& path, const OpenOptions& options);
OpenedBackend open_existing(const std::string& path, const OpenOptions& options);
std::optional<OpenedBackend> open_read_only(const std::string& path, const OpenOptions& options);
// The newest store migration this binary ships for a file.
std::int64_t latest_schema_version();

class Backend final : public store::Backend {
 public:
  Backend(std::unique_ptr<sqlite::Connection> conn, std::string path) : conn_(std::move(conn)), path_(std::move(path)) {}

  sqlite::Connection& conn() { return *conn_; }

  bool connected() const override { return true; }
  std::string derived_folder(const std::string& store_id) const override;
  bool derived_folder_private() const override { return false; }

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

  std::unique_ptr<WriterBackend> writer(Store& store, std::string collection, std::string config_json,
                                        bool record_config) override;
  std::unique_ptr<EmbeddingsBackend> embeddings(Store& store) override;
  std::unique_ptr<AsksBackend> asks(Store& store, const AskPrincipal& principal) override;

  // sqlite_mcp_sessions.cpp
  void save_mcp_session(Store& store, const std::string& id, const std::string& key, int version, const std::string& at,
                        const std::string& stale_before) override;
  std::optional<int> use_mcp_session(Store& store, const std::string& id, const std::string& key, const std::string& at,
                                     const std::string& stale_before) override;
  bool end_mcp_session(Store& store, const std::string& id, const std::string& key) override;

  // sqlite_rate_buckets.cpp
  RateBucket use_rate_bucket(Store& store, const std::string& name, double capacity, double amount, RateUse use) override;

  // sqlite_jobs.cpp
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

  // sqlite_api_keys.cpp
  bool create_api_key(Store& store, const ApiKey& key, const std::string& secret_sha256) override;
  std::vector<ApiKey> list_api_keys(Store& store) override;
  std::optional<StoredApiKey> find_api_key(Store& store, const std::string& secret_sha256) override;
  std::optional<ApiKey> revoke_api_key(Store& store, const std::string& name, const std::string& at) override;
  bool record_api_key_use(Store& store, const std::string& name, const std::string& at,
                          const std::string& not_before) override;

 private:
  std::unique_ptr<sqlite::Connection> conn_;
  std::string path_;
  CollectionRecords records_;  // find_collection's, for the store's state (store_state.h)
};

}  // namespace sqlite_store
}  // namespace strata::store
