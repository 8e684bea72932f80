#pragma once
// Reading and removing what ingest stored: the documents of a collection and their chunks.
// Listing streams rows to a callback so a large collection never sits in memory.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace strata::store {

struct DocumentSummary {
  std::int64_t id = 0;
  std::string source;
  std::optional<std::string> path;
  std::string title;
  std::string loader;
  std::string encoding;
  std::string content_hash;
  std::int64_t size_bytes = 0;
  std::int64_t char_count = 0;
  std::int64_t chunk_count = 0;
  std::optional<std::int64_t> page_count;
  std::optional<std::string> mtime;
  std::string ingested_at;
  std::string metadata_json;
};

struct ChunkView {
  std::int64_t id = 0;
  std::int64_t ordinal = 0;
  std::string text;
  std::int64_t start_byte = 0, end_byte = 0;
  std::int64_t char_start = 0, char_end = 0;
  std::int64_t line_start = 0, line_end = 0;
  std::optional<std::int64_t> page, page_end;
  std::int64_t tokens = 0;
  std::string headings_json;
  std::string config_json;
};

// Documents of `collection`, ordered by source. Throws Error(invalid_input) when the
// collection does not exist.
void for_each_document(Store& store, const std::string& collection,
                       const std::function<void(const DocumentSummary&)>& visit);

// Throws Error(invalid_input) naming the source (and the collection) when it is not there.
DocumentSummary get_document(Store& store, const std::string& collection, const std::string& source);

// The document with this source, or nullopt. Throws Error(invalid_input) when the collection
// does not exist.
std::optional<DocumentSummary> find_document(Store& store, const std::string& collection, const std::string& source);
// The most recently ingested document whose recorded file path is `path` (absolute), or nullopt:
// finds documents stored under ids of an earlier spelling (see IngestRequest::project_root).
std::optional<DocumentSummary> find_document_by_path(Store& store, const std::string& collection,
                                                     const std::string& path);
// Every source of the collection, sorted (for a did-you-mean).
std::vector<std::string> document_sources(Store& store, const std::string& collection);

void for_each_chunk(Store& store, std::int64_t document_id, const std::function<void(const ChunkView&)>& visit);

// The document's loaded text (for HTML, the text extracted from the page, not the file) as its
// chunks hold it: each chunk's text at its byte offsets, overlaps written once, and each gap
// between two chunks (whitespace the chunker left out) written as as many newlines, so the
// chunks' start/end offsets index into the result. A gap larger than 4 KiB (not one a chunker
// leaves) is written as one blank line. Empty for a document without chunks.
std::string document_text(Store& store, std::int64_t document_id);

// Removes the documents with their chunks, all or none, in one transaction. Throws
// Error(invalid_input) naming the first source that is not in the collection.
std::vector<DocumentSummary> remove_documents(Store& store, const std::string& collection,
                                              const std::vector<std::string>& sources);

}  // namespace strata::store
