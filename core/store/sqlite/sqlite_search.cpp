#include "store/search_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>
#include <string>

#include "common/error.h"
#include "common/setting.h"
#include "common/text.h"
#include "sqlite/connection.h"
#include "store/document_rules.h"
#include "store/embedding_store.h"
#include "store/fts_bm25.h"
#include "store/sqlite/keyword_memory.h"
#include "store/sqlite/sqlite_backend.h"

namespace strata::store::sqlite_store {
namespace {

static_assert(std::endian::native == std::endian::little, "vector blobs are little-endian float32, read in place");

// The document fields a --where key may name; anything else is a metadata key.
bool is_document_field(const std::string& key) {
  return key == "source" || key == "title" || key == "loader" || key == "path";
}

// A json_each row `x` whose scalar value is written `v`: a string equal to it, a number whose
// text is it, or true/false/null named by it.
// `text` compared with the bound value `v` as the filter says: equal, starting with it (substr,
// not LIKE, so that % and _ in a path are themselves), or matching it as a GLOB.
std::string compare(const std::string& text, const std::string& v, FilterMatch match) {
  switch (match) {
    case FilterMatch::equals: return text + " = " + v;
    case FilterMatch::prefix: return "substr(" + text + ", 1, length(" + v + ")) = " + v;
    case FilterMatch::glob: return text + " GLOB " + v;
  }
  return text + " = " + v;
}

// A json_each row `x` whose scalar value is written `v`: a string equal to it, a number whose
// text is it, or true/false/null named by it; for a prefix or glob, the text of a string or number.
std::string value_matches(const std::string& x, const std::string& v, FilterMatch match) {
  if (match != FilterMatch::equals) {
    return "(" + x + ".type IN ('text', 'integer', 'real') AND " + compare("CAST(" + x + ".atom AS TEXT)", v, match) + ")";
  }
  return "((" + x + ".type = 'text' AND " + x + ".atom = " + v + ") OR (" + x + ".type IN ('integer', 'real') AND CAST(" +
         x + ".atom AS TEXT) = " + v + ") OR (" + x + ".type IN ('true', 'false', 'null') AND " + x + ".type = " + v + "))";
}

// One SQL condition on `d` (documents) per filter, its value bound as ?N (and the key as ?N+1
// for metadata). json_each rather than json_extract with a built path: any key, whatever
// characters it holds, is a bound value, never text spliced into a JSON path.
std::string filter_sql(const std::vector<DocumentFilter>& filters, int first_param) {
  std::string sql;
  int p = first_param;
  for (const DocumentFilter& f : filters) {
    const std::string v = "?" + std::to_string(p++);
    if (is_document_field(f.key)) {
      sql += " AND " + compare("d." + f.key, v, f.match);
      continue;
    }
    const std::string k = "?" + std::to_string(p++);
    // A top-level key whose value is `v` as a string, as a number or boolean's JSON text, or an
    // array with such an element (tags). json_valid guards rows whose metadata is not JSON.
    sql += " AND json_valid(d.metadata) AND EXISTS (SELECT 1 FROM json_each(d.metadata) m WHERE m.key = " + k +
           " AND (" + value_matches("m", v, f.match) +
           " OR (m.type = 'array' AND EXISTS (SELECT 1 FROM json_each(m.value) a WHERE " + value_matches("a", v, f.match) +
           "))))";
  }
  return sql;
}

void bind_filters(SQLite::Statement& q, const std::vector<DocumentFilter>& filters, int first_param) {
  int p = first_param;
  for (const DocumentFilter& f : filters) {
    q.bind(p++, f.value);
    if (!is_document_field(f.key)) q.bind(p++, f.key);
  }
}

// A read transaction unless the caller already has one open (then that one gives the same
// guarantee). Ends with a COMMIT, or a ROLLBACK when unwinding.
class ReadTransaction {
 public:
  explicit ReadTransaction(SQLite::Database& db) : db_(db) {
    if (sqlite3_get_autocommit(db_.getHandle()) != 0) {
      db_.exec("BEGIN");
      open_ = true;
    }
  }
  ~ReadTransaction() {
    if (!open_) return;
    try {
      db_.exec("ROLLBACK");
    } catch (const SQLite::Exception&) {
      // A destructor must not throw; SQLite ends the transaction with the connection anyway.
    }
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  void commit() {
    if (!open_) return;
    open_ = false;
    db_.exec("COMMIT");
  }

 private:
  SQLite::Database& db_;
  bool open_ = false;
};

}  // namespace

bool Backend::any_document_passes(Store& store, std::int64_t collection_id, const std::vector<DocumentFilter>& filters) {
  try {
    SQLite::Statement q(database(store),
                        "SELECT EXISTS (SELECT 1 FROM documents d WHERE d.collection_id = ?1" + filter_sql(filters, 2) + ")");
    q.bind(1, collection_id);
    bind_filters(q, filters, 2);
    return q.executeStep() && q.getColumn(0).getInt() != 0;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading documents");
  }
}

bool Backend::collection_is_whole_store(Store& store, std::int64_t collection_id) {
  try {
    // Two seeks on documents_path_idx (collection_id, path). The store enforces foreign keys
    // (store.cpp), so every chunk has a document and every document a collection: with no
    // document of another collection, every chunk of the store is in this one.
    SQLite::Statement q(database(store),
                        "SELECT EXISTS (SELECT 1 FROM documents WHERE collection_id < ?1) "
                        "OR EXISTS (SELECT 1 FROM documents WHERE collection_id > ?1)");
    q.bind(1, collection_id);
    return q.executeStep() && q.getColumn(0).getInt() == 0;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading collections");
  }
}

namespace {

// chunks_fts's scope column and a collection's token in it (migrations/0009), and its title
// column (the one the title cap caps).
constexpr int k_scope_column = 3;
constexpr int k_title_column = 1;
// The FTS5 phrase that matches exactly the collection's rows: `scope : "c12"`.
std::string scope_phrase(std::int64_t collection_id) { return "scope : \"c" + std::to_string(collection_id) + "\""; }

struct KeywordStats {
  std::int64_t chunks = 0;
  std::int64_t tokens = 0;  // in the text, title and cjk columns
};

std::optional<KeywordStats> cached_keyword_stats(SQLite::Database& db, std::int64_t collection_id) {
  SQLite::Statement q(db, "SELECT chunk_count, token_count FROM keyword_stats WHERE collection_id = ?1");
  q.bind(1, collection_id);
  if (!q.executeStep()) return std::nullopt;
  return KeywordStats{q.getColumn(0).getInt64(), q.getColumn(1).getInt64()};
}

// One pass over the collection's rows of chunks_fts (their docsize records).
KeywordStats count_keyword_stats(SQLite::Database& db, std::int64_t collection_id) {
  // Summed here: an FTS5 auxiliary function cannot be an aggregate's argument.
  SQLite::Statement q(db, std::string("SELECT ") + k_fts_length_function + "(chunks_fts, " + std::to_string(k_scope_column) +
                              ") FROM chunks_fts WHERE chunks_fts MATCH ?1");
  q.bind(1, scope_phrase(collection_id));
  KeywordStats stats;
  while (q.executeStep()) {
    ++stats.chunks;
    stats.tokens += q.getColumn(0).getInt64();
  }
  return stats;
}

std::int64_t data_version(SQLite::Database& db) { return db.execAndGet("PRAGMA data_version").getInt64(); }

// Keeps stats counted in a read transaction that began after `version` was read, if no other
// connection has committed since (then they are still the collection's): only when the write
// lock is free at once, as a search must never wait for an ingest. Best effort: any failure
// leaves the next search to count again.
void keep_keyword_stats(SQLite::Database& db, std::int64_t collection_id, const KeywordStats& stats,
                        std::int64_t version, std::chrono::milliseconds busy) {
  sqlite3* handle = db.getHandle();
  if (sqlite3_db_readonly(handle, "main") != 0) return;
  const int wait_ms = static_cast<int>(busy.count());
  sqlite3_busy_timeout(handle, 0);
  try {
    db.exec("BEGIN IMMEDIATE");
    try {
      if (data_version(db) == version) {
        SQLite::Statement q(db, "INSERT OR REPLACE INTO keyword_stats (collection_id, chunk_count, token_count) VALUES (?1, ?2, ?3)");
        q.bind(1, collection_id);
        q.bind(2, stats.chunks);
        q.bind(3, stats.tokens);
        q.exec();
      }
      db.exec("COMMIT");
    } catch (const SQLite::Exception&) {
      db.exec("ROLLBACK");
    }
  } catch (const SQLite::Exception&) {
    // Busy, or the rollback failed (SQLite then ends the transaction itself): nothing kept.
  }
  sqlite3_busy_timeout(handle, wait_ms);
}

}  // namespace

std::vector<KeywordRow> Backend::keyword_search(Store& store, std::int64_t collection_id, const std::string& match,
                                       const std::vector<DocumentFilter>& filters, std::size_t limit, bool in_memory,
                                       const KeywordRanking& ranking) {
  try {
    // FTS5 finds the matching rowids and strata_bm25_scoped scores them; the best `limit` by
    // score, then chunk id (so that equal scores come out in the same order every time), are
    // kept. It is FTS5's bm25() with k1 and b of our choosing (fts_bm25.h says which and why);
    // given the limit, it skips the exact scoring of rows that cannot be among the best `limit`.
    //
    // A collection is ranked on its own statistics, whatever else the store holds: when other
    // collections are there, the MATCH names the collection's scope token, so FTS5 yields only
    // its rows, and strata_bm25_scoped is given its row count and length (keyword_stats) and
    // counts each term's rows within it. The user's terms match the text, title and cjk columns
    // only. Filters are a join per matching row (its chunk, then its document), as WHERE terms,
    // so strata_bm25 only ever sees rows that pass them.
    // One read transaction, so that the whole-store check and the statistics describe the rows
    // searched.
    SQLite::Database& db = database(store);
    const bool may_keep = sqlite3_get_autocommit(db.getHandle()) != 0;
    const std::int64_t version = may_keep ? data_version(db) : 0;
    std::optional<KeywordStats> counted;
    ReadTransaction tx(db);
    if (in_memory && filters.empty()) {
      // The process's copy of the index, when ready (the same rows and scores: keyword_memory.h).
      const std::vector<double> weights = {k_keyword_column_weights.text, k_keyword_column_weights.title,
                                           k_keyword_column_weights.cjk};
      if (std::optional<std::vector<KeywordRow>> rows =
              keyword_search_in_memory(db, path_, collection_id, k_scope_column, match, k_keyword_bm25, weights,
                                       ColumnCap{k_title_column, ranking.title_cap}, limit)) {
        tx.commit();
        return std::move(*rows);
      }
    }
    const bool whole = collection_is_whole_store(store, collection_id);
    KeywordStats stats;
    std::string expression = "{text title cjk} : (" + match + ")";
    if (!whole) {
      std::optional<KeywordStats> cached = cached_keyword_stats(db, collection_id);
      if (!cached) counted = count_keyword_stats(db, collection_id);
      stats = cached ? *cached : *counted;
      if (stats.chunks == 0) return {};
      expression = scope_phrase(collection_id) + " AND " + expression;
    }
    std::string sql = std::string("SELECT f.rowid, ") + k_fts_bm25_scoped_function + "(chunks_fts, ?4, ?5, ?3, " +
                      std::to_string(k_scope_column) + ", ?9, ?10, " + std::to_string(k_title_column) +
                      ", ?11, ?6, ?7, ?8) AS score FROM chunks_fts f ";
    if (!filters.empty()) sql += "JOIN chunks c ON c.id = f.rowid JOIN documents d ON d.id = c.document_id ";
    sql += "WHERE chunks_fts MATCH ?1" + filter_sql(filters, 12) + " ORDER BY score, f.rowid LIMIT ?3";
    SQLite::Statement q(db, sql);
    q.bind(1, expression);
    q.bind(3, static_cast<std::int64_t>(limit));
    q.bind(4, k_keyword_bm25.k1);
    q.bind(5, k_keyword_bm25.b);
    q.bind(6, k_keyword_column_weights.text);  // chunks_fts's columns, in order (migrations/0009)
    q.bind(7, k_keyword_column_weights.title);
    q.bind(8, k_keyword_column_weights.cjk);
    q.bind(9, whole ? std::int64_t{0} : stats.chunks);
    q.bind(10, whole ? std::int64_t{0} : stats.tokens);
    q.bind(11, static_cast<std::int64_t>(ranking.title_cap));
    bind_filters(q, filters, 12);
    std::vector<KeywordRow> rows;
    while (q.executeStep()) rows.push_back(KeywordRow{q.getColumn(0).getInt64(), q.getColumn(1).getDouble()});
    tx.commit();
    if (counted && may_keep) keep_keyword_stats(db, collection_id, *counted, version, store.busy_timeout());
    return rows;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "keyword search");
  }
}

std::vector<std::string> Backend::terms_not_in_collection(Store& store, std::int64_t collection_id,
                                                 const std::vector<std::string>& terms) {
  try {
    SQLite::Database& db = database(store);
    ReadTransaction tx(db);
    const std::string scope = collection_is_whole_store(store, collection_id)
                                  ? std::string()
                                  : scope_phrase(collection_id) + " AND ";
    SQLite::Statement q(db, "SELECT EXISTS (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ?1)");
    std::vector<std::string> absent;
    for (const std::string& term : terms) {
      q.reset();
      q.bind(1, scope + "({text title cjk} : " + term + ")");
      if (q.executeStep() && q.getColumn(0).getInt() == 0) absent.push_back(term);
    }
    tx.commit();
    return absent;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "keyword search");
  }
}

std::vector<std::string> Backend::words_inside_no_term(Store& store, std::int64_t collection_id, const std::vector<std::string>& words) {
  try {
    SQLite::Database& db = database(store);
    // The index's vocabulary (terms as the tokenizer stores them: lower case, stemmed), through
    // tables of this connection only: nothing is written to the store.
    db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.strata_vocab USING fts5vocab(main, 'chunks_fts', 'row')");
    db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.strata_vocab_instance USING fts5vocab(main, 'chunks_fts', 'instance')");
    ReadTransaction tx(db);
    const bool whole_store = collection_is_whole_store(store, collection_id);
    SQLite::Statement terms(db, "SELECT term FROM temp.strata_vocab WHERE term GLOB ?1");
    // A term is the collection's when one of its rows (a chunk: the rowid) is in the collection.
    SQLite::Statement in_collection(db,
                                    "SELECT EXISTS (SELECT 1 FROM temp.strata_vocab_instance v "
                                    "JOIN chunks c ON c.id = v.doc JOIN documents d ON d.id = c.document_id "
                                    "WHERE v.term = ?1 AND v.col <> 'scope' AND d.collection_id = ?2)");
    in_collection.bind(2, collection_id);
    std::vector<std::string> out;
    for (const std::string& w : words) {
      terms.reset();
      terms.bind(1, "*" + to_lower(w) + "*");
      const auto collection_has = [&](const std::string& term) {
        in_collection.reset();
        in_collection.bind(1, term);
        return in_collection.executeStep() && in_collection.getColumn(0).getInt() != 0;
      };
      bool inside = false;
      while (!inside && terms.executeStep()) inside = whole_store || collection_has(terms.getColumn(0).getString());
      if (!inside) out.push_back(w);
    }
    tx.commit();
    return out;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "keyword search");
  }
}

std::vector<std::int64_t> Backend::filtered_chunk_ids(Store& store, std::int64_t collection_id,
                                             const std::vector<DocumentFilter>& filters) {
  try {
    SQLite::Statement q(database(store),
                        "SELECT c.id FROM documents d JOIN chunks c ON c.document_id = d.id WHERE d.collection_id = ?1" +
                            filter_sql(filters, 2) + " ORDER BY c.id");
    q.bind(1, collection_id);
    bind_filters(q, filters, 2);
    std::vector<std::int64_t> ids;
    while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    return ids;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "filtering documents");
  }
}

VectorFingerprint Backend::vector_fingerprint(Store& store) {
  try {
    SQLite::Statement q(database(store), "SELECT store_id, generation FROM embedding_generation WHERE id = 1");
    if (!q.executeStep()) return VectorFingerprint{};
    return VectorFingerprint{q.getColumn(0).getString(), q.getColumn(1).getInt64()};
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading vectors");
  }
}

CollectionVectors Backend::load_vectors(Store& store, std::int64_t collection_id, std::size_t dims) {
  CollectionVectors out;
  out.dims = dims;
  try {
    // One read transaction: the fingerprint must describe exactly the vectors read (in WAL
    // mode a writer may commit between two statements otherwise).
    ReadTransaction tx(database(store));
    out.fingerprint = vector_fingerprint(store);
    // The collection's chunk ids from the two covering indexes, then the embeddings table in
    // its own (rowid = chunk id) order, merged against them. A join ordered by chunk id instead
    // makes SQLite sort every blob in a temporary b-tree: for 100,000 vectors of 384 dimensions
    // that took 1.25 s of CPU (12 s on a busy machine) against 0.64 s (1.6 s) for the whole load.
    std::vector<std::int64_t> ids;
    {
      SQLite::Statement q(database(store),
                          "SELECT c.id FROM documents d JOIN chunks c ON c.document_id = d.id WHERE d.collection_id = ?1");
      q.bind(1, collection_id);
      while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    }
    if (ids.empty()) {
      tx.commit();
      return out;
    }
    std::sort(ids.begin(), ids.end());
    SQLite::Statement q(database(store),
                        "SELECT chunk_id, vector FROM embeddings WHERE chunk_id BETWEEN ?1 AND ?2 ORDER BY chunk_id");
    q.bind(1, ids.front());
    q.bind(2, ids.back());
    out.chunk_ids.reserve(ids.size());
    out.matrix.reserve(ids.size() * dims);
    const std::size_t bytes = dims * sizeof(float);
    std::size_t next = 0;
    while (q.executeStep()) {
      const std::int64_t id = q.getColumn(0).getInt64();
      while (next < ids.size() && ids[next] < id) ++next;
      if (next == ids.size()) break;
      if (ids[next] != id) continue;  // another collection's chunk
      const SQLite::Column v = q.getColumn(1);
      if (static_cast<std::size_t>(v.getBytes()) != bytes) {
        throw Error(ExitCode::invalid_input,
                    store.path() + ": chunk " + std::to_string(id) + " has a vector of " +
                        std::to_string(v.getBytes() / 4) + " dimensions, the collection's model has " +
                        std::to_string(dims),
                    "re-embed the collection: strata embed " + command_mention(Setting::switch_model));
      }
      out.chunk_ids.push_back(id);
      const std::size_t at = out.matrix.size();
      out.matrix.resize(at + dims);
      std::memcpy(out.matrix.data() + at, v.getBlob(), bytes);
    }
    tx.commit();
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading vectors");
  }
  return out;
}

std::vector<std::int64_t> Backend::chunk_documents(Store& store, const std::vector<std::int64_t>& chunk_ids) {
  std::vector<std::int64_t> out;
  out.reserve(chunk_ids.size());
  try {
    SQLite::Statement q(database(store), "SELECT document_id FROM chunks WHERE id = ?1");
    for (const std::int64_t id : chunk_ids) {
      q.reset();
      q.bind(1, id);
      out.push_back(q.executeStep() ? q.getColumn(0).getInt64() : 0);
    }
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading chunks");
  }
  return out;
}

std::vector<ChunkRef> Backend::chunk_refs(Store& store, const std::vector<std::int64_t>& chunk_ids) {
  std::vector<ChunkRef> out;
  out.reserve(chunk_ids.size());
  try {
    SQLite::Statement q(database(store),
                        "SELECT c.id, c.document_id, d.source, coalesce(d.title, ''), c.start_byte, c.end_byte, "
                        "c.line_start, c.line_end, c.page, coalesce(c.page_end, c.page), c.text, coalesce(c.headings, '[]') "
                        "FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = ?1");
    const auto size = [&](int column) { return static_cast<std::size_t>(q.getColumn(column).getInt64()); };
    for (const std::int64_t id : chunk_ids) {
      q.reset();
      q.bind(1, id);
      if (!q.executeStep()) continue;
      ChunkRef c;
      c.chunk_id = q.getColumn(0).getInt64();
      c.document_id = q.getColumn(1).getInt64();
      c.source = q.getColumn(2).getString();
      c.title = q.getColumn(3).getString();
      c.byte_start = size(4);
      c.byte_end = size(5);
      c.line_start = size(6);
      c.line_end = size(7);
      if (!q.getColumn(8).isNull()) {
        c.page_start = size(8);
        c.page_end = size(9);
      }
      c.text = q.getColumn(10).getString();
      c.section = section_of(q.getColumn(11).getString(), c.title);
      out.push_back(std::move(c));
    }
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "reading chunks");
  }
  return out;
}

}  // namespace strata::store::sqlite_store
