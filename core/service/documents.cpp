#include "service/documents.h"

#include <algorithm>

#include "common/error.h"
#include "common/json_limits.h"
#include "common/text.h"
#include "net/url_secrets.h"
#include "service/json_arguments.h"
#include "store/catalog.h"

namespace strata::service {

using nlohmann::json;

ReadRequest read_request(const json& args, const std::string& collection, std::size_t max_bytes) {
  refuse_unknown_arguments(args, k_read_request);
  const auto integer = [&](const char* name) { return integer_argument(args, *find_field(k_read_request, name)); };
  ReadRequest a;
  a.source = required_string(args, "source");
  a.collection = string_argument(args, "collection").value_or(collection);
  a.start_line = integer("start_line");
  a.end_line = integer("end_line");
  a.first_chunk = integer("first_chunk");
  a.last_chunk = integer("last_chunk");
  // The description's largest value is accepted from any caller; a caller with a lower cap reads less.
  const auto asked = integer("max_bytes").value_or(k_read_default_bytes);
  a.max_bytes = std::min(static_cast<std::size_t>(asked), max_bytes);
  if ((a.start_line || a.end_line) && (a.first_chunk || a.last_chunk)) {
    usage("give lines (start_line, end_line) or chunks (first_chunk, last_chunk), not both");
  }
  if (a.start_line && a.end_line && *a.end_line < *a.start_line) {
    usage("end_line " + std::to_string(*a.end_line) + " is before start_line " + std::to_string(*a.start_line));
  }
  if (a.first_chunk && a.last_chunk && *a.last_chunk < *a.first_chunk) usage("last_chunk is before first_chunk");
  return a;
}

ReadResult read_document(store::Store& store, const ReadRequest& a) {
  const store::DocumentSummary d = store::get_document(store, a.collection, a.source);
  ReadResult r;
  r.document_id = d.id;
  r.collection = a.collection;
  r.source = d.source;
  r.title = d.title;
  if (a.first_chunk || a.last_chunk) {
    r.by = ReadResult::By::chunks;
    r.chunks = read_chunks(store, d.id, a.first_chunk.value_or(0), a.last_chunk.value_or(-1), a.max_bytes);
    const ChunkPart& p = r.chunks;
    if (p.truncated && p.last_chunk >= p.first_chunk) r.next = ReadResult::ReadOn{"first_chunk", p.last_chunk + 1};
  } else {
    r.lines = read_lines(store, d.id, LineRange{a.start_line.value_or(1), a.end_line.value_or(0)}, a.max_bytes);
    const DocumentPart& p = r.lines;
    // As read_on_with says it: a next chunk that starts on a line already returned goes on by chunk.
    if (!read_on_with(p).empty()) {
      r.next = p.next_chunk >= 0 ? ReadResult::ReadOn{"first_chunk", p.next_chunk} : ReadResult::ReadOn{"start_line", p.next_line};
    }
  }
  return r;
}

std::string read_on_text(const ReadResult& r) {
  return r.next ? std::string(r.next->argument) + " " + std::to_string(r.next->value) : "";
}

json to_json(const ReadResult& r) {
  json out = {{"collection", r.collection}, {"source", r.source}, {"title", r.title}};
  const json next = r.next ? json{{r.next->argument, r.next->value}} : json(nullptr);
  if (r.by == ReadResult::By::chunks) {
    const ChunkPart& p = r.chunks;
    out.update({{"first_chunk", p.first_chunk}, {"last_chunk", p.last_chunk}, {"chunks", p.document_chunks},
                {"truncated", p.truncated}, {"next", next}, {"text", p.text}});
  } else {
    const DocumentPart& p = r.lines;
    out.update({{"first_line", p.first_line}, {"last_line", p.last_line}, {"lines", p.document_lines},
                {"truncated", p.truncated},
                {"citation", p.text.empty() ? json(nullptr) : json(citation(r.source, p.first_line, p.last_line))},
                {"next", next}, {"text", p.text}});
  }
  return out;
}

DocumentsRequest documents_request(const json& args, const std::string& collection) {
  refuse_unknown_arguments(args, k_documents_request);
  DocumentsRequest r;
  r.collection = string_argument(args, "collection").value_or(collection);
  r.filter = to_lower(string_argument(args, "filter").value_or(""));
  r.offset = integer_argument(args, *find_field(k_documents_request, "offset")).value_or(0);
  r.limit = integer_argument(args, *find_field(k_documents_request, "limit")).value_or(k_list_default);
  return r;
}

DocumentsPage list_documents(store::Store& store, const DocumentsRequest& r) {
  DocumentsPage page;
  page.collection = r.collection;
  page.offset = r.offset;
  std::size_t page_bytes = 0;  // of sources and titles, as a listing shows them: "source (title)\n"
  store::for_each_document(store, r.collection, [&](const store::DocumentSummary& d) {
    if (!r.filter.empty() && to_lower(d.source).find(r.filter) == std::string::npos &&
        to_lower(d.title).find(r.filter) == std::string::npos) {
      return;
    }
    const std::int64_t index = page.total++;
    if (index < r.offset || index >= r.offset + r.limit || page_bytes > k_list_page_bytes) return;
    page.documents.push_back(d);
    page_bytes += d.source.size() + (d.title.empty() ? 0 : d.title.size() + 3) + 1 + d.metadata_json.size() +
                  d.path.value_or("").size();
  });
  const std::int64_t next = r.offset + static_cast<std::int64_t>(page.documents.size());
  if (next < page.total) page.next_offset = next;
  return page;
}

json stored_json(const std::string& text) {
  ParsedJson parsed = parse_json_within(text);
  return parsed.ok() ? std::move(parsed.value) : json(nullptr);
}

namespace {

bool remote(Door door) { return door == Door::http; }

}  // namespace

json document_json(const store::DocumentSummary& d, Door door) {
  return {{"source", d.source},
          {"path", d.path && !remote(door) ? json(*d.path) : json(nullptr)},
          {"title", d.title},
          {"loader", d.loader},
          {"encoding", d.encoding},
          {"bytes", d.size_bytes},
          {"chars", d.char_count},
          {"chunks", d.chunk_count},
          {"pages", d.page_count ? json(*d.page_count) : json(nullptr)},
          {"sha256", d.content_hash},
          {"mtime", d.mtime ? json(*d.mtime) : json(nullptr)},
          {"ingested_at", d.ingested_at},
          {"metadata", stored_json(d.metadata_json)}};
}

json to_json(const DocumentsPage& page, Door door) {
  json docs = json::array();
  for (const store::DocumentSummary& d : page.documents) docs.push_back(document_json(d, door));
  json out = {{"collection", page.collection}, {"total", page.total}, {"offset", page.offset}, {"documents", std::move(docs)}};
  out["next_offset"] = page.next_offset ? json(*page.next_offset) : json(nullptr);
  return out;
}

std::vector<store::CollectionInfo> collections(store::Store& store) { return store::list_collections(store); }

json collection_json(const store::CollectionInfo& c, Door door) {
  json j = {{"name", c.name},
            {"documents", c.documents},
            {"chunks", c.chunks},
            {"embedded", c.embedded.value_or(0)},
            {"bytes", c.bytes},
            {"chunking", stored_json(c.chunk_config)},
            {"created_at", c.created_at},
            {"last_ingested_at", c.last_ingested_at.empty() ? json(nullptr) : json(c.last_ingested_at)},
            {"embedding", nullptr}};
  if (const std::optional<store::EmbeddingModel>& m = c.embedding_model) {
    j["embedding_model"] = m->provider + " " + m->model;
    json e = {{"provider", m->provider},
              {"model", m->model},
              {"dimensions", m->dimensions > 0 ? json(m->dimensions) : json(nullptr)},
              {"server", m->server.empty() || remote(door) ? json(nullptr) : json(net::redact_url(m->server))}};
    // Prefixes only when the model has one.
    if (!m->query_prefix.empty()) e["query_prefix"] = m->query_prefix;
    if (!m->document_prefix.empty()) e["document_prefix"] = m->document_prefix;
    j["embedding"] = std::move(e);
  }
  return j;
}

json to_json(const std::vector<store::CollectionInfo>& collections, Door door) {
  json list = json::array();
  for (const store::CollectionInfo& c : collections) list.push_back(collection_json(c, door));
  return {{"collections", std::move(list)}};
}

}  // namespace strata::service
