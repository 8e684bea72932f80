// Target: the FTS5 query builder. Whatever the user typed, the MATCH expression must never be
// an FTS5 syntax error: it is run against real in-memory FTS5 tables with both tokenizers the
// store has used (migrations 0002 and 0005), the three columns of migration 0007 (text, title
// and the CJK terms), and migration 0009's four (a scope column) as search_store wraps it,
// `scope : "c1" AND ({text title cjk} : (EXPR))`, with and without stop-word dropping. Checks also:
// at most kMaxQueryTerms terms, none empty, each valid UTF-8; "" exactly when there are no terms.
#include <sqlite3.h>

#include "fuzz_util.h"
#include "search/fts_query.h"

using namespace strata;
using namespace strata::search;

namespace {

sqlite3* open_tables() {
  sqlite3* db = nullptr;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) std::abort();
  const char* sql =
      "CREATE VIRTUAL TABLE plain USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');"
      "CREATE VIRTUAL TABLE porter USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2');"
      "INSERT INTO plain(text) VALUES ('the migration rolled back'), ('C++ and SQLite: don''t panic'), "
      "('café naïve 日本語 テキスト');"
      "INSERT INTO porter(text) SELECT text FROM plain;"
      "CREATE VIRTUAL TABLE titled USING fts5(text, title, cjk, tokenize = 'porter unicode61 remove_diacritics 2');"
      "INSERT INTO titled(text, title, cjk) VALUES ('使用FastAPI的依赖注入', '依赖项 依赖 赖项', "
      "'使用 FastAPI 的依 依赖 赖注 注入'), ('the migration rolled back', 'Migrations', '');"
      "CREATE VIRTUAL TABLE scoped USING fts5(text, title, cjk, scope, tokenize = 'porter unicode61 remove_diacritics 2');"
      "INSERT INTO scoped(text, title, cjk, scope) SELECT text, title, cjk, 'c1' FROM titled;"
      "INSERT INTO scoped(text, title, cjk, scope) SELECT text, title, cjk, 'c2' FROM titled;";
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "%s\n", err);
    std::abort();
  }
  return db;
}

void run_match(sqlite3* db, const char* table, const std::string& expr) {
  const std::string sql = std::string("SELECT rowid, bm25(") + table + ") FROM " + table + " WHERE " +
                          table + " MATCH ?1 ORDER BY 2";
  sqlite3_stmt* st = nullptr;
  FUZZ_CHECK(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK, sqlite3_errmsg(db));
  sqlite3_bind_text(st, 1, expr.data(), static_cast<int>(expr.size()), SQLITE_TRANSIENT);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
  }
  FUZZ_CHECK(rc == SQLITE_DONE, std::string(sqlite3_errmsg(db)) + " for MATCH " + expr);
  sqlite3_finalize(st);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static sqlite3* db = open_tables();
  const std::string_view text = fuzz::as_text(data, size);
  for (bool drop : {true, false}) {
    FtsQueryOptions o;
    o.drop_stop_words = drop;
    const auto terms = fts_terms(text, o);
    FUZZ_CHECK(terms.size() <= kMaxQueryTerms, "too many terms");
    for (const auto& t : terms) FUZZ_CHECK(!t.empty() && fuzz::is_valid_utf8(t), "bad term");
    const std::string expr = fts_match_expression(text, o);
    FUZZ_CHECK(expr.empty() == terms.empty(), "expression emptiness differs from terms");
    if (expr.empty()) continue;
    run_match(db, "plain", expr);
    run_match(db, "porter", expr);
    run_match(db, "titled", expr);
    run_match(db, "scoped", "{text title cjk} : (" + expr + ")");
    run_match(db, "scoped", "scope : \"c1\" AND ({text title cjk} : (" + expr + "))");
  }
  return 0;
}
