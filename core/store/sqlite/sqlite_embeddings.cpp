
#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <utility>

#include "common/error.h"
#include "store/sqlite/sqlite_backend.h"

namespace strata::store::sqlite_store {
namespace {

// Chunks by id with the document looked up per chunk (CROSS JOIN fixes that loop order): with
// `c.id > ?` each page starts where the last ended and stops after LIMIT rows, instead of
// sorting the whole collection again for every page.
constexpr const char* k_pending_page =
    "SELECT c.id, c.text, d.source, c.ordinal, coalesce(d.title, '') FROM chunks c CROSS JOIN documents d ON d.id = c.document_id "
    "WHERE d.collection_id = ?1 AND c.id > ?2 AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.chunk_id = c.id) "
    "ORDER BY c.id LIMIT ?3";

constexpr const char* k_count_pending =
    "SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id "
    "WHERE d.collection_id = ?1 AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.chunk_id = c.id)";

// The cache's provider column: the provider, and the server when it is not the provider's own
// ("openai http://127.0.0.1:11434/v1"), so that vectors of one server are never taken for
// another's. Rows of the provider's own API keep the plain name they always had.
std::string cache_provider(const EmbeddingModel& model, const std::string& scope) {
  return scope.empty() ? model.provider : model.provider + " " + scope;
}

constexpr const char* k_cache_lookup =
    "SELECT vector FROM embedding_cache WHERE provider = ?1 AND model = ?2 AND dimensions = ?3 AND text_sha256 = ?4";

constexpr const char* k_cache_insert =
    "INSERT OR IGNORE INTO embedding_cache (provider, model, dimensions, text_sha256, vector) VALUES (?1, ?2, ?3, ?4, ?5)";

// OR REPLACE: a second `strata embed` running at the same time may have stored it first.
constexpr const char* k_embedding_insert =
    "INSERT OR REPLACE INTO embeddings (chunk_id, vector) SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM chunks WHERE id = ?1)";

constexpr const char* k_record_model =
    "UPDATE collections SET embedding_provider = ?2, embedding_model = ?3, embedding_dimensions = ?4, embedding_server = ?5, "
    "embedding_query_prefix = ?6, embedding_document_prefix = ?7 WHERE id = ?1";

}  // namespace

}  // namespace strata::store::sqlite_store

namespace strata::store {

std::optional<EmbeddingModel> recorded_model(SQLite::Statement& row, int first) {
  if (row.getColumn(first).isNull() || row.getColumn(first + 1).isNull()) return std::nullopt;
  const SQLite::Column dims = row.getColumn(first + 2);
  EmbeddingModel m{row.getColumn(first).getString(), row.getColumn(first + 1).getString(),
                   dims.isNull() ? 0 : dims.getInt64(), optional_text(row.getColumn(first + 3)).value_or("")};
  m.query_prefix = optional_text(row.getColumn(first + 4)).value_or("");
  m.document_prefix = optional_text(row.getColumn(first + 5)).value_or("");
  return m;
}

}  // namespace strata::store

namespace strata::store::sqlite_store {

// EmbeddingStore on a file (embedding_store.h). While it lives, the connection commits with
// PRAGMA synchronous = NORMAL and keeps a 64 MB page cache (restored afterwards).
class Embeddings final : public EmbeddingsBackend {
 public:
  Store& store;
  SQLite::Database& db;
  // Statements run once per chunk, prepared once.
  std::unique_ptr<SQLite::Statement> cache_lookup;
  std::unique_ptr<SQLite::Statement> cache_insert;
  std::unique_ptr<SQLite::Statement> embedding_insert;

  std::optional<int> saved_synchronous;
  std::optional<int> saved_cache_size;

  explicit Embeddings(Store& s);
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
  void store_vectors(const EmbeddingModel& model, std::span<const VectorRow> rows,
                     std::optional<std::int64_t> record_on, const std::string& scope) override;
  std::optional<std::string> chunk_vector(std::int64_t chunk_id) override;

  // Through the connection's translation, so a full disk, a read-only file or a lock reads the
  // same from every command.
  [[noreturn]] void fail(const SQLite::Exception& e) const { connection(store).fail(e, ""); }

  SQLite::Statement& prepared(std::unique_ptr<SQLite::Statement>& slot, const char* sql) {
    if (!slot) slot = std::make_unique<SQLite::Statement>(db, sql);
    slot->reset();
    slot->clearBindings();
    return *slot;
  }

  void record(std::int64_t collection_id, const EmbeddingModel& m) {
    SQLite::Statement q(db, k_record_model);
    q.bind(1, collection_id);
    q.bind(2, m.provider);
    q.bind(3, m.model);
    // 0 is a size still to learn (an unknown model before its first response): NULL until then.
    if (m.dimensions > 0) {
      q.bind(4, m.dimensions);
    } else {
      q.bind(4);
    }
    // "" (the local provider; a server not known) is NULL, as in rows from before the column.
    if (m.server.empty()) {
      q.bind(5);
    } else {
      q.bind(5, m.server);
    }
    // "" (no prefix) is NULL, as in rows from before the columns.
    for (const auto& [index, prefix] : {std::pair{6, &m.query_prefix}, std::pair{7, &m.document_prefix}}) {
      if (prefix->empty()) {
        q.bind(index);
      } else {
        q.bind(index, *prefix);
      }
    }
    q.exec();
  }
};

Embeddings::Embeddings(Store& s) : store(s), db(database(s)) {
  try {
    saved_synchronous = db.execAndGet("PRAGMA synchronous").getInt();
    db.exec("PRAGMA synchronous = NORMAL");
    // The cache is keyed by a hash: lookups and inserts land on random pages of a table that
    // grows by a few kilobytes per text. SQLite's default 2 MB page cache turns that into a
    // read per page visited; 64 MB keeps the hot pages of a large cache in memory.
    saved_cache_size = db.execAndGet("PRAGMA cache_size").getInt();
    db.exec("PRAGMA cache_size = -65536");
  } catch (const SQLite::Exception& e) {
    fail(e);
  }
}

Embeddings::~Embeddings() {
  if (!saved_synchronous) return;
  try {
    db.exec("PRAGMA synchronous = " + std::to_string(*saved_synchronous));
    if (saved_cache_size) db.exec("PRAGMA cache_size = " + std::to_string(*saved_cache_size));
  } catch (const SQLite::Exception&) {
    // A destructor must not throw; the setting lasts only as long as this connection anyway.
  }
}

ChunkCounts Embeddings::chunk_counts(std::int64_t collection_id) {
  try {
    SQLite::Statement q(db,
                        "SELECT count(*), count(e.chunk_id) FROM chunks c JOIN documents d ON d.id = c.document_id "
                        "LEFT JOIN embeddings e ON e.chunk_id = c.id WHERE d.collection_id = ?1");
    q.bind(1, collection_id);
    q.executeStep();
    return ChunkCounts{q.getColumn(0).getInt64(), q.getColumn(1).getInt64()};
  } catch (const SQLite::Exception& e) {
    fail(e);
  }
}

void Embeddings::record_model(std::int64_t collection_id, const EmbeddingModel& model) {
  try {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    record(collection_id, model);
    tx.commit();
  } catch (const SQLite::Exception& e) {
    fail(e);
  }
}

std::int64_t Embeddings::switch_model(std::int64_t collection_id, const EmbeddingModel& model) {
  try {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement drop(db,
                           "DELETE FROM embeddings WHERE chunk_id IN (SELECT c.id FROM chunks c "
                           "JOIN documents d ON d.id = c.document_id WHERE d.collection_id = ?1)");
    drop.bind(1, collection_id);
    const int dropped = drop.exec();
    record(collection_id, model);
    tx.commit();
    return dropped;
  } catch (const SQLite::Exception& e) {
    fail(e);
  }
}

std::int64_t Embeddings::count_pending(std::int64_t collection_id) {
  try {
    SQLite::Statement q(db, k_count_pending);
    q.bind(1, collection_id);
    q.executeStep();
    return q.getColumn(0).getInt64();
  } catch (const SQLite::Exception& e) {
    fail(e);
  }
}

std::vector<ChunkToEmbed> Embeddings::pending_chunks(std::int64_t collection_id, std::int64_t after_chunk_id,
                                                         std::size_t limit) {
  try {
    std::vector<ChunkToEmbed> page;
    page.reserve(limit);
    SQLite::Statement q(db, k_pending_page);
    q.bind(1, collection_id);
    q.bind(2, after_chunk_id);
    q.bind(3, static_cast<std::int64_t>(limit));
    while (q.executeStep()) {
      page.push_back(ChunkToEmbed{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                                  q.getColumn(3).getInt64(), q.getColumn(4).getString()});
    }
    return page;
  } catch (const SQLite::Exception& e) {
    fail(e);
  }
}

std::optional<std::int64_t> Embeddings::known_dimensions(const std::string& provider, const std::string& model) {
  try {
    SQLite::Statement q(db,
                        "SELECT d FROM ("
                        " SELECT embedding_dimensions AS d, 1 AS pref, count(*) AS n FROM collections"
                        "  WHERE embedding_provider = ?1 AND embedding_model = ?2 AND embedding_dimensions IS NOT NULL"
                        "  GROUP BY embedding_dimensions"
                        " UNION ALL"
                        // Any server's rows of the model ("openai", "openai http://..."): cache_provider.
                        " SELECT dimensions, 2, count(*) FROM embedding_cache"
                        "  WHERE (provider = ?1 OR (provider >= ?1 || ' ' AND provider < ?1 || '!')) AND model = ?2"
                        "  GROUP BY dimensions"
                        ") ORDER BY pref, n DESC LIMIT 1");
    q.bind(1, provider);
    q.bind(2, model);
    if (!q.executeStep()) return std::nullopt;
    return q.getColumn(0).getInt64();
  } catch (const SQLite::Exception& e) {
    fail(e);
  }
}

std::optional<std::string> Embeddings::cached_vector(const EmbeddingModel& model, const std::string& text_sha256,
                                                         const std::string& scope) {
  try {
    SQLite::Statement& q = prepared(cache_lookup, k_cache_lookup);
    q.bind(1, cache_provider(model, scope));
    q.bind(2, model.model);
    q.bind(3, model.dimensions);
    q.bind(4, text_sha256);
    if (!q.executeStep()) return std::nullopt;
    const SQLite::Column v = q.getColumn(0);
    std::string blob(static_cast<const char*>(v.getBlob()), static_cast<std::size_t>(v.getBytes()));
    q.reset();
    return blob;
  } catch (const SQLite::Exception& e) {
    fail(e);
  }
}

void Embeddings::store_vectors(const EmbeddingModel& model, std::span<const VectorRow> rows,
                                   std::optional<std::int64_t> record_on, const std::string& scope) {
  const std::string provider = cache_provider(model, scope);
  try {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    if (record_on) record(*record_on, model);
    for (const VectorRow& row : rows) {
      const auto blob_size = static_cast<int>(row.blob.size());
      if (row.cache) {
        SQLite::Statement& c = prepared(cache_insert, k_cache_insert);
        c.bind(1, provider);
        c.bind(2, model.model);
        c.bind(3, model.dimensions);
        c.bind(4, row.text_sha256);
        c.bindNoCopy(5, row.blob.data(), blob_size);
        c.exec();
      }
      for (const std::int64_t id : row.chunk_ids) {
        SQLite::Statement& e = prepared(embedding_insert, k_embedding_insert);
        e.bind(1, id);
        e.bindNoCopy(2, row.blob.data(), blob_size);
        e.exec();
      }
    }
    tx.commit();
  } catch (const SQLite::Exception& e) {
    fail(e);
  }
}

std::optional<std::string> Embeddings::chunk_vector(std::int64_t chunk_id) {
  try {
    SQLite::Statement q(db, "SELECT vector FROM embeddings WHERE chunk_id = ?1");
    q.bind(1, chunk_id);
    if (!q.executeStep()) return std::nullopt;
    const SQLite::Column v = q.getColumn(0);
    return std::string(static_cast<const char*>(v.getBlob()), static_cast<std::size_t>(v.getBytes()));
  } catch (const SQLite::Exception& e) {
    fail(e);
  }
}

std::unique_ptr<EmbeddingsBackend> Backend::embeddings(Store& store) { return std::make_unique<Embeddings>(store); }

}  // namespace strata::store::sqlite_store
