#pragma once
// `strata collections copy`: one collection of a store written into another store, SQLite or
// PostgreSQL either way, with its documents, chunks (the same text, offsets, lines, pages and
// headings), chunking configuration, embedding model and vectors. A team starts with a local file
// and moves to a server later, or takes a server's collection along offline.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "store/catalog.h"
#include "store/collections.h"
#include "store/document_writer.h"
#include "store/embedding_store.h"
#include "store/store.h"

namespace strata::store {

struct CopyOptions {
  std::string collection;  // in the source
  std::string as;          // its name in the destination; "" keeps the name
  // A destination collection of that name that already holds documents is refused (Error
  // usage) unless this is set; then documents are added or replaced by source, as ingest does.
  bool merge = false;
  // Documents per transaction: a copy killed half-way keeps whole documents only, and a re-run
  // finishes it (unchanged documents are not written again).
  std::size_t batch = 200;
};

struct CopyResult {
  std::int64_t documents = 0;  // written (added or changed)
  std::int64_t unchanged = 0;  // already in the destination with the same content and vectors
  std::int64_t chunks = 0;
  std::int64_t vectors = 0;
};

// What a source store's rows may hold, as collections copy reads them. The rows are data, not
// what strata wrote: a store on a server is written by whoever holds a role that may write its
// tables. Each check throws Error(invalid_input) "STORE: collection 'C', document 'D', chunk N:
// WHAT" for a row strata never writes, before anything of its document is copied.
class SourceRows {
 public:
  // `store` as messages name it (Store::path()).
  SourceRows(std::string store, std::string collection);

  // The collection's row: its chunk configuration a JSON object, its model's dimensions within
  // [0, k_max_vector_dimensions].
  void collection(const CollectionInfo& k) const;

  // The document as a record to write, its loaded text rebuilt from its chunks (a newline for
  // each byte no chunk covers), after checking its rows are as strata writes them: sizes not
  // negative, metadata a JSON object; the chunks numbered 0, 1, 2…, each a byte range holding
  // its text exactly, its characters and lines within those bytes, its pages in order and
  // within the document's, headings a JSON array and configuration a JSON object, overlapping
  // chunks agreeing on their bytes; the text no more than 64 MiB longer than the chunks' bytes
  // (so no number read makes it allocate more). mtime_ns and loader_version are left default.
  DocumentRecord record(const DocumentSummary& d, const std::vector<ChunkView>& chunks) const;

  // A vector of chunk `chunk` of `d`: whole float32 values, as many as the model's dimensions
  // (when known), at most k_max_vector_dimensions.
  void vector(const DocumentSummary& d, std::size_t chunk, const EmbeddingModel& m, std::string_view v) const;

 private:
  void document(const DocumentSummary& d) const;
  void chunks(const DocumentSummary& d, const std::vector<ChunkView>& chunks) const;
  void json_of(const std::string& where, const char* field, const std::string& text, bool object) const;
  [[noreturn]] void bad(const std::string& where, const std::string& what) const;
  std::string store_, collection_;
};

// Called after each document with the counts so far.
using CopyProgress = std::function<void(const CopyResult&)>;

// Throws Error(invalid_input) for a collection the source lacks, or a row of the source strata
// never writes (SourceRows; the documents of earlier batches stay copied), Error(usage) for a
// copy onto itself or onto a non-empty collection without `merge`, and what the stores throw.
CopyResult copy_collection(Store& from, Store& to, const CopyOptions& options, const CopyProgress& progress = {});

}  // namespace strata::store
