// DocumentWriter on PostgreSQL (store/document_writer.h): the same decisions as the SQLite
// writer, row for row, with the keyword index written beside the chunks (pg_keyword_index.h)
// and a collection's write lock instead of the file's (pg_write_lock.h).
//
// Speed: new documents wait and go many in one statement with their chunks (array
// parameters); a changed one is a handful of round trips (look up, drop the old chunks and their
// postings, write the row, write the new chunks). Keyword index rows wait in a PendingIndex and
// go with the transaction's others at commit, in one COPY of packed blocks. A statement that
// fails rolls the whole transaction back (PostgreSQL cannot go on inside it), so put() either
// writes its document or leaves the writer outside any transaction with nothing of the batch
// written; a batched document's failure shows at the next put(), find() or commit() instead,
// with the same outcome.
#include <map>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "common/error.h"
#include "common/index_terms.h"
#include "common/utf8.h"
#include "store/document_rules.h"
#include "store/fts_tokenizer.h"
#include "store/postgres/pg_array.h"
#include "store/postgres/pg_keyword_index.h"
#include "store/postgres/pg_backend.h"
#include "store/postgres/pg_terms.h"
#include "store/postgres/pg_write_lock.h"

namespace strata::store::pg {
namespace {

#define STRATA_PG_FIND_DOCUMENTS                                                                               \
  "SELECT d.id, d.source, d.path, d.content_hash, d.size_bytes, d.mtime_ns, d.metadata, coalesce(d.title, ''),"  \
  "       (SELECT c.config_id FROM chunks c WHERE c.document_id = d.id ORDER BY c.ordinal LIMIT 1),"             \
  "       d.loader, d.loader_version"                                                                         \
  "  FROM documents d WHERE d.collection_id = $1 "
constexpr const char* k_pg_find_by_source = STRATA_PG_FIND_DOCUMENTS "AND d.source = $2";
// A page of documents from a source on (Impl::read_ranges): at most k_pg_find_page of them.
constexpr int k_pg_find_page = 16;
constexpr const char* k_pg_find_from_source = STRATA_PG_FIND_DOCUMENTS "AND d.source >= $2 ORDER BY d.source LIMIT $3";
constexpr const char* k_pg_files_under = STRATA_PG_FIND_DOCUMENTS
    "AND d.path IS NOT NULL AND (d.source = $2 OR (d.source >= $3 AND d.source < $4)) ORDER BY d.source";
constexpr const char* k_pg_relative_files =
    STRATA_PG_FIND_DOCUMENTS "AND d.path IS NOT NULL AND substr(d.source, 1, 1) <> '/' ORDER BY d.source";
#undef STRATA_PG_FIND_DOCUMENTS
// Without the chunk configuration (the subquery above, a chunk row read per document).
constexpr const char* k_pg_documents_under =
    "SELECT d.id, d.source, d.path, d.content_hash, d.size_bytes, d.mtime_ns, d.metadata, coalesce(d.title, ''),"
    "       NULL::bigint, d.loader, d.loader_version FROM documents d WHERE d.collection_id = $1"
    "   AND (d.source = $2 OR (d.source >= $3 AND d.source < $4)) ORDER BY d.source LIMIT $5";

// The document row's columns $3 … $17 (after the collection or the document id and one more).
constexpr const char* k_pg_document_write_columns =
    "source, path, title, content_hash, size_bytes, mtime, mtime_ns, loader, encoding, metadata, char_count,"
    " page_count, chunk_count, title_cjk_terms, loader_version";

// The chunks of a document in one statement, from array parameters $3 … $14 ($1 the collection,
// $2 the configuration), in ordinal order so that their ids ascend as the SQLite store's do; the
// document is $15, or with `with_document` is written by the same statement from $15 … $29
// (k_pg_document_write_columns): a new document is one round trip.
std::string pg_insert_chunks_sql(bool with_document) {
  std::string sql;
  if (with_document) {
    sql = std::string("WITH d AS (INSERT INTO documents (") + k_pg_document_write_columns +
          ", collection_id) VALUES ($15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$1) RETURNING id) ";
  }
  return sql +
         "INSERT INTO chunks (document_id, collection_id, ordinal, text, start_byte, end_byte, line_start, line_end, page,"
         "                    token_count, headings, char_start, char_end, page_end, config_id, cjk_terms)"
         " SELECT " + (with_document ? "d.id" : "$15::bigint") +
         ", $1::bigint, u.n - 1, u.text, u.start_byte, u.end_byte, u.line_start, u.line_end, u.page,"
         "        u.token_count, u.headings, u.char_start, u.char_end, u.page_end, $2::bigint, u.cjk_terms"
         "   FROM " + (with_document ? "d, " : "") +
         "unnest($3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[],"
         "               $10::text[], $11::bigint[], $12::bigint[], $13::bigint[], $14::text[])"
         "        WITH ORDINALITY AS u (text, start_byte, end_byte, line_start, line_end, page, token_count, headings,"
         "                              char_start, char_end, page_end, cjk_terms, n)"
         "  ORDER BY u.n"
         " RETURNING document_id, id, ordinal";
}

// New documents and their chunks, many in one statement: the documents' columns
// (k_pg_document_write_columns) as text arrays $2 … $16, in put() order; the chunks' document
// (by source, unique in the collection) and ordinal $17, $18 and their columns $19 … $30 as
// pg_insert_chunks_sql's, in order, so that ids ascend as put() gave them. Returns (source, chunk
// id, ordinal) for each chunk and (source, document id, -1) for each document.
constexpr const char* k_pg_insert_documents =
    "WITH u AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],"
    "                                $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],"
    "                                $15::text[], $16::text[]) WITH ORDINALITY"
    "             AS u (source, path, title, content_hash, size_bytes, mtime, mtime_ns, loader, encoding, metadata,"
    "                   char_count, page_count, chunk_count, title_cjk_terms, loader_version, n)),"
    " d AS (INSERT INTO documents (source, path, title, content_hash, size_bytes, mtime, mtime_ns, loader, encoding,"
    "                              metadata, char_count, page_count, chunk_count, title_cjk_terms, loader_version,"
    "                              collection_id)"
    "       SELECT source, path, title, content_hash, size_bytes::bigint, mtime, mtime_ns::bigint, loader, encoding,"
    "              metadata, char_count::bigint, page_count::bigint, chunk_count::bigint, title_cjk_terms,"
    "              loader_version::bigint, $1::bigint FROM u ORDER BY n"
    "       RETURNING id, source),"
    " c AS (INSERT INTO chunks (document_id, collection_id, ordinal, text, start_byte, end_byte, line_start, line_end,"
    "                           page, token_count, headings, char_start, char_end, page_end, config_id, cjk_terms)"
    "       SELECT d.id, $1::bigint, k.ordinal, k.text, k.start_byte, k.end_byte, k.line_start, k.line_end, k.page,"
    "              k.token_count, k.headings, k.char_start, k.char_end, k.page_end, $31::bigint, k.cjk_terms"
    "         FROM unnest($17::text[], $18::bigint[], $19::text[], $20::bigint[], $21::bigint[], $22::bigint[],"
    "                     $23::bigint[], $24::bigint[], $25::bigint[], $26::text[], $27::bigint[], $28::bigint[],"
    "                     $29::bigint[], $30::text[]) WITH ORDINALITY"
    "              AS k (source, ordinal, text, start_byte, end_byte, line_start, line_end, page, token_count, headings,"
    "                    char_start, char_end, page_end, cjk_terms, n)"
    "         JOIN d ON d.source = k.source ORDER BY k.n"
    "       RETURNING document_id, id, ordinal)"
    " SELECT d.source, c.id, c.ordinal FROM c JOIN d ON d.id = c.document_id"
    " UNION ALL SELECT source, id, -1 FROM d";

// New documents wait to be written together until they hold this many chunks.
constexpr std::size_t k_pg_batched_chunks = 1000;

// Pending index rows are written before they pass this many (a bound on the memory they take).
constexpr std::size_t k_pg_pending_rows = 1'000'000;

// The chunk columns of pg_insert_chunks_sql and k_pg_insert_documents, one array each, in
// their parameters' order.
struct PgChunkColumns {
  ArrayLiteral text, start_byte, end_byte, line_start, line_end, page, tokens, headings, char_start, char_end, page_end,
      cjk;

  // `cjk_terms`: the chunk's derived terms (common/index_terms.h), "" for none (NULL).
  void add(std::string_view body, const ChunkRecord& ch, std::string_view cjk_terms) {
    text.add(body);
    start_byte.add(ch.start_byte);
    end_byte.add(ch.end_byte);
    line_start.add(ch.line_start);
    line_end.add(ch.line_end);
    page.add(ch.page);
    tokens.add(ch.tokens);
    headings.add(std::string_view(ch.headings_json));
    char_start.add(ch.char_start);
    char_end.add(ch.char_end);
    page_end.add(ch.page_end);
    if (cjk_terms.empty()) {
      cjk.add_null();
    } else {
      cjk.add(cjk_terms);
    }
  }

  void take_into(std::vector<pq::Param>& params) {
    for (ArrayLiteral* a : {&text, &start_byte, &end_byte, &line_start, &line_end, &page, &tokens, &headings,
                            &char_start, &char_end, &page_end, &cjk}) {
      params.push_back(a->take());
    }
  }
};

pq::Param pg_optional(const std::optional<std::int64_t>& v) {
  return v ? pq::Param(std::to_string(*v)) : std::nullopt;
}

// The keyword index's derived terms of `text` (common/index_terms.h: CJK terms and the whole
// terms of names such as C++), NULL when there are none.
pq::Param pg_derived_terms(std::string_view text) {
  std::string terms = derived_index_terms(text);
  return terms.empty() ? std::nullopt : pq::Param(std::move(terms));
}

// The keyword index's title column of a document titled `title` (title_column, with the derived
// terms of the indexed prefix): the same for each of its chunks.
std::string pg_indexed_title(std::string_view title) {
  return title_column(title, derived_index_terms(indexed_title(title)));
}

StoredDocument pg_stored_of(const pq::Result& r, int row) {
  StoredDocument d;
  d.id = r.int64(row, 0);
  d.source = r.str(row, 1);
  d.path = r.optional_text(row, 2);
  d.content_hash = r.str(row, 3);
  d.size_bytes = r.int64(row, 4);
  d.mtime_ns = r.optional_int(row, 5);
  d.metadata_json = r.str(row, 6);
  d.title = r.str(row, 7);
  d.config_id = r.optional_int(row, 8);
  d.loader = r.str(row, 9);
  d.loader_version = r.int64(row, 10);
  return d;
}

// Why PostgreSQL's text cannot hold `value` (the `what` of a document), or nullopt: a NUL byte
// (a parameter would end at it without a word) or bytes that are not UTF-8 (the server refuses
// the statement, and with it the whole transaction).
std::optional<std::string> pg_not_text(std::string_view value, std::string_view what) {
  if (const std::size_t at = value.find('\0'); at != std::string_view::npos) {
    return "its " + std::string(what) + " has a NUL byte (at byte " + std::to_string(at) +
           "), which a store on PostgreSQL cannot hold";
  }
  if (const std::optional<std::size_t> at = find_invalid_utf8(value)) {
    return "its " + std::string(what) + " is not UTF-8 (at byte " + std::to_string(*at) +
           "), which a store on PostgreSQL cannot hold";
  }
  return std::nullopt;
}

// A source no document on PostgreSQL can have: looked up, it is simply not there.
bool pg_storable_key(std::string_view source) { return !pg_not_text(source, "source"); }

}  // namespace

std::optional<std::string> unstorable(const DocumentRecord& doc) {
  const std::string_view path = doc.path ? std::string_view(*doc.path) : std::string_view();
  const std::string_view mtime = doc.mtime ? std::string_view(*doc.mtime) : std::string_view();
  const std::pair<std::string_view, const char*> texts[] = {
      {doc.source, "source"}, {path, "path"},         {doc.title, "title"},         {doc.content_hash, "content hash"},
      {mtime, "modification time"}, {doc.loader, "loader"}, {doc.encoding, "encoding"}, {doc.metadata_json, "metadata"},
      {doc.text, "text"}};
  for (const auto& [value, what] : texts) {
    if (std::optional<std::string> why = pg_not_text(value, what)) return why;
  }
  for (const ChunkRecord& ch : doc.chunks) {
    if (std::optional<std::string> why = pg_not_text(ch.headings_json, "heading path")) return why;
  }
  return std::nullopt;
}

struct Writer::Impl {
  Store& store;
  pq::Connection& c;
  std::string collection;
  std::string config_json;
  bool record_config;
  std::optional<std::int64_t> collection_id;
  std::optional<std::int64_t> config_id;
  bool in_tx = false;
  bool rows_ready = false;  // ensure_rows() ran in a transaction that was not rolled back
  FtsTokenizer tokenizer;
  PendingIndex pending;  // this transaction's index rows not yet written
  // What find() read in this transaction, by source: put() after find() (as ingest does, the
  // one to decide, the other to write) reads the row once. Exact while the transaction holds
  // the collection's write lock; a write of this writer forgets what it changes.
  std::unordered_map<std::string, std::optional<StoredDocument>> found;
  // Ranges of sources read whole by find() in this transaction (a page of documents from a
  // source on: by start, to the last source read, or to the end when the page was not full): a
  // source in one that `found` does not hold is absent. A lookup a document cost a statement and
  // a round trip (22,459 of them, a third of the server's time of an ingest); a page answers the
  // documents after it too, as a folder's walk or the first ingest of a collection asks for them.
  std::map<std::string, std::optional<std::string>, std::less<>> read_ranges;
  // Sources this transaction wrote: read again, not from a range.
  std::unordered_set<std::string> written;
  // New documents not yet written (put() answered `added`): written by one statement
  // (k_pg_insert_documents) when they hold k_pg_batched_chunks chunks, and before anything
  // else of the writer reads or writes documents, and at commit. A statement a document (and a
  // round trip) cost more than its rows did. A failure rolls the transaction back, as any.
  std::vector<DocumentRecord> batched;
  std::unordered_set<std::string> batched_sources;
  std::size_t batched_chunks = 0;

  Impl(Store& s, std::string name, std::string config, bool record)
      : store(s), c(pg_connection(s)), collection(std::move(name)), config_json(std::move(config)), record_config(record) {}

  std::optional<std::int64_t> lookup_collection() {
    pq::Result r = c.exec("SELECT id FROM collections WHERE name = $1", {collection}, false, "reading collections");
    return r.rows() > 0 ? std::optional<std::int64_t>(r.int64(0, 0)) : std::nullopt;
  }

  std::optional<std::int64_t> lookup_config() {
    pq::Result r = c.exec("SELECT id FROM chunk_configs WHERE config = $1", {config_json}, false,
                          "reading chunk configurations");
    return r.rows() > 0 ? std::optional<std::int64_t>(r.int64(0, 0)) : std::nullopt;
  }

  // Before the first transaction, on its own: the configuration row (shared by every
  // collection chunked alike) is committed at once, so that writers of two collections never
  // wait for each other's transaction over it. An unused configuration is harmless (removing a
  // collection leaves its configurations too).
  void ensure_config() {
    if (config_id) return;
    pq::Result cfg = c.exec("INSERT INTO chunk_configs (config) VALUES ($1) ON CONFLICT (config) DO NOTHING RETURNING id",
                            {config_json}, false, "creating collection " + collection);
    config_id = cfg.rows() > 0 ? std::optional<std::int64_t>(cfg.int64(0, 0)) : lookup_config();
  }

  // First write of the run: the collection row exists from here on (once the transaction
  // commits: a rollback forgets it, rows_ready).
  void ensure_rows() {
    if (rows_ready) return;
    const std::string doing = "creating collection " + collection;
    pq::Result added = c.exec(
        "INSERT INTO collections (name, chunk_config) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id",
        {collection, config_json}, false, doing);
    const bool created = added.rows() > 0;
    collection_id = created ? std::optional<std::int64_t>(added.int64(0, 0)) : lookup_collection();
    if (record_config && !created) {
      c.exec("UPDATE collections SET chunk_config = $1 WHERE id = $2", {config_json, std::to_string(*collection_id)},
             false, doing);
    }
    rows_ready = true;
  }

  std::vector<pq::Param> document_params(const DocumentRecord& doc) {
    return {doc.source,
            doc.path,
            doc.title,
            doc.content_hash,
            std::to_string(doc.size_bytes),
            doc.mtime,
            pg_optional(doc.mtime_ns),
            doc.loader,
            doc.encoding,
            doc.metadata_json,
            std::to_string(doc.char_count),
            pg_optional(doc.page_count),
            std::to_string(doc.chunks.size()),
            pg_derived_terms(indexed_title(doc.title)),
            std::to_string(doc.loader_version)};
  }

  std::int64_t insert_document(const DocumentRecord& doc) {
    std::vector<pq::Param> p = document_params(doc);
    p.push_back(std::to_string(*collection_id));
    pq::Result r = c.exec(std::string("INSERT INTO documents (") + k_pg_document_write_columns +
                              ", collection_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)"
                              " RETURNING id",
                          p, false, "writing " + doc.source);
    return r.int64(0, 0);
  }

  void update_document(std::int64_t id, const DocumentRecord& doc) {
    std::vector<pq::Param> p = document_params(doc);
    p.push_back(std::to_string(id));
    c.exec("UPDATE documents SET source = $1, path = $2, title = $3, content_hash = $4, size_bytes = $5, mtime = $6,"
           " mtime_ns = $7, loader = $8, encoding = $9, metadata = $10, char_count = $11, page_count = $12,"
           " chunk_count = $13, title_cjk_terms = $14, loader_version = $15,"
           " ingested_at = to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
           " WHERE id = $16",
           p, false, "writing " + doc.source);
  }

  // The title changes the keyword index of every chunk of the document (its title column), as
  // SQLite's documents_fts_* triggers do. The old postings go first, found from the title they
  // were indexed with (drop_document_index reads it from the row). The title's derived terms
  // change with it only: the postings of an unchanged title were counted from the terms the row
  // holds (terms an upgrade left to compute are pg_terms_backfill.h's to change, with them).
  void update_metadata(const StoredDocument& old, const DocumentRecord& doc) {
    const std::string doing = "writing " + doc.source;
    const bool retitled = old.title != doc.title;
    if (retitled) drop_index(old.id, false, doing);
    c.exec("UPDATE documents SET metadata = $1, title = $2, mtime = $3, mtime_ns = $4,"
           " title_cjk_terms = CASE WHEN $7::bool THEN $5 ELSE title_cjk_terms END WHERE id = $6",
           {doc.metadata_json, doc.title, doc.mtime, pg_optional(doc.mtime_ns),
            pg_derived_terms(indexed_title(doc.title)), std::to_string(old.id), retitled ? "t" : "f"},
           false, doing);
    if (retitled) reindex_title(old.id, doc.title, doing);
  }

  // The document's postings (and with `chunks`, its chunks) leave the index: before its row
  // changes (the title they were indexed with is read from it).
  void drop_index(std::int64_t document_id, bool chunks, const std::string& doing) {
    if (pending.holds(document_id)) pending.flush(c, *collection_id, doing);
    drop_document_index(c, *collection_id, document_id, chunks, doing);
  }

  // REQUIRES: the document's postings dropped (drop_index).
  void reindex_title(std::int64_t document_id, const std::string& title, const std::string& doing) {
    pq::Result chunks = c.exec("SELECT id, text, coalesce(cjk_terms, '') FROM chunks WHERE document_id = $1 ORDER BY ordinal",
                               {std::to_string(document_id)}, false, doing);
    const std::string title_text = pg_indexed_title(title);
    for (int i = 0; i < chunks.rows(); ++i) {
      pending.add(document_id, chunks.int64(i, 0), chunk_terms(tokenizer, chunks.text(i, 1), title_text, chunks.text(i, 2)),
                  false);
    }
  }

  // The document's chunks; without `document_id`, the document's row too (a new document). Returns
  // the document's id. REQUIRES: the document has no chunks (new, or drop_index'ed).
  std::int64_t insert_chunks(std::optional<std::int64_t> document_id, const DocumentRecord& doc) {
    const std::string doing = "writing " + doc.source;
    if (doc.chunks.empty()) return document_id ? *document_id : insert_document(doc);
    const std::string title_text = pg_indexed_title(doc.title);
    PgChunkColumns columns;
    std::vector<std::string> chunk_cjk;
    chunk_cjk.reserve(doc.chunks.size());
    for (const ChunkRecord& ch : doc.chunks) {
      const std::string_view body = chunk_text(doc, ch);
      chunk_cjk.push_back(derived_index_terms(body));
      columns.add(body, ch, chunk_cjk.back());
    }
    std::vector<pq::Param> p{std::to_string(*collection_id), std::to_string(*config_id)};
    columns.take_into(p);
    if (document_id) {
      p.push_back(std::to_string(*document_id));
    } else {
      for (pq::Param& d : document_params(doc)) p.push_back(std::move(d));
    }
    const bool with_document = !document_id;
    const pq::Result ids = c.exec_prepared(with_document ? "strata_insert_document_chunks" : "strata_insert_chunks",
                                           pg_insert_chunks_sql(with_document), p, false, doing);
    const std::int64_t id = ids.int64(0, 0);
    for (int i = 0; i < ids.rows(); ++i) {
      const auto ordinal = static_cast<std::size_t>(ids.int64(i, 2));
      pending.add(id, ids.int64(i, 1),
                  chunk_terms(tokenizer, chunk_text(doc, doc.chunks[ordinal]), title_text, chunk_cjk[ordinal]), true);
    }
    if (pending.rows() >= k_pg_pending_rows) pending.flush(c, *collection_id, doing);
    return id;
  }

  // Writes the batched documents and their chunks (one statement), their index rows pending.
  void write_batched() {
    if (batched.empty()) return;
    const std::string doing = "writing " + batched.front().source +
                              (batched.size() > 1 ? " and " + std::to_string(batched.size() - 1) + " more documents" : "");
    ArrayLiteral columns[15];
    ArrayLiteral source, ordinal;
    PgChunkColumns chunks;
    std::vector<std::vector<std::string>> chunk_cjk(batched.size());
    std::vector<std::string> titles;  // each document's, for its chunks' index rows
    titles.reserve(batched.size());
    for (std::size_t d = 0; d < batched.size(); ++d) {
      const DocumentRecord& doc = batched[d];
      titles.push_back(pg_indexed_title(doc.title));
      std::vector<pq::Param> params = document_params(doc);
      for (std::size_t i = 0; i < params.size(); ++i) {
        if (params[i]) {
          columns[i].add(std::string_view(*params[i]));
        } else {
          columns[i].add_null();
        }
      }
      for (std::size_t n = 0; n < doc.chunks.size(); ++n) {
        const ChunkRecord& ch = doc.chunks[n];
        const std::string_view body = chunk_text(doc, ch);
        chunk_cjk[d].push_back(derived_index_terms(body));
        source.add(std::string_view(doc.source));
        ordinal.add(static_cast<std::int64_t>(n));
        chunks.add(body, ch, chunk_cjk[d].back());
      }
    }
    std::vector<pq::Param> p{std::to_string(*collection_id)};
    for (ArrayLiteral& a : columns) p.push_back(a.take());
    p.push_back(source.take());
    p.push_back(ordinal.take());
    chunks.take_into(p);
    p.push_back(std::to_string(*config_id));
    const pq::Result r = c.exec_prepared("strata_insert_documents", k_pg_insert_documents, p, false, doing);
    std::unordered_map<std::string, std::size_t> at;
    for (std::size_t d = 0; d < batched.size(); ++d) at.emplace(batched[d].source, d);
    std::vector<std::int64_t> document_ids(batched.size(), 0);
    for (int i = 0; i < r.rows(); ++i) {
      if (r.int64(i, 2) < 0) document_ids[at.at(r.str(i, 0))] = r.int64(i, 1);
    }
    for (int i = 0; i < r.rows(); ++i) {
      const std::int64_t n = r.int64(i, 2);
      if (n < 0) continue;
      const std::size_t d = at.at(r.str(i, 0));
      const DocumentRecord& doc = batched[d];
      const auto k = static_cast<std::size_t>(n);
      pending.add(document_ids[d], r.int64(i, 1),
                  chunk_terms(tokenizer, chunk_text(doc, doc.chunks[k]), titles[d], chunk_cjk[d][k]), true);
    }
    clear_batched();
    if (pending.rows() >= k_pg_pending_rows) pending.flush(c, *collection_id, doing);
  }

  void clear_batched() {
    batched.clear();
    batched_sources.clear();
    batched_chunks = 0;
  }

  // write_batched() before a read or write of the writer's own, outside write(): a failure
  // rolls the transaction back.
  void write_batched_or_roll_back() {
    try {
      write_batched();
    } catch (...) {
      rollback();
      throw;
    }
  }

  PutResult put(const DocumentRecord& doc, bool force, const std::optional<StoredDocument>& old) {
    const PutResult result = put_decision(old, doc, config_id, force);
    if (result == PutResult::added) {
      batched.push_back(doc);
      batched_sources.insert(doc.source);
      batched_chunks += doc.chunks.size();
      if (batched_chunks >= k_pg_batched_chunks) write_batched();
      return result;
    }
    write_batched();
    if (result == PutResult::metadata_only) update_metadata(*old, doc);
    if (result == PutResult::changed) {
      drop_index(old->id, true, "writing " + doc.source);
      update_document(old->id, doc);
      insert_chunks(old->id, doc);
    }
    return result;
  }

  void forget_found() {
    found.clear();
    read_ranges.clear();
    written.clear();
  }

  // Whether a page read in this transaction covers `source`.
  bool in_read_range(const std::string& source) const {
    auto it = read_ranges.upper_bound(source);
    if (it == read_ranges.begin()) return false;
    --it;
    return !it->second || source <= *it->second;
  }

  void begin() {
    ensure_config();
    c.begin();
    in_tx = true;
    forget_found();
    try {
      lock_collection(c, collection, store.busy_timeout());
      ensure_rows();
    } catch (...) {
      rollback();
      throw;
    }
  }

  // What the transaction created is gone with it: the collection is looked up again.
  void rollback() noexcept {
    c.rollback();
    in_tx = false;
    rows_ready = false;
    collection_id.reset();
    pending.clear();
    forget_found();
    clear_batched();
  }

  // Runs `work` inside the writer's transaction, or inside one of its own when there is none
  // (as SQLite runs a lone statement). A failure rolls the transaction back: PostgreSQL can
  // do nothing more inside it.
  template <typename F>
  auto write(F&& work) {
    const bool own = !in_tx;
    if (own) begin();
    try {
      if constexpr (std::is_void_v<decltype(work())>) {
        work();
        if (own) commit();
      } else {
        auto result = work();
        if (own) commit();
        return result;
      }
    } catch (...) {
      rollback();
      throw;
    }
  }

  void commit() {
    if (!in_tx) return;
    try {
      write_batched();
      pending.flush(c, *collection_id, "writing the keyword index");
      c.commit();
      in_tx = false;
      forget_found();
    } catch (...) {
      rollback();
      throw;
    }
  }

  std::vector<StoredDocument> stored(const char* sql, const std::vector<pq::Param>& params) {
    std::vector<StoredDocument> out;
    pq::Result r = c.exec(sql, params, false, "reading documents");
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(pg_stored_of(r, i));
    return out;
  }
};

Writer::Writer(Store& store, std::string collection, std::string config_json, bool record_config)
    : impl_(std::make_unique<Impl>(store, std::move(collection), std::move(config_json), record_config)) {}

Writer::~Writer() {
  if (impl_->in_tx) impl_->rollback();
}

std::optional<StoredDocument> Writer::find(const std::string& source) {
  if (!pg_storable_key(source)) return std::nullopt;  // not sent: the server would refuse it
  if (!impl_->collection_id) {
    impl_->collection_id = impl_->lookup_collection();
    if (!impl_->collection_id) return std::nullopt;
  }
  if (impl_->batched_sources.contains(source)) impl_->write_batched_or_roll_back();
  if (impl_->in_tx) {
    const auto known = impl_->found.find(source);
    if (known != impl_->found.end()) return known->second;
    if (!impl_->written.contains(source)) {
      if (!impl_->in_read_range(source)) {
        const pq::Result page =
            impl_->c.exec(k_pg_find_from_source,
                          {std::to_string(*impl_->collection_id), source, std::to_string(k_pg_find_page)}, false,
                          "reading documents");
        for (int i = 0; i < page.rows(); ++i) {
          StoredDocument d = pg_stored_of(page, i);
          if (!impl_->written.contains(d.source)) impl_->found.try_emplace(d.source, std::move(d));
        }
        std::optional<std::string> to;
        if (page.rows() == k_pg_find_page) to = page.str(page.rows() - 1, 1);
        auto [range, added] = impl_->read_ranges.try_emplace(source, to);
        if (!added && range->second && (!to || *to > *range->second)) range->second = to;
      }
      const auto paged = impl_->found.find(source);
      if (paged != impl_->found.end()) return paged->second;
      impl_->found.emplace(source, std::nullopt);
      return std::nullopt;
    }
  }
  std::vector<StoredDocument> rows;
  // Not prepared: after five runs PostgreSQL may plan a prepared statement once for any source,
  // and that plan read 1.4 ms a lookup at 22,969 documents (a plan for the source given: 0.04 ms).
  const pq::Result r = impl_->c.exec(k_pg_find_by_source, {std::to_string(*impl_->collection_id), source}, false,
                                     "reading documents");
  for (int i = 0; i < r.rows(); ++i) rows.push_back(pg_stored_of(r, i));
  std::optional<StoredDocument> out;
  if (!rows.empty()) out = std::move(rows.front());
  if (impl_->in_tx) impl_->found.emplace(source, out);
  return out;
}

std::optional<std::int64_t> Writer::known_config_id() {
  if (impl_->config_id) return impl_->config_id;
  return impl_->lookup_config();
}

void Writer::begin() { impl_->begin(); }

void Writer::commit() { impl_->commit(); }

bool Writer::in_transaction() const { return impl_->in_tx; }

PutResult Writer::put(const DocumentRecord& doc, bool force) {
  if (const std::optional<std::string> why = unstorable(doc)) {
    // A NUL of the source shown as \0: the message is a C string to whoever prints it.
    std::string shown;
    for (const char ch : doc.source) shown += ch == '\0' ? std::string("\\0") : std::string(1, ch);
    impl_->c.fail(ExitCode::invalid_input, "writing " + shown + ": " + *why);
  }
  return impl_->write([&] {
    const std::optional<StoredDocument> old = find(doc.source);
    impl_->found.erase(doc.source);
    impl_->written.insert(doc.source);
    return impl_->put(doc, force, old);
  });
}

// A range on the UNIQUE (collection_id, source) index: `folder` itself and everything that
// starts with "folder/" ('0' is the character after '/'; the columns compare bytes, COLLATE "C").
std::vector<StoredDocument> Writer::files_under(const std::string& folder) {
  if (!pg_storable_key(folder)) return {};  // no source is below a folder PostgreSQL cannot name
  impl_->write_batched_or_roll_back();
  if (!impl_->collection_id) impl_->collection_id = impl_->lookup_collection();
  if (!impl_->collection_id) return {};
  const std::string id = std::to_string(*impl_->collection_id);
  if (folder.empty()) return impl_->stored(k_pg_relative_files, {id});
  const SourceRange range = below(folder);
  return impl_->stored(k_pg_files_under, {id, folder, range.first, range.end});
}

std::vector<StoredDocument> Writer::documents_under(const std::string& folder, std::size_t limit) {
  if (!pg_storable_key(folder) || folder.empty()) return {};
  impl_->write_batched_or_roll_back();
  if (!impl_->collection_id) impl_->collection_id = impl_->lookup_collection();
  if (!impl_->collection_id) return {};
  const SourceRange range = below(folder);
  return impl_->stored(k_pg_documents_under, {std::to_string(*impl_->collection_id), folder, range.first, range.end,
                                              std::to_string(limit)});
}

// Bytes compared, not characters (convert_to), as the SQLite store's CAST AS BLOB: the root's
// length is known in bytes.
std::vector<MisnamedDocument> Writer::documents_named_apart(const std::string& root) {
  if (!pg_storable_key(root)) return {};  // no path stored is below a root PostgreSQL cannot name
  impl_->write_batched_or_roll_back();
  std::vector<MisnamedDocument> out;
  if (!impl_->collection_id) impl_->collection_id = impl_->lookup_collection();
  if (!impl_->collection_id) return out;
  const SourceRange range = below(root);
  pq::Result r = impl_->c.exec(
      "SELECT id, source, path FROM documents WHERE collection_id = $1 AND path >= $2 AND path < $3"
      " AND convert_to(source, 'UTF8') <> substr(convert_to(path, 'UTF8'), $4::int)"
      " ORDER BY path, ingested_at DESC, id DESC",
      {std::to_string(*impl_->collection_id), range.first, range.end, std::to_string(range.first.size() + 1)},
      false, "reading documents");
  for (int i = 0; i < r.rows(); ++i) out.push_back(MisnamedDocument{r.int64(i, 0), r.str(i, 1), r.str(i, 2)});
  return out;
}

void Writer::rename(std::int64_t document_id, const std::string& source) {
  impl_->forget_found();
  impl_->write([&] {
    impl_->write_batched();
    impl_->c.exec("UPDATE documents SET source = $1 WHERE id = $2", {source, std::to_string(document_id)}, false,
                  "renaming a document");
  });
}

void Writer::remove(std::int64_t document_id) {
  impl_->forget_found();
  impl_->write([&] {
    impl_->write_batched();
    // The document's own collection: the statistics it counted in are that collection's.
    pq::Result r = impl_->c.exec("SELECT collection_id FROM documents WHERE id = $1", {std::to_string(document_id)},
                                 false, "removing a document");
    if (r.rows() == 0) return;
    if (impl_->pending.holds(document_id)) impl_->pending.flush(impl_->c, r.int64(0, 0), "removing a document");
    drop_document(impl_->c, r.int64(0, 0), document_id, "removing a document");
  });
}

std::unique_ptr<WriterBackend> Backend::writer(Store& store, std::string collection, std::string config_json,
                                               bool record_config) {
  return std::make_unique<Writer>(store, std::move(collection), std::move(config_json), record_config);
}

}  // namespace strata::store::pg
