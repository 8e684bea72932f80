#include "service/ingest.h"

#include "service/ingest_url.h"

#include <chrono>
#include <sstream>

#include "common/error.h"
#include "common/setting.h"
#include "service/json_arguments.h"
#include "web/url.h"

namespace strata::service {

using nlohmann::json;

IngestDocumentRequest ingest_document_request(const json& args, const std::string& collection) {
  refuse_unknown_arguments(args, k_ingest_request);
  IngestDocumentRequest r;
  r.source = required_string(args, "source");
  // The text may be empty (an empty file is stored as it is), but it must be given.
  const std::optional<std::string> text = string_argument(args, "text");
  if (!text) usage("argument 'text' is required (a string)");
  r.text = *text;
  r.collection = string_argument(args, "collection").value_or(collection);
  r.title = string_argument(args, "title").value_or("");
  if (const auto it = args.find("metadata"); it != args.end() && !it->is_null()) {
    if (!it->is_object()) usage("argument 'metadata' must be an object");
    r.metadata_json = it->dump();
  }
  return r;
}

namespace {

// Keeps the one document's event.
struct LastEvent : ingest::IngestObserver {
  ingest::DocumentEvent event;
  bool seen = false;
  void document(const ingest::DocumentEvent& e) override {
    event = e;
    seen = true;
  }
};

}  // namespace

IngestDocumentResult ingest_document(const IngestDocumentRequest& request, ingest::IngestRequest base) {
  json record = {{"id", request.source}, {"text", request.text}};
  if (!request.title.empty()) record["title"] = request.title;
  record["metadata"] = json::parse(request.metadata_json);
  std::istringstream in(record.dump() + "\n");
  base.collection = request.collection;
  base.jsonl = true;
  base.paths.clear();
  base.files_from.reset();
  base.prune = false;
  base.stdin_stream = &in;
  LastEvent seen;
  const ingest::IngestSummary summary = ingest::ingest(base, seen);
  IngestDocumentResult r;
  r.collection = summary.collection;
  r.source = request.source;
  if (seen.seen) {
    r.action = seen.event.action;
    r.detail = seen.event.detail;
    r.chunks = seen.event.chunks;
  }
  return r;
}

json to_json(const IngestDocumentResult& r) {
  json out = {{"collection", r.collection}, {"source", r.source}, {"action", ingest::name_of(r.action)}, {"chunks", r.chunks}};
  if (!r.detail.empty()) out["detail"] = r.detail;
  return out;
}

// ---- A web address: one page or a crawl (ingest_url.h) --------------------------------------
namespace {

// Core's words for a client: a mentioned setting is the field of its name.
std::string render_plain(const std::string& text) {
  return with_setting_names(text);
}

web::CrawlOptions crawl_options(const json& block) {
  if (!block.is_object()) usage("argument 'crawl' must be an object");
  refuse_unknown_arguments(block, Description{k_crawl_fields});
  web::CrawlOptions c;
  if (const auto n = integer_argument(block, k_crawl_fields[0])) c.max_pages = static_cast<std::size_t>(*n);
  if (const auto n = integer_argument(block, k_crawl_fields[1])) c.max_depth = static_cast<int>(*n);
  if (const auto n = integer_argument(block, k_crawl_fields[2])) c.time_limit = std::chrono::seconds(*n);
  c.include = string_list_argument(block, "include");
  c.exclude = string_list_argument(block, "exclude");
  return c;
}

}  // namespace

IngestUrlRequest ingest_url_request(const json& args, const std::string& collection) {
  refuse_unknown_arguments(args, k_ingest_url_request);
  IngestUrlRequest r;
  r.url = required_string(args, "url");
  // Never a path: the run would read the server's own files.
  if (!web::parse_http_url(r.url)) usage("argument 'url' must be an http or https address");
  r.collection = string_argument(args, "collection").value_or(collection);
  if (const auto it = args.find("crawl"); it != args.end() && !it->is_null()) {
    r.crawl = crawl_options(*it);
    if (const auto p = it->find("prune"); p != it->end() && !p->is_null()) {
      if (!p->is_boolean()) usage("argument 'crawl.prune' must be a boolean");
      r.prune = p->get<bool>();
    }
  }
  if (const auto it = args.find("dry_run"); it != args.end() && !it->is_null()) {
    if (!it->is_boolean()) usage("argument 'dry_run' must be a boolean");
    r.dry_run = it->get<bool>();
  }
  return r;
}

namespace {
struct Quiet : ingest::IngestObserver {};
}  // namespace

ingest::IngestSummary ingest_url(const IngestUrlRequest& request, ingest::IngestRequest base) {
  Quiet quiet;
  return ingest_url(request, std::move(base), quiet);
}

ingest::IngestSummary ingest_url(const IngestUrlRequest& request, ingest::IngestRequest base, ingest::IngestObserver& observer) {
  base.collection = request.collection;
  base.paths = {request.url};
  base.jsonl = false;
  base.files_from.reset();
  base.stdin_stream = nullptr;
  base.crawl = request.crawl;
  base.prune = request.prune;
  base.dry_run = request.dry_run;
  return ingest::ingest(base, observer);
}

json ingest_url_result(const ingest::IngestSummary& s) {
  json failures = json::array();
  for (const ingest::DocumentEvent& f : s.failures) failures.push_back({{"source", f.source}, {"reason", render_plain(f.detail)}});
  json notes = json::array();
  for (const std::string& n : s.notes) notes.push_back(render_plain(n));
  json out = {{"collection", s.collection}, {"new", s.added},         {"changed", s.changed}, {"unchanged", s.unchanged},
              {"removed", s.removed},       {"skipped", s.skipped},   {"failed", s.failed},   {"chunks", s.chunks},
              {"failures", failures},       {"notes", notes}};
  if (s.dry_run) out["would_fetch"] = s.would_fetch;
  return out;
}

}  // namespace strata::service
