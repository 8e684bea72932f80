// collections.h and catalog.h on PostgreSQL: the same rows in the same order as
// store/collections.cpp and store/catalog.cpp, and the same messages with the server named.
// Removals take the collection's write lock (pg_write_lock.h) and keep its keyword statistics
// exact (pg_keyword_index.h).
#include <map>

#include "common/error.h"
#include "common/setting.h"
#include "store/postgres/pg_keyword_index.h"
#include "store/postgres/pg_backend.h"
#include "store/postgres/pg_write_lock.h"

namespace strata::store::pg {
namespace {

// The record's columns (pg_collection_of reads them in this order). The chunk count is the
// collection's keyword_stats row, which every writer of chunks keeps (pg_keyword_index.h): one
// row, where the sum of the documents' chunk counts reads every document (search looks a
// collection up before every query). EXISTS stops at the first vector.
constexpr const char* k_pg_record_columns =
    "SELECT k.id, k.name, k.chunk_config, k.created_at, k.embedding_provider, k.embedding_model,"
    "       k.embedding_dimensions, k.embedding_server, k.embedding_query_prefix, k.embedding_document_prefix,"
    "       coalesce((SELECT s.chunk_count FROM keyword_stats s WHERE s.collection_id = k.id), 0),"
    "       EXISTS (SELECT 1 FROM embeddings e WHERE e.collection_id = k.id)";

// The listing's figures after the record's, in one pass over the collection's document rows.
constexpr const char* k_pg_listing_columns =
    ", count(d.id), coalesce(sum(d.size_bytes), 0), coalesce(max(d.ingested_at), '')"
    " FROM collections k LEFT JOIN documents d ON d.collection_id = k.id ";

std::string pg_collection_query(CollectionDetail detail, const std::string& where) {
  if (detail == CollectionDetail::record) return std::string(k_pg_record_columns) + " FROM collections k " + where;
  return std::string(k_pg_record_columns) + k_pg_listing_columns + where + " GROUP BY k.id";
}

// As recorded_model (store_db.h): nullopt until a provider and a model are recorded; a NULL
// size is 0, a NULL server "".
std::optional<EmbeddingModel> pg_recorded_model(const pq::Result& r, int row, int first) {
  if (r.is_null(row, first) || r.is_null(row, first + 1)) return std::nullopt;
  EmbeddingModel m{r.str(row, first), r.str(row, first + 1), r.int64(row, first + 2), r.str(row, first + 3)};
  m.query_prefix = r.str(row, first + 4);
  m.document_prefix = r.str(row, first + 5);
  return m;
}

CollectionInfo pg_collection_of(const pq::Result& r, int row, CollectionDetail detail) {
  CollectionInfo c;
  c.id = r.int64(row, 0);
  c.name = r.str(row, 1);
  c.chunk_config = r.str(row, 2);
  c.created_at = r.str(row, 3);
  c.embedding_model = pg_recorded_model(r, row, 4);
  c.chunks = r.int64(row, 10);
  c.has_vectors = r.text(row, 11) == "t";
  if (detail == CollectionDetail::listing) {
    c.documents = r.int64(row, 12);
    c.bytes = r.int64(row, 13);
    c.last_ingested_at = r.str(row, 14);
  }
  return c;
}

constexpr const char* k_pg_document_columns =
    "SELECT id, source, path, coalesce(title, ''), loader, encoding, content_hash, size_bytes, char_count,"
    " chunk_count, page_count, mtime, ingested_at, metadata FROM documents WHERE collection_id = $1 ";

DocumentSummary pg_summary_of(const pq::Result& r, int row) {
  DocumentSummary d;
  d.id = r.int64(row, 0);
  d.source = r.str(row, 1);
  d.path = r.optional_text(row, 2);
  d.title = r.str(row, 3);
  d.loader = r.str(row, 4);
  d.encoding = r.str(row, 5);
  d.content_hash = r.str(row, 6);
  d.size_bytes = r.int64(row, 7);
  d.char_count = r.int64(row, 8);
  d.chunk_count = r.int64(row, 9);
  d.page_count = r.optional_int(row, 10);
  d.mtime = r.optional_text(row, 11);
  d.ingested_at = r.str(row, 12);
  d.metadata_json = r.str(row, 13);
  return d;
}

std::int64_t pg_collection_id(Store& store, const std::string& collection) {
  const std::optional<CollectionInfo> c = store::find_collection(store, collection, CollectionDetail::record);
  if (!c) throw Error(ErrorKind::not_found, ExitCode::invalid_input, "no collection named '" + collection + "' in " + store.path());
  return c->id;
}

std::optional<DocumentSummary> pg_lookup(pq::Connection& c, std::int64_t collection, const std::string& source) {
  pq::Result r = c.exec(std::string(k_pg_document_columns) + "AND source = $2", {std::to_string(collection), source},
                        false, "reading documents");
  if (r.rows() == 0) return std::nullopt;
  return pg_summary_of(r, 0);
}

Error pg_no_document(const std::string& collection, const std::string& source) {
  return Error(ErrorKind::not_found, ExitCode::invalid_input, "no document '" + source + "' in collection '" + collection + "'",
               "list them with: strata documents list " + command_mention(Setting::collection) + " " + collection);
}

// Runs `read` in one snapshot of the store (a read-only repeatable-read transaction unless one
// is open already), so that rows read page by page are those of one moment, as SQLite's one
// statement reads them.
template <typename F>
void pg_in_snapshot(pq::Connection& c, F&& read) {
  if (c.in_transaction()) {
    read();
    return;
  }
  c.exec_script("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "reading documents");
  try {
    read();
    c.commit();
  } catch (...) {
    c.rollback();
    throw;
  }
}

// Documents are listed in pages of this many rows: a large collection never sits in memory.
constexpr int k_pg_document_page = 1000;

}  // namespace

// ---- collections.h ----

std::optional<CollectionInfo> Backend::find_collection(Store& /*store*/, const std::string& name, CollectionDetail detail) {
  pq::Result r = connection().exec(pg_collection_query(detail, "WHERE k.name = $1"), {name}, false,
                                           "reading collections");
  if (r.rows() == 0) return std::nullopt;
  return pg_collection_of(r, 0, detail);
}

std::vector<CollectionInfo> Backend::list_collections(Store& /*store*/) {
  pq::Connection& c = connection();
  std::vector<CollectionInfo> out;
  pq::Result r = c.exec(pg_collection_query(CollectionDetail::listing, "") + " ORDER BY k.name", {}, false,
                        "reading collections");
  for (int i = 0; i < r.rows(); ++i) out.push_back(pg_collection_of(r, i, CollectionDetail::listing));
  std::map<std::int64_t, std::int64_t> embedded;
  pq::Result counts = c.exec("SELECT collection_id, count(*) FROM embeddings GROUP BY collection_id", {}, false,
                             "reading collections");
  for (int i = 0; i < counts.rows(); ++i) embedded[counts.int64(i, 0)] = counts.int64(i, 1);
  for (CollectionInfo& k : out) k.embedded = embedded.contains(k.id) ? embedded[k.id] : 0;
  return out;
}

std::vector<std::string> Backend::collection_names(Store& /*store*/) {
  pq::Result r = connection().exec("SELECT name FROM collections ORDER BY name", {}, false, "reading collections");
  std::vector<std::string> names;
  for (int i = 0; i < r.rows(); ++i) names.push_back(r.str(i, 0));
  return names;
}

// The collection's rows go table by table, each by its collection_id index, before the
// collection's row (whose ON DELETE CASCADE then finds little left to do).
CollectionInfo Backend::remove_collection(Store& store, const std::string& name) {
  pq::Connection& c = connection();
  return pq::in_transaction(c, [&] {
    lock_collection(c, name, store.busy_timeout());
    std::optional<CollectionInfo> found = store::find_collection(store, name, CollectionDetail::listing);
    if (!found) throw Error(ErrorKind::not_found, ExitCode::invalid_input, "no collection named '" + name + "' in " + store.path());
    const std::string doing = "removing collection " + name;
    const std::vector<pq::Param> id{std::to_string(found->id)};
    c.exec("DELETE FROM chunk_term_blocks WHERE collection_id = $1", id, false, doing);
    c.exec("DELETE FROM embeddings WHERE collection_id = $1", id, false, doing);
    c.exec("DELETE FROM chunks WHERE collection_id = $1", id, false, doing);
    c.exec("DELETE FROM collections WHERE id = $1", id, false, doing);
    return *found;
  });
}

// ---- catalog.h ----

void Backend::for_each_document(Store& store, const std::string& collection,
                       const std::function<void(const DocumentSummary&)>& visit) {
  const std::int64_t id = pg_collection_id(store, collection);
  pq::Connection& c = connection();
  pg_in_snapshot(c, [&] {
    const std::string limit = " LIMIT " + std::to_string(k_pg_document_page);
    std::optional<std::string> after;
    for (;;) {
      pq::Result r = after ? c.exec(std::string(k_pg_document_columns) + "AND source > $2 ORDER BY source" + limit,
                                    {std::to_string(id), *after}, false, "reading documents")
                           : c.exec(std::string(k_pg_document_columns) + "ORDER BY source" + limit,
                                    {std::to_string(id)}, false, "reading documents");
      for (int i = 0; i < r.rows(); ++i) visit(pg_summary_of(r, i));
      if (r.rows() < k_pg_document_page) return;
      after = r.str(r.rows() - 1, 1);
    }
  });
}

DocumentSummary Backend::get_document(Store& store, const std::string& collection, const std::string& source) {
  const std::int64_t id = pg_collection_id(store, collection);
  std::optional<DocumentSummary> d = pg_lookup(connection(), id, source);
  if (!d) throw pg_no_document(collection, source);
  return *d;
}

std::optional<DocumentSummary> Backend::find_document(Store& store, const std::string& collection, const std::string& source) {
  const std::int64_t id = pg_collection_id(store, collection);
  return pg_lookup(connection(), id, source);
}

std::optional<DocumentSummary> Backend::find_document_by_path(Store& store, const std::string& collection,
                                                     const std::string& path) {
  const std::int64_t id = pg_collection_id(store, collection);
  pq::Result r = connection().exec(
      std::string(k_pg_document_columns) + "AND path = $2 ORDER BY ingested_at DESC, id DESC LIMIT 1",
      {std::to_string(id), path}, false, "reading documents");
  if (r.rows() == 0) return std::nullopt;
  return pg_summary_of(r, 0);
}

std::vector<std::string> Backend::document_sources(Store& store, const std::string& collection) {
  const std::int64_t id = pg_collection_id(store, collection);
  pq::Result r = connection().exec("SELECT source FROM documents WHERE collection_id = $1 ORDER BY source",
                                           {std::to_string(id)}, false, "reading documents");
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.str(i, 0));
  return out;
}

void Backend::for_each_chunk(Store& /*store*/, std::int64_t document_id, const std::function<void(const ChunkView&)>& visit) {
  pq::Result r = connection().exec(
      "SELECT c.id, c.ordinal, c.text, c.start_byte, c.end_byte, c.char_start, c.char_end,"
      " c.line_start, c.line_end, c.page, c.page_end, coalesce(c.token_count, 0),"
      " coalesce(c.headings, '[]'), coalesce(k.config, '{}')"
      " FROM chunks c LEFT JOIN chunk_configs k ON k.id = c.config_id"
      " WHERE c.document_id = $1 ORDER BY c.ordinal",
      {std::to_string(document_id)}, false, "reading chunks");
  for (int i = 0; i < r.rows(); ++i) {
    ChunkView c;
    c.id = r.int64(i, 0);
    c.ordinal = r.int64(i, 1);
    c.text = r.str(i, 2);
    c.start_byte = r.int64(i, 3);
    c.end_byte = r.int64(i, 4);
    c.char_start = r.int64(i, 5);
    c.char_end = r.int64(i, 6);
    c.line_start = r.int64(i, 7);
    c.line_end = r.int64(i, 8);
    c.page = r.optional_int(i, 9);
    c.page_end = r.optional_int(i, 10);
    c.tokens = r.int64(i, 11);
    c.headings_json = r.str(i, 12);
    c.config_json = r.str(i, 13);
    visit(c);
  }
}

std::vector<DocumentSummary> Backend::remove_documents(Store& store, const std::string& collection,
                                              const std::vector<std::string>& sources) {
  pq::Connection& c = connection();
  return pq::in_transaction(c, [&] {
    lock_collection(c, collection, store.busy_timeout());
    const std::int64_t id = pg_collection_id(store, collection);
    std::vector<DocumentSummary> removed;
    for (const std::string& source : sources) {
      std::optional<DocumentSummary> d = pg_lookup(c, id, source);
      if (!d) throw pg_no_document(collection, source);
      drop_document(c, id, d->id, "removing documents");
      removed.push_back(std::move(*d));
    }
    return removed;
  });
}

}  // namespace strata::store::pg
