#pragma once
// Writes documents and their chunks into one collection. All SQL for documents and chunks on
// the ingest path lives here. Each document is replaced whole inside a transaction, so a
// reader (or a crash) sees either its old chunks or its new ones, never a mix; the caller
// groups several documents into one transaction for speed.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace strata::store {

class WriterBackend;

// Of a document's title, the keyword index holds the first this many characters with each
// chunk (the view chunks_fts_content of migrations/0007 cuts it so, and the CJK terms of the
// title are those of this prefix), and the embedder is given them above each chunk's text: a
// title is repeated with every chunk, so a megabyte of "title" must not cost a megabyte per
// chunk. Real titles are shorter (at most 367 characters in ../shared/eval, 110 in docs-qa).
inline constexpr std::size_t k_indexed_title_chars = 300;

// A chunk's text is DocumentRecord::text[start_byte, end_byte): offsets, not views, so a
// record can be moved freely.
struct ChunkRecord {
  std::int64_t start_byte = 0, end_byte = 0;
  std::int64_t char_start = 0, char_end = 0;
  std::int64_t line_start = 0, line_end = 0;
  std::optional<std::int64_t> page, page_end;
  std::int64_t tokens = 0;
  std::string headings_json;  // "[]" when none
};

struct DocumentRecord {
  std::string source;               // identity within the collection
  std::optional<std::string> path;  // absolute; none for stdin and JSONL
  std::string title;
  std::string content_hash;  // sha256 hex of the source bytes
  std::int64_t size_bytes = 0;
  std::optional<std::string> mtime;  // ISO 8601 UTC
  std::optional<std::int64_t> mtime_ns;
  std::string loader;
  std::int64_t loader_version = 1;  // of the reader that made `text` (ingest/loaders.h, Loader::version)
  std::string encoding;
  std::string metadata_json = "{}";
  std::int64_t char_count = 0;
  std::optional<std::int64_t> page_count;
  std::string text;  // the loaded text the chunks are ranges of
  std::vector<ChunkRecord> chunks;
};

// What the store knows of a document, for deciding whether it changed.
struct StoredDocument {
  std::int64_t id = 0;
  std::string source;
  std::optional<std::string> path;
  std::string content_hash;
  std::int64_t size_bytes = 0;
  std::optional<std::int64_t> mtime_ns;
  std::string metadata_json;
  std::string title;
  std::optional<std::int64_t> config_id;  // of its chunks; none when it has no chunks
  std::string loader;
  std::int64_t loader_version = 1;
};

// A file's document whose source is not its path below the project root (see
// DocumentWriter::documents_named_apart).
struct MisnamedDocument {
  std::int64_t id = 0;
  std::string source;
  std::string path;  // absolute
};

enum class PutResult { added, changed, metadata_only, unchanged };

class DocumentWriter {
 public:
  // `config_json` is the chunk configuration of the chunks this writer stores. The collection
  // is created (recording it) on the first write; `record_config` also overwrites the
  // configuration an existing collection recorded (--rechunk).
  DocumentWriter(Store& store, std::string collection, std::string config_json, bool record_config);
  ~DocumentWriter();
  DocumentWriter(const DocumentWriter&) = delete;
  DocumentWriter& operator=(const DocumentWriter&) = delete;

  // The stored document with this source, if any. Works inside or outside a transaction.
  std::optional<StoredDocument> find(const std::string& source);
  // The id of this writer's chunk configuration, when already recorded (nothing is written).
  std::optional<std::int64_t> known_config_id();

  // Why this store cannot hold `doc`, or nullopt: on PostgreSQL, a text of it (source, path,
  // title, metadata, text, headings…) with a NUL byte or bytes that are not UTF-8, which its
  // text columns refuse (a SQLite store holds any bytes). put() throws Error(invalid_input)
  // with this reason before anything is written, leaving the transaction and the documents
  // batched in it as they were; a caller that goes on with other documents asks first.
  std::optional<std::string> refusal(const DocumentRecord& doc) const;

  void begin();  // BEGIN IMMEDIATE: waits for other writers up to the store's busy timeout
  void commit();
  bool in_transaction() const;

  // Inside a transaction. Compares again with what is stored now (another process may have
  // written it since find()): same hash, same loader and loader version, same chunk
  // configuration and same metadata and title
  // is `unchanged` and touches nothing; only metadata or title different updates the document
  // row alone; otherwise the document row is written and its chunks replaced. `force`
  // replaces the chunks even when the content is the same (--rechunk).
  PutResult put(const DocumentRecord& doc, bool force);

  // Documents with a file (a path) whose source is `folder` or lies below it ("docs" holds
  // "docs" and "docs/a.md", not "docs2/b.md"); "" is every relative source. For --prune.
  std::vector<StoredDocument> files_under(const std::string& folder);
  // Every document whose source is `folder` or lies below it, files or not (a site's pages under
  // "https://host"), in source order, at most `limit` of them, without their chunk configuration
  // (config_id unset: read once for what a re-crawl asks of each page, never for put()).
  std::vector<StoredDocument> documents_under(const std::string& folder, std::size_t limit);
  // Documents whose path lies under `root` (absolute, normal, no trailing '/') but whose source
  // is not that path below it, byte for byte: stored before sources were relative to the
  // project root, or while the working directory was another one. Ordered by path, and within
  // one path (one file stored several times) the most recently ingested first.
  std::vector<MisnamedDocument> documents_named_apart(const std::string& root);
  // Inside a transaction: gives a document another source. REQUIRES: no document has it.
  void rename(std::int64_t document_id, const std::string& source);
  // Inside a transaction: removes a document with its chunks.
  void remove(std::int64_t document_id);

 private:
  std::unique_ptr<WriterBackend> impl_;  // the store's backend's (backend.h)
};

}  // namespace strata::store
