#include "store/collections.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <map>

#include "common/error.h"
#include "sqlite/connection.h"
#include "store/sqlite/sqlite_backend.h"

namespace strata::store::sqlite_store {
namespace {

// The record's columns (row_of reads them in this order). The chunk count reads the index
// documents_collection_chunks_idx alone (migration 0011), and EXISTS stops at the first vector:
// search looks a collection up before every query.
constexpr const char* k_record_columns =
    "SELECT k.id, k.name, k.chunk_config, k.created_at, k.embedding_provider, k.embedding_model,"
    "       k.embedding_dimensions, k.embedding_server, k.embedding_query_prefix, k.embedding_document_prefix,"
    "       (SELECT coalesce(sum(d.chunk_count), 0) FROM documents d WHERE d.collection_id = k.id),"
    "       EXISTS (SELECT 1 FROM documents d JOIN chunks c ON c.document_id = d.id"
    "               JOIN embeddings e ON e.chunk_id = c.id WHERE d.collection_id = k.id)";

// The listing's figures after the record's, in one pass over the collection's document rows.
constexpr const char* k_listing_columns =
    ", count(d.id), coalesce(sum(d.size_bytes), 0), coalesce(max(d.ingested_at), '')"
    " FROM collections k LEFT JOIN documents d ON d.collection_id = k.id ";

// Vectors per collection, in one pass over the embeddings table (a chunk has at most one).
constexpr const char* k_embedded =
    "SELECT d.collection_id, count(*) FROM embeddings e JOIN chunks c ON c.id = e.chunk_id "
    "JOIN documents d ON d.id = c.document_id GROUP BY d.collection_id";

// The query for `detail`, with `where` ("" or a condition on k) before its grouping.
std::string select_of(CollectionDetail detail, const std::string& where) {
  if (detail == CollectionDetail::record) return std::string(k_record_columns) + " FROM collections k " + where;
  return std::string(k_record_columns) + k_listing_columns + where + " GROUP BY k.id";
}

CollectionInfo row_of(SQLite::Statement& q, CollectionDetail detail) {
  CollectionInfo c;
  c.id = q.getColumn(0).getInt64();
  c.name = q.getColumn(1).getString();
  c.chunk_config = q.getColumn(2).getString();
  c.created_at = q.getColumn(3).getString();
  c.embedding_model = recorded_model(q, 4);
  c.chunks = q.getColumn(10).getInt64();
  c.has_vectors = q.getColumn(11).getInt() != 0;
  if (detail == CollectionDetail::listing) {
    c.documents = q.getColumn(12).getInt64();
    c.bytes = q.getColumn(13).getInt64();
    c.last_ingested_at = q.getColumn(14).getString();
  }
  return c;
}

}  // namespace

std::optional<CollectionInfo> Backend::find_collection(Store& store, const std::string& name, CollectionDetail detail) {
  try {
    // The state before the read: a commit in between makes the record newer than its state,
    // which only costs the next lookup a read.
    const std::optional<StoreState> state =
        detail == CollectionDetail::record ? committed_state(database(store)) : std::nullopt;
    if (state) {
      if (std::optional<CollectionInfo> kept = records_.find(*state, name)) return kept;
    }
    SQLite::Statement q(database(store), select_of(detail, "WHERE k.name = ?"));
    q.bind(1, name);
    if (!q.executeStep()) return std::nullopt;
    CollectionInfo c = row_of(q, detail);
    if (state) records_.keep(*state, c);
    return c;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading collections");
  }
}

std::vector<CollectionInfo> Backend::list_collections(Store& store) {
  std::vector<CollectionInfo> out;
  try {
    SQLite::Statement q(database(store), select_of(CollectionDetail::listing, "") + " ORDER BY k.name");
    while (q.executeStep()) out.push_back(row_of(q, CollectionDetail::listing));
    std::map<std::int64_t, std::int64_t> embedded;
    SQLite::Statement counts(database(store), k_embedded);
    while (counts.executeStep()) embedded[counts.getColumn(0).getInt64()] = counts.getColumn(1).getInt64();
    for (CollectionInfo& c : out) c.embedded = embedded.contains(c.id) ? embedded[c.id] : 0;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading collections");
  }
  return out;
}

std::vector<std::string> Backend::collection_names(Store& store) {
  try {
    std::vector<std::string> names;
    SQLite::Statement q(database(store), "SELECT name FROM collections ORDER BY name");
    while (q.executeStep()) names.push_back(q.getColumn(0).getString());
    return names;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading collections");
  }
}

CollectionInfo Backend::remove_collection(Store& store, const std::string& name) {
  sqlite::Transaction tx(connection(store));
  std::optional<CollectionInfo> found = find_collection(store, name, CollectionDetail::listing);
  if (!found) throw Error(ErrorKind::not_found, ExitCode::invalid_input, "no collection named '" + name + "' in " + store.path());
  try {
    // ON DELETE CASCADE removes documents, chunks (and their FTS rows through the triggers).
    SQLite::Statement del(database(store), "DELETE FROM collections WHERE id = ?");
    del.bind(1, found->id);
    del.exec();
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "removing collection " + name);
  }
  tx.commit();
  return *found;
}

}  // namespace strata::store::sqlite_store
