#pragma once
// Rows written straight into a SQLite store's tables, as an older strata or another tool leaves
// them: the tests of migrations and backfills start from such rows (collection 1, a plain text
// document, a chunk at the document's next ordinal).
#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <string>

namespace strata::testing {

inline std::int64_t insert_raw_document(SQLite::Database& db, const std::string& source, const std::string& title) {
  SQLite::Statement q(db,
                      "INSERT INTO documents (collection_id, source, title, content_hash, size_bytes, loader) "
                      "VALUES (1, ?, ?, 'h', 1, 'text')");
  q.bind(1, source);
  q.bind(2, title);
  q.exec();
  return db.getLastInsertRowid();
}

inline std::int64_t insert_raw_chunk(SQLite::Database& db, std::int64_t document, const std::string& text) {
  SQLite::Statement q(db,
                      "INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end) "
                      "VALUES (?1, (SELECT count(*) FROM chunks WHERE document_id = ?1), ?2, 0, 0, 1, 1)");
  q.bind(1, document);
  q.bind(2, text);
  q.exec();
  return db.getLastInsertRowid();
}

}  // namespace strata::testing
