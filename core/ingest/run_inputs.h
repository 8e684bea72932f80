#pragma once
// The first half of an ingest run: what it reads. From the request's inputs (paths, '-',
// --files-from, JSONL) it makes the documents' jobs, in the order the writer will take them,
// and hands each to a JobSink (run_pipeline.h), with the inputs that fail or are skipped before
// any job exists (a folder that cannot be read, a generated file, a JSONL line that is not a
// record). It opens no store and writes nothing.
#include <cstdint>
#include <filesystem>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ingest/ingest.h"
#include "ingest/job_sink.h"
#include "ingest/prepare.h"
#include "ingest/source_id.h"
#include "ingest/web_crawl.h"
#include "store/document_writer.h"
#include "web/fetcher.h"

namespace strata::ingest {

class Inputs {
 public:
  // `ids` names the files (shared with the run's --prune); `store_file` is the store's own file,
  // which a walk must not read, or nullopt for a store on a server. REQUIRES: `request` was
  // validated, and it and `ids` outlive this object.
  Inputs(const IngestRequest& request, SourceIds& ids, std::optional<std::string> store_file);

  // '-' is read before the store is opened, so that an empty standard input is refused with
  // nothing written (Error(invalid_input)).
  void read_stdin_document();
  // Files and bytes the paths hold, so progress has totals; nothing for streams.
  void count_totals(Progress& progress) const;
  // Every input's documents, in order, to `sink`.
  void read(JobSink& sink);
  // The files and folders given (after --files-from), which --prune compares with.
  const std::vector<std::string>& roots() const { return roots_; }
  // The crawls the web addresses started (IngestRequest::crawl), which --prune compares with.
  const std::vector<CrawlResult>& crawls() const { return crawls_; }

 private:
  void read_paths(JobSink& sink);
  bool refused_as_link_out(const std::string& root, JobSink& sink) const;
  void read_file(const WalkEntry& entry, JobSink& sink);
  const ConverterCommand* converter_for(const std::filesystem::path& file) const;
  void read_stdin(JobSink& sink);
  void read_web_page(const std::string& url, JobSink& sink);
  void crawl_site(const std::string& url, JobSink& sink);
  const web::FetchFn& fetch();
  void read_jsonl_inputs(JobSink& sink);
  void read_jsonl(std::istream& in, const std::string& label, JobSink& sink);
  bool is_store_file(const std::string& path) const;
  std::istream& stdin_stream() const;
  std::string read_text_input(const std::string& name) const;

  const IngestRequest& req_;
  SourceIds& ids_;
  const std::optional<std::string> store_file_;      // absolute; nullopt: the store has no file
  const std::optional<LoaderKind> forced_loader_;    // req_.loader, parsed once (validate checked it)
  const std::string run_metadata_;                   // --meta, as a JSON object
  std::optional<std::string> stdin_document_;        // '-', read before anything else
  std::vector<std::string> roots_;
  std::vector<CrawlResult> crawls_;
  web::FetchFn fetch_;  // made at the first web address; a crawl's connections share it
};

}  // namespace strata::ingest
