#include "store/collections.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <map>

#include "common/error.h"
#include "migrate/connection.h"
#include "store/store_db.h"

namespace strata::store {
namespace {

constexpr const char* k_select =
    "SELECT k.id, k.name, k.chunk_config, k.created_at, count(d.id), coalesce(sum(d.chunk_count), 0),"
    "       coalesce(sum(d.size_bytes), 0), coalesce(max(d.ingested_at), ''),"
    "       k.embedding_provider, k.embedding_model, k.embedding_dimensions"
    "  FROM collections k LEFT JOIN documents d ON d.collection_id = k.id ";

// Vectors per collection, in one pass over the embeddings table (a chunk has at most one).
constexpr const char* k_embedded =
    "SELECT d.collection_id, count(*) FROM embeddings e JOIN chunks c ON c.id = e.chunk_id "
    "JOIN documents d ON d.id = c.document_id GROUP BY d.collection_id";

CollectionInfo row_of(SQLite::Statement& q) {
  CollectionInfo c;
  c.id = q.getColumn(0).getInt64();
  c.name = q.getColumn(1).getString();
  c.chunk_config = q.getColumn(2).getString();
  c.created_at = q.getColumn(3).getString();
  c.documents = q.getColumn(4).getInt64();
  c.chunks = q.getColumn(5).getInt64();
  c.bytes = q.getColumn(6).getInt64();
  c.last_ingested_at = q.getColumn(7).getString();
  c.embedding_model = recorded_model(q, 8);
  return c;
}

}  // namespace

void validate_collection_name(const std::string& name) {
  if (name.empty()) throw Error(ExitCode::usage, "--collection: the name is empty");
  if (name.size() > 200) throw Error(ExitCode::usage, "--collection: the name is longer than 200 bytes");
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) throw Error(ExitCode::usage, "--collection: the name has a control character");
  }
}

std::optional<CollectionInfo> find_collection(Store& store, const std::string& name) {
  try {
    SQLite::Statement q(database(store), std::string(k_select) + "WHERE k.name = ? GROUP BY k.id");
    q.bind(1, name);
    if (!q.executeStep()) return std::nullopt;
    return row_of(q);
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading collections");
  }
}

std::vector<CollectionInfo> list_collections(Store& store) {
  std::vector<CollectionInfo> out;
  try {
    SQLite::Statement q(database(store), std::string(k_select) + "GROUP BY k.id ORDER BY k.name");
    while (q.executeStep()) out.push_back(row_of(q));
    std::map<std::int64_t, std::int64_t> embedded;
    SQLite::Statement counts(database(store), k_embedded);
    while (counts.executeStep()) embedded[counts.getColumn(0).getInt64()] = counts.getColumn(1).getInt64();
    for (CollectionInfo& c : out) c.embedded = embedded.contains(c.id) ? embedded[c.id] : 0;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading collections");
  }
  return out;
}

CollectionInfo remove_collection(Store& store, const std::string& name) {
  migrate::Transaction tx(connection(store));
  std::optional<CollectionInfo> found = find_collection(store, name);
  if (!found) throw Error(ExitCode::invalid_input, "no collection named '" + name + "' in " + store.path());
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

}  // namespace strata::store
