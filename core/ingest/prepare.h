#pragma once
// One document's work off the writer's thread: read, hash, decide whether it changed, load,
// chunk. The result is a ready-to-write record or the reason there is nothing to write.
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "ingest/chunk_settings.h"
#include "ingest/external_converter.h"
#include "ingest/document.h"
#include "ingest/document_progress.h"
#include "store/document_writer.h"

namespace strata::ingest {

// A document read before it was queued (a crawled HTML page, read on the connection's thread that
// fetched it, its links taken from the same parse): what load_document returned, or what it threw.
struct PreloadedDocument {
  LoadResult result;
  std::exception_ptr error;
};

struct Job {
  std::string source;
  std::optional<std::string> path;  // absolute; files only
  std::string read_from;            // the file to read; empty when `bytes` holds the content
  std::string bytes;                // stdin and JSONL content
  std::string name;                 // what picks the loader: a file name or a document id
  std::optional<LoaderKind> forced_loader;  // --loader, or text for a JSONL record without a name
  std::shared_ptr<PreloadedDocument> preloaded;  // set: its result stands for the loader's
  const ConverterCommand* converter = nullptr;  // files only: run it on `path` instead of a loader
  ConverterLimits converter_limits;
  std::uint64_t size = 0;
  std::optional<std::int64_t> mtime_ns;
  std::string metadata_json = "{}";
  std::string title;  // JSONL: the record's own; else found by the loader
  std::optional<store::StoredDocument> stored;
  std::optional<std::int64_t> config_id;  // the run's chunk configuration, when recorded
  bool chunk = true;                      // false for --dry-run: the plan needs no chunks
  std::shared_ptr<DocumentProgress> progress;  // optional: told pages read, then bytes chunked
};

struct Prepared {
  enum class Kind { ready, unchanged, skipped, failed };
  Kind kind = Kind::failed;
  std::string source;
  std::uint64_t bytes = 0;
  std::string reason;  // skipped and failed
  bool existed = false;
  std::string old_hash;  // of the stored version, when there is one
  std::string old_reader;  // the stored version's loader, when an older version of it made it
  std::size_t repaired_bytes = 0;  // ready: LoadedDocument::repaired_bytes
  store::DocumentRecord record;  // ready only
};

// Never throws: every failure becomes Kind::failed with its reason.
Prepared prepare(const Job& job, const ChunkSettings& settings);

// True when the stored document is certainly the same as this job without reading the file:
// same size, modification time, metadata and chunk configuration (the git index's shortcut).
bool unchanged_by_stat(const Job& job);

}  // namespace strata::ingest
