#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.h"
#include "common/index_terms.h"
#include "common/text.h"
#include "sqlite/connection.h"
#include "store/document_rules.h"
#include "store/sqlite/sqlite_backend.h"

namespace strata::store::sqlite_store {
namespace {

#define STRATA_FIND_DOCUMENTS                                                                                 \
  "SELECT d.id, d.source, d.path, d.content_hash, d.size_bytes, d.mtime_ns, d.metadata, coalesce(d.title, ''),"  \
  "       (SELECT c.config_id FROM chunks c WHERE c.document_id = d.id ORDER BY c.ordinal LIMIT 1),"             \
  "       d.loader, d.loader_version"                                                                         \
  "  FROM documents d WHERE d.collection_id = ? "
constexpr const char* k_find_by_source = STRATA_FIND_DOCUMENTS "AND d.source = ?";
constexpr const char* k_files_under =
    STRATA_FIND_DOCUMENTS "AND d.path IS NOT NULL AND (d.source = ? OR (d.source >= ? AND d.source < ?)) ORDER BY d.source";
constexpr const char* k_relative_files =
    STRATA_FIND_DOCUMENTS "AND d.path IS NOT NULL AND substr(d.source, 1, 1) <> '/' ORDER BY d.source";
#undef STRATA_FIND_DOCUMENTS
// Without the chunk configuration (the subquery above: a chunk row read per document, most of
// the time of reading a site's pages for a re-crawl).
constexpr const char* k_documents_under =
    "SELECT d.id, d.source, d.path, d.content_hash, d.size_bytes, d.mtime_ns, d.metadata, coalesce(d.title, ''), NULL,"
    "       d.loader, d.loader_version FROM documents d WHERE d.collection_id = ?"
    "   AND (d.source = ? OR (d.source >= ? AND d.source < ?)) ORDER BY d.source LIMIT ?";

StoredDocument stored_of(SQLite::Statement& q) {
  StoredDocument d;
  d.id = q.getColumn(0).getInt64();
  d.source = q.getColumn(1).getString();
  d.path = optional_text(q.getColumn(2));
  d.content_hash = q.getColumn(3).getString();
  d.size_bytes = q.getColumn(4).getInt64();
  d.mtime_ns = optional_int(q.getColumn(5));
  d.metadata_json = q.getColumn(6).getString();
  d.title = q.getColumn(7).getString();
  d.config_id = optional_int(q.getColumn(8));
  d.loader = q.getColumn(9).getString();
  d.loader_version = q.getColumn(10).getInt64();
  return d;
}

}  // namespace

// DocumentWriter on a file (document_writer.h): its statements prepared once a writer.
class Writer final : public WriterBackend {
 public:
  Store& store;
  SQLite::Database& db;
  std::string collection;
  std::string config_json;
  bool record_config;
  std::optional<std::int64_t> collection_id;
  std::optional<std::int64_t> config_id;
  std::unique_ptr<sqlite::Transaction> tx;
  std::unique_ptr<SQLite::Statement> find_stmt, insert_doc, update_doc, update_meta, delete_chunks, insert_chunk;

  Writer(Store& s, std::string name, std::string config, bool record)
      : store(s), db(database(s)), collection(std::move(name)), config_json(std::move(config)), record_config(record) {}

  [[noreturn]] void fail(const std::exception& e, const std::string& doing) { connection(store).fail(e, doing); }

  std::optional<std::int64_t> lookup_collection() {
    SQLite::Statement q(db, "SELECT id FROM collections WHERE name = ?");
    q.bind(1, collection);
    return q.executeStep() ? std::optional<std::int64_t>(q.getColumn(0).getInt64()) : std::nullopt;
  }

  std::optional<std::int64_t> lookup_config() {
    SQLite::Statement q(db, "SELECT id FROM chunk_configs WHERE config = ?");
    q.bind(1, config_json);
    return q.executeStep() ? std::optional<std::int64_t>(q.getColumn(0).getInt64()) : std::nullopt;
  }

  // First write of the run: the collection and the configuration rows exist from here on.
  void ensure_rows() {
    if (collection_id && config_id) return;
    SQLite::Statement add(db, "INSERT INTO collections (name, chunk_config) VALUES (?, ?) ON CONFLICT (name) DO NOTHING");
    add.bind(1, collection);
    add.bind(2, config_json);
    const bool created = add.exec() == 1;
    collection_id = lookup_collection();
    if (record_config && !created) {
      SQLite::Statement set(db, "UPDATE collections SET chunk_config = ? WHERE id = ?");
      set.bind(1, config_json);
      set.bind(2, *collection_id);
      set.exec();
    }
    SQLite::Statement cfg(db, "INSERT INTO chunk_configs (config) VALUES (?) ON CONFLICT (config) DO NOTHING");
    cfg.bind(1, config_json);
    cfg.exec();
    config_id = lookup_config();
  }

  SQLite::Statement& prepared(std::unique_ptr<SQLite::Statement>& slot, const char* sql) {
    if (!slot) slot = std::make_unique<SQLite::Statement>(db, sql);
    slot->reset();
    slot->clearBindings();
    return *slot;
  }

  void bind_document(SQLite::Statement& q, const DocumentRecord& doc) {
    q.bind(1, doc.source);
    bind_optional(q, 2, doc.path);
    q.bind(3, doc.title);
    q.bind(4, doc.content_hash);
    q.bind(5, doc.size_bytes);
    bind_optional(q, 6, doc.mtime);
    bind_optional(q, 7, doc.mtime_ns);
    q.bind(8, doc.loader);
    q.bind(9, doc.encoding);
    q.bind(10, doc.metadata_json);
    q.bind(11, doc.char_count);
    bind_optional(q, 12, doc.page_count);
    q.bind(13, static_cast<std::int64_t>(doc.chunks.size()));
    bind_derived_terms(q, 14, indexed_title(doc.title));
    q.bind(15, doc.loader_version);
  }

  // The keyword index's derived terms of `text` (common/index_terms.h: CJK terms, migration 0007,
  // and the whole terms of names such as C++, 0019), NULL when there are none.
  static void bind_derived_terms(SQLite::Statement& q, int index, std::string_view text) {
    std::string terms = derived_index_terms(text);
    if (terms.empty()) {
      q.bind(index);
    } else {
      q.bind(index, terms);
    }
  }

  std::int64_t insert_document(const DocumentRecord& doc) {
    SQLite::Statement& q = prepared(
        insert_doc,
        "INSERT INTO documents (source, path, title, content_hash, size_bytes, mtime, mtime_ns, loader, encoding,"
        " metadata, char_count, page_count, chunk_count, title_cjk_terms, loader_version, collection_id)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    bind_document(q, doc);
    q.bind(16, *collection_id);
    q.exec();
    return db.getLastInsertRowid();
  }

  void update_document(std::int64_t id, const DocumentRecord& doc) {
    SQLite::Statement& q = prepared(
        update_doc,
        "UPDATE documents SET source = ?, path = ?, title = ?, content_hash = ?, size_bytes = ?, mtime = ?,"
        " mtime_ns = ?, loader = ?, encoding = ?, metadata = ?, char_count = ?, page_count = ?, chunk_count = ?,"
        " title_cjk_terms = ?, loader_version = ?, ingested_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?");
    bind_document(q, doc);
    q.bind(16, id);
    q.exec();
  }

  void update_metadata(std::int64_t id, const DocumentRecord& doc) {
    SQLite::Statement& q = prepared(update_meta, "UPDATE documents SET metadata = ?, title = ?, mtime = ?, mtime_ns = ?, title_cjk_terms = ? WHERE id = ?");
    q.bind(1, doc.metadata_json);
    q.bind(2, doc.title);
    bind_optional(q, 3, doc.mtime);
    bind_optional(q, 4, doc.mtime_ns);
    bind_derived_terms(q, 5, indexed_title(doc.title));
    q.bind(6, id);
    q.exec();
  }

  void replace_chunks(std::int64_t document_id, const DocumentRecord& doc) {
    SQLite::Statement& del = prepared(delete_chunks, "DELETE FROM chunks WHERE document_id = ?");
    del.bind(1, document_id);
    del.exec();
    std::int64_t ordinal = 0;
    for (const ChunkRecord& c : doc.chunks) {
      SQLite::Statement& q = prepared(
          insert_chunk,
          "INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end, page,"
          " token_count, headings, char_start, char_end, page_end, config_id, cjk_terms)"
          " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
      q.bind(1, document_id);
      q.bind(2, ordinal++);
      const std::string_view text = chunk_text(doc, c);
      q.bind(3, std::string(text));  // (bindNoCopy with a length binds a BLOB, not TEXT)
      bind_derived_terms(q, 15, text);
      q.bind(4, c.start_byte);
      q.bind(5, c.end_byte);
      q.bind(6, c.line_start);
      q.bind(7, c.line_end);
      bind_optional(q, 8, c.page);
      q.bind(9, c.tokens);
      q.bindNoCopy(10, c.headings_json);
      q.bind(11, c.char_start);
      q.bind(12, c.char_end);
      bind_optional(q, 13, c.page_end);
      q.bind(14, *config_id);
      q.exec();
    }
  }
  std::optional<StoredDocument> find(const std::string& source) override;
  std::optional<std::int64_t> known_config_id() override;
  // A file holds any bytes.
  std::optional<std::string> refusal(const DocumentRecord&) const override { return std::nullopt; }
  void begin() override;
  void commit() override;
  bool in_transaction() const override { return tx != nullptr; }
  PutResult put(const DocumentRecord& doc, bool force) override;
  std::vector<StoredDocument> files_under(const std::string& folder) override;
  std::vector<StoredDocument> documents_under(const std::string& folder, std::size_t limit) override;
  std::vector<MisnamedDocument> documents_named_apart(const std::string& root) override;
  void rename(std::int64_t document_id, const std::string& source) override;
  void remove(std::int64_t document_id) override;
};

std::optional<StoredDocument> Writer::find(const std::string& source) {
  try {
    if (!collection_id) {
      collection_id = lookup_collection();
      if (!collection_id) return std::nullopt;
    }
    SQLite::Statement& q = prepared(find_stmt, k_find_by_source);
    q.bind(1, *collection_id);
    q.bind(2, source);
    if (!q.executeStep()) return std::nullopt;
    StoredDocument d = stored_of(q);
    q.reset();
    return d;
  } catch (const SQLite::Exception& e) {
    fail(e, "reading documents");
  }
}

std::optional<std::int64_t> Writer::known_config_id() {
  if (config_id) return config_id;
  try {
    return lookup_config();
  } catch (const SQLite::Exception& e) {
    fail(e, "reading chunk configurations");
  }
}

void Writer::begin() {
  tx = std::make_unique<sqlite::Transaction>(connection(store));
  try {
    ensure_rows();
  } catch (const SQLite::Exception& e) {
    fail(e, "creating collection " + collection);
  }
}

void Writer::commit() {
  if (!tx) return;
  tx->commit();
  tx.reset();
}

PutResult Writer::put(const DocumentRecord& doc, bool force) {
  try {
    const std::optional<StoredDocument> old = find(doc.source);
    const PutResult result = put_decision(old, doc, config_id, force);
    switch (result) {
      case PutResult::added: replace_chunks(insert_document(doc), doc); break;
      case PutResult::unchanged: break;
      case PutResult::metadata_only: update_metadata(old->id, doc); break;
      case PutResult::changed:
        update_document(old->id, doc);
        replace_chunks(old->id, doc);
        break;
    }
    return result;
  } catch (const SQLite::Exception& e) {
    fail(e, "writing " + doc.source);
  }
}

// A range on the UNIQUE (collection_id, source) index: `folder` itself and everything that
// starts with "folder/" ('0' is the character after '/').
std::vector<StoredDocument> Writer::files_under(const std::string& folder) {
  std::vector<StoredDocument> out;
  try {
    if (!collection_id) collection_id = lookup_collection();
    if (!collection_id) return out;
    SQLite::Statement q(db, folder.empty() ? k_relative_files : k_files_under);
    q.bind(1, *collection_id);
    if (!folder.empty()) {
      const SourceRange range = below(folder);
      q.bind(2, folder);
      q.bind(3, range.first);
      q.bind(4, range.end);
    }
    while (q.executeStep()) out.push_back(stored_of(q));
  } catch (const SQLite::Exception& e) {
    fail(e, "reading documents");
  }
  return out;
}

std::vector<StoredDocument> Writer::documents_under(const std::string& folder, std::size_t limit) {
  std::vector<StoredDocument> out;
  if (folder.empty()) return out;
  try {
    if (!collection_id) collection_id = lookup_collection();
    if (!collection_id) return out;
    SQLite::Statement q(db, k_documents_under);
    const SourceRange range = below(folder);
    q.bind(1, *collection_id);
    q.bind(2, folder);
    q.bind(3, range.first);
    q.bind(4, range.end);
    q.bind(5, static_cast<std::int64_t>(limit));
    while (q.executeStep()) out.push_back(stored_of(q));
  } catch (const SQLite::Exception& e) {
    fail(e, "reading documents");
  }
  return out;
}

// The comparison is on bytes (CAST AS BLOB): substr() of TEXT counts characters, and the
// root's length is known in bytes. Normally no row qualifies and nothing is read but the index
// range of the root's paths.
std::vector<MisnamedDocument> Writer::documents_named_apart(const std::string& root) {
  std::vector<MisnamedDocument> out;
  try {
    if (!collection_id) collection_id = lookup_collection();
    if (!collection_id) return out;
    const SourceRange range = below(root);
    SQLite::Statement q(db,
                        "SELECT id, source, path FROM documents WHERE collection_id = ? AND path >= ? AND path < ?"
                        " AND CAST(source AS BLOB) <> substr(CAST(path AS BLOB), ?)"
                        " ORDER BY path, ingested_at DESC, id DESC");
    q.bind(1, *collection_id);
    q.bind(2, range.first);
    q.bind(3, range.end);
    q.bind(4, static_cast<std::int64_t>(range.first.size() + 1));
    while (q.executeStep()) {
      out.push_back(MisnamedDocument{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString()});
    }
  } catch (const SQLite::Exception& e) {
    fail(e, "reading documents");
  }
  return out;
}

void Writer::rename(std::int64_t document_id, const std::string& source) {
  try {
    SQLite::Statement q(db, "UPDATE documents SET source = ? WHERE id = ?");
    q.bind(1, source);
    q.bind(2, document_id);
    q.exec();
  } catch (const SQLite::Exception& e) {
    fail(e, "renaming a document");
  }
}

void Writer::remove(std::int64_t document_id) {
  try {
    SQLite::Statement q(db, "DELETE FROM documents WHERE id = ?");
    q.bind(1, document_id);
    q.exec();
  } catch (const SQLite::Exception& e) {
    fail(e, "removing a document");
  }
}

std::unique_ptr<WriterBackend> Backend::writer(Store& store, std::string collection, std::string config_json,
                                               bool record_config) {
  return std::make_unique<Writer>(store, std::move(collection), std::move(config_json), record_config);
}

}  // namespace strata::store::sqlite_store
