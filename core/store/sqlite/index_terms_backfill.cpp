#include "store/sqlite/index_terms_backfill.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/index_terms.h"
#include "common/text.h"
#include "sqlite/connection.h"
#include "store/document_writer.h"

namespace strata::store {
namespace {

// (kind, the statement reading its text, the statement storing its terms, whether a title)
struct Kind {
  const char* name;
  const char* read;
  const char* write;
  bool title;  // the index holds only its first k_indexed_title_chars
};

constexpr Kind kKinds[] = {
    {"chunk", "SELECT text, coalesce(cjk_terms, '') FROM chunks WHERE id = ?1",
     "UPDATE chunks SET cjk_terms = ?2 WHERE id = ?1", false},
    {"title", "SELECT coalesce(title, ''), coalesce(title_cjk_terms, '') FROM documents WHERE id = ?1",
     "UPDATE documents SET title_cjk_terms = ?2 WHERE id = ?1", true},
};

}  // namespace

int fill_pending_index_terms(sqlite::Connection& conn) {
  SQLite::Database& db = conn.db();
  try {
    if (db.execAndGet("SELECT EXISTS (SELECT 1 FROM cjk_terms_pending)").getInt() == 0) return 0;
    sqlite::Transaction tx(conn);
    int filled = 0;
    for (const Kind& kind : kKinds) {
      std::vector<std::int64_t> ids;
      {
        SQLite::Statement q(db, "SELECT row_id FROM cjk_terms_pending WHERE kind = ?1 ORDER BY row_id");
        q.bind(1, kind.name);
        while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
      }
      SQLite::Statement read(db, kind.read), write(db, kind.write);
      for (const std::int64_t id : ids) {
        read.reset();
        read.bind(1, id);
        if (!read.executeStep()) continue;  // deleted since the migration listed it
        const std::string text = read.getColumn(0).getString();
        const std::string terms =
            derived_index_terms(kind.title ? utf8_prefix(text, k_indexed_title_chars) : std::string_view(text));
        // Unchanged terms are not written again: the index would take the row out and back in.
        if (terms == read.getColumn(1).getString()) continue;
        write.reset();
        write.bind(1, id);
        if (terms.empty()) {
          write.bind(2);
        } else {
          write.bind(2, terms);
        }
        write.exec();
        ++filled;
      }
    }
    db.exec("DELETE FROM cjk_terms_pending");
    tx.commit();
    return filled;
  } catch (const SQLite::Exception& e) {
    conn.fail(e, "computing the keyword index's terms");
  }
}

}  // namespace strata::store
