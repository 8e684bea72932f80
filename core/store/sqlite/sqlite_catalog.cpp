#include "store/catalog.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <string_view>

#include "common/error.h"
#include "common/setting.h"
#include "sqlite/connection.h"
#include "store/collections.h"
#include "store/sqlite/sqlite_backend.h"

namespace strata::store::sqlite_store {
namespace {

constexpr const char* k_document_columns =
    "SELECT id, source, path, coalesce(title, ''), loader, encoding, content_hash, size_bytes, char_count,"
    " chunk_count, page_count, mtime, ingested_at, metadata FROM documents WHERE collection_id = ? ";

DocumentSummary summary_of(SQLite::Statement& q) {
  DocumentSummary d;
  d.id = q.getColumn(0).getInt64();
  d.source = q.getColumn(1).getString();
  d.path = optional_text(q.getColumn(2));
  d.title = q.getColumn(3).getString();
  d.loader = q.getColumn(4).getString();
  d.encoding = q.getColumn(5).getString();
  d.content_hash = q.getColumn(6).getString();
  d.size_bytes = q.getColumn(7).getInt64();
  d.char_count = q.getColumn(8).getInt64();
  d.chunk_count = q.getColumn(9).getInt64();
  d.page_count = optional_int(q.getColumn(10));
  d.mtime = optional_text(q.getColumn(11));
  d.ingested_at = q.getColumn(12).getString();
  d.metadata_json = q.getColumn(13).getString();
  return d;
}

std::int64_t collection_id(Store& store, const std::string& collection) {
  const std::optional<CollectionInfo> c = find_collection(store, collection);
  if (!c) throw Error(ErrorKind::not_found, ExitCode::invalid_input, "no collection named '" + collection + "' in " + store.path());
  return c->id;
}

std::optional<DocumentSummary> lookup(Store& store, std::int64_t collection, const std::string& source) {
  SQLite::Statement q(database(store), std::string(k_document_columns) + "AND source = ?");
  q.bind(1, collection);
  q.bind(2, source);
  if (!q.executeStep()) return std::nullopt;
  return summary_of(q);
}

Error no_document(const std::string& collection, const std::string& source) {
  return Error(ErrorKind::not_found, ExitCode::invalid_input, "no document '" + source + "' in collection '" + collection + "'",
               "list them with: strata documents list " + command_mention(Setting::collection) + " " + collection);
}

}  // namespace

void Backend::for_each_document(Store& store, const std::string& collection,
                       const std::function<void(const DocumentSummary&)>& visit) {
  const std::int64_t id = collection_id(store, collection);
  try {
    SQLite::Statement q(database(store), std::string(k_document_columns) + "ORDER BY source");
    q.bind(1, id);
    while (q.executeStep()) visit(summary_of(q));
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading documents");
  }
}

DocumentSummary Backend::get_document(Store& store, const std::string& collection, const std::string& source) {
  const std::int64_t id = collection_id(store, collection);
  try {
    std::optional<DocumentSummary> d = lookup(store, id, source);
    if (!d) throw no_document(collection, source);
    return *d;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading documents");
  }
}

std::optional<DocumentSummary> Backend::find_document(Store& store, const std::string& collection, const std::string& source) {
  const std::int64_t id = collection_id(store, collection);
  try {
    return lookup(store, id, source);
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading documents");
  }
}

std::optional<DocumentSummary> Backend::find_document_by_path(Store& store, const std::string& collection,
                                                     const std::string& path) {
  const std::int64_t id = collection_id(store, collection);
  try {
    SQLite::Statement q(database(store),
                        std::string(k_document_columns) + "AND path = ? ORDER BY ingested_at DESC, id DESC LIMIT 1");
    q.bind(1, id);
    q.bind(2, path);
    if (!q.executeStep()) return std::nullopt;
    return summary_of(q);
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading documents");
  }
}

std::vector<std::string> Backend::document_sources(Store& store, const std::string& collection) {
  const std::int64_t id = collection_id(store, collection);
  std::vector<std::string> out;
  try {
    SQLite::Statement q(database(store), "SELECT source FROM documents WHERE collection_id = ? ORDER BY source");
    q.bind(1, id);
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading documents");
  }
  return out;
}

void Backend::for_each_chunk(Store& store, std::int64_t document_id, const std::function<void(const ChunkView&)>& visit) {
  try {
    SQLite::Statement q(database(store),
                        "SELECT c.id, c.ordinal, c.text, c.start_byte, c.end_byte, c.char_start, c.char_end,"
                        " c.line_start, c.line_end, c.page, c.page_end, coalesce(c.token_count, 0),"
                        " coalesce(c.headings, '[]'), coalesce(k.config, '{}')"
                        " FROM chunks c LEFT JOIN chunk_configs k ON k.id = c.config_id"
                        " WHERE c.document_id = ? ORDER BY c.ordinal");
    q.bind(1, document_id);
    while (q.executeStep()) {
      ChunkView c;
      c.id = q.getColumn(0).getInt64();
      c.ordinal = q.getColumn(1).getInt64();
      c.text = q.getColumn(2).getString();
      c.start_byte = q.getColumn(3).getInt64();
      c.end_byte = q.getColumn(4).getInt64();
      c.char_start = q.getColumn(5).getInt64();
      c.char_end = q.getColumn(6).getInt64();
      c.line_start = q.getColumn(7).getInt64();
      c.line_end = q.getColumn(8).getInt64();
      c.page = optional_int(q.getColumn(9));
      c.page_end = optional_int(q.getColumn(10));
      c.tokens = q.getColumn(11).getInt64();
      c.headings_json = q.getColumn(12).getString();
      c.config_json = q.getColumn(13).getString();
      visit(c);
    }
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading chunks");
  }
}

std::vector<DocumentSummary> Backend::remove_documents(Store& store, const std::string& collection,
                                              const std::vector<std::string>& sources) {
  sqlite::Transaction tx(connection(store));
  const std::int64_t id = collection_id(store, collection);
  std::vector<DocumentSummary> removed;
  try {
    SQLite::Statement del(database(store), "DELETE FROM documents WHERE id = ?");
    for (const std::string& source : sources) {
      std::optional<DocumentSummary> d = lookup(store, id, source);
      if (!d) throw no_document(collection, source);
      del.reset();
      del.bind(1, d->id);
      del.exec();
      removed.push_back(std::move(*d));
    }
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "removing documents");
  }
  tx.commit();
  return removed;
}

}  // namespace strata::store::sqlite_store
