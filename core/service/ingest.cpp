#include "service/ingest.h"

#include <sstream>

#include "common/error.h"
#include "service/json_arguments.h"

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

}  // namespace strata::service
