#pragma once
// Where an ingest run's inputs go: each document's job, and the inputs that fail or are skipped
// before any job exists. Run_inputs (files, folders, JSONL) and the web crawl (web_crawl.h) hand
// them to it; the run's pipeline (run_pipeline.h) is the sink.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ingest/prepare.h"
#include "store/document_writer.h"

namespace strata::ingest {

// Whether the document was named on the command line (a file, '-') rather than found in a
// folder: a named file that is skipped is worth a warning of its own.
enum class Named { no, yes };

// Where the inputs' documents and failures go.
class JobSink {
 public:
  virtual ~JobSink() = default;
  virtual void submit(Job job, Named named) = 0;
  virtual void fail(const std::string& source, const std::string& reason, std::uint64_t bytes) = 0;
  virtual void skip(const std::string& source, const std::string& kind, const std::string& reason) = 0;
  // A web page's stored document, for a conditional request; nullopt when there is none (or no
  // store).
  virtual std::optional<store::StoredDocument> stored(const std::string& /*source*/) { return std::nullopt; }
  // Every stored document whose source is `folder` or lies below it (a site's pages under
  // "https://host"), read at once: nullopt when more than `limit` are, or when the sink cannot
  // say (then ask stored() one source at a time).
  virtual std::optional<std::vector<store::StoredDocument>> stored_under(const std::string& /*folder*/,
                                                                         std::size_t /*limit*/) {
    return std::nullopt;
  }
  // A document known unchanged without reading it (a web page's 304).
  virtual void unchanged(const std::string& source, std::uint64_t bytes) = 0;
  // Stores what was submitted so far and commits it: a crawl's saved state then names no page
  // whose document could still be lost.
  virtual void settle() {}
};

}  // namespace strata::ingest
