#pragma once
// `strata ingest`: documents from files, folders, stdin and JSONL into a collection of the
// knowledge store, incrementally. Workers read, hash, load and chunk in parallel; one writer
// stores the results in order, each document replaced whole inside a transaction.
#include <cstdint>
#include <filesystem>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ingest/chunk_settings.h"
#include "ingest/external_converter.h"
#include "ingest/document_progress.h"
#include "ingest/walker.h"
#include "store/store.h"
#include "web/crawl.h"
#include "web/fetcher.h"

namespace strata::ingest {

enum class Action { added, changed, unchanged, removed, skipped, failed };
const char* name_of(Action action);

struct DocumentEvent {
  Action action = Action::added;
  std::string source{};
  std::string detail{};  // skipped/failed: the reason; changed: "content", "metadata" or "rechunked"
  std::string kind{};    // skipped: generated.h's kind, or "binary"
  bool named = false;    // skipped: the file (or stdin) was named on the command line, not found in a folder
  std::int64_t chunks = 0;
  std::uint64_t bytes = 0;
};

struct Progress {
  std::uint64_t files_done = 0, files_total = 0;  // totals are 0 when not counted
  std::uint64_t bytes_done = 0, bytes_total = 0;
  // The document the run is waiting for, while it takes more than a moment: a PDF's pages read
  // (stage reading), then the bytes of its text chunked (stage chunking).
  struct Current {
    std::string source;
    DocumentProgress::Snapshot at;
  };
  std::optional<Current> current;
};

struct IngestSummary {
  std::string store;
  std::string collection;
  ChunkSettings settings;
  bool dry_run = false;
  std::size_t added = 0, changed = 0, unchanged = 0, removed = 0, skipped = 0, failed = 0;
  // The skipped files by kind (generated.h's kinds, and "binary" for files the loaders found
  // binary): a summary names them once instead of a warning per file.
  std::map<std::string, std::size_t> skipped_by_kind;
  std::size_t renamed = 0;  // documents given their project-relative source (IngestRequest::project_root)
  std::size_t merged = 0;   // duplicates of one file removed while doing so
  // Of `changed`: unchanged files read again because their document was made by an older
  // version of the loader (ingest/loaders.h, Loader::version), by loader name.
  std::map<std::string, std::size_t> reread_by_loader;
  std::uint64_t chunks = 0;  // chunks written (or, in a dry run, 0)
  std::uint64_t bytes = 0;   // of the run's documents (new, changed, unchanged); not of skipped or failed files
  double seconds = 0;
  std::vector<DocumentEvent> failures;
  std::vector<std::string> notes;     // e.g. why nothing was re-chunked
  std::vector<std::string> warnings;  // e.g. a configuration file's chunking that was not used
  std::vector<std::string> would_fetch;  // a crawl's dry run: the pages it would fetch, in order
};

struct IngestRequest {
  std::vector<std::string> paths;         // files and folders; "-" is one document from stdin
                                          // (Error(invalid_input) when stdin is empty)
  bool jsonl = false;                     // paths are JSONL files instead ("-" or none: stdin)
  std::optional<std::string> files_from;  // a list of paths in a file; "-" is stdin
  bool nul_separated = false;             // -0
  std::string stdin_id = "stdin";
  std::istream* stdin_stream = nullptr;  // std::cin when null

  std::string store_path;
  store::OpenOptions store_options;  // the busy timeout
  std::string collection = "default";
  ChunkOverrides chunk;           // flags: win over everything
  ConfiguredChunking configured;  // strata.toml's [chunk]: a new collection's, or --rechunk's
  bool rechunk = false;
  bool prune = false;
  bool dry_run = false;
  bool checksum = false;  // hash every file, even when its size and mtime are unchanged
  // Source ids of files are relative to this folder (project_root.h; the CLI passes the
  // project's). Documents of the collection whose file lies under it but whose source is
  // another spelling (ids from before, or relative to another working directory) are renamed
  // at the start of the run, one document kept per file (IngestSummary::renamed, merged).
  // Default (empty): the working directory.
  std::filesystem::path project_root;
  WalkOptions walk;
  std::vector<std::string> meta;  // key=value, for every document of the run
  std::optional<std::string> loader;     // a built-in loader for every document (a name
                                         // parse_loader accepts, loaders.h); wins over converters
  std::vector<ConverterCommand> converters;  // by extension: the user file's and --loader-cmd's
  ConverterLimits converter_limits;
  unsigned threads = 0;       // 0: one per hardware thread
  bool count_totals = false;  // walk once more first, so progress has totals (an ETA)
  // Paths that are web addresses (http://, https://) are fetched with these (web_pages.h).
  // Set from the command line only: a project's strata.toml cannot add URLs or headers.
  web::FetchOptions web;
  // Each web address starts a crawl (web_crawl.h) instead of naming one page: links followed
  // within the scope, sitemaps and llms.txt read, robots.txt honoured. With `prune`, the
  // collection's pages under a crawl's scope that it did not find are removed (only when the
  // crawl ran to its end); with `dry_run`, the pages it would fetch are listed (would_fetch).
  std::optional<web::CrawlOptions> crawl;
};

class IngestObserver {
 public:
  virtual ~IngestObserver() = default;
  virtual void document(const DocumentEvent&) {}
  // After each document, and about ten times a second while one document keeps the run waiting.
  virtual void progress(const Progress&) {}
};

// Throws Error(usage) for bad options, Error(unavailable) when the store cannot be written;
// a document that fails is reported in the summary and the run goes on.
IngestSummary ingest(const IngestRequest& request, IngestObserver& observer);

}  // namespace strata::ingest
