#include "mcp/tools.h"

#include <algorithm>
#include <array>
#include <utility>

#include "common/error.h"
#include "common/text.h"
#include "common/utf8.h"
#include "mcp/document_range.h"
#include "mcp/tool_arguments.h"
#include "store/catalog.h"
#include "store/collections.h"

namespace strata::mcp {
namespace {

using nlohmann::json;

// A hit's text in a search result, and a read's default and largest size: enough for a few
// chunks of a manual, small enough that ten hits stay within a model's context.
constexpr std::size_t k_hit_text_bytes = 2000;
constexpr std::int64_t k_read_default_bytes = 16000;
constexpr std::int64_t k_read_max_bytes = 200000;
constexpr std::int64_t k_list_default = 50;
constexpr std::int64_t k_list_max = 500;

std::string collection_of(ToolSession& s, const json& args) {
  return string_argument(args, "collection").value_or(s.options().collection);
}

// source:L12-L30, as search results and citations name a place.
std::string citation(const std::string& source, std::int64_t first, std::int64_t last) {
  std::string out = source + ":L" + std::to_string(first);
  if (last != first) out += "-L" + std::to_string(last);
  return out;
}

std::string cut(const std::string& text, std::size_t max, bool& truncated) {
  truncated = text.size() > max;
  return truncated ? text.substr(0, utf8_boundary_before(text, max)) : text;
}

json object_schema(json properties, std::vector<std::string> required = {}) {
  json schema = {{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) schema["required"] = std::move(required);
  return schema;
}

json collection_property() {
  return {{"type", "string"}, {"description", "Collection to use (list_collections names them); default: the server's collection"}};
}

// --- search ---------------------------------------------------------------------------------

json search_schema() {
  return object_schema(
      {{"query", {{"type", "string"}, {"description", "What to look for, in plain words (not query syntax)"}}},
       {"collection", collection_property()},
       {"k", {{"type", "integer"}, {"minimum", 1}, {"maximum", 50}, {"description", "Number of results (default 5)"}}},
       {"mode",
        {{"type", "string"},
         {"enum", {"keyword", "vector", "hybrid"}},
         {"description", "keyword (BM25), vector, or hybrid (both fused); default: hybrid when the collection has vectors"}}},
       {"where",
        {{"type", "array"},
         {"items", {{"type", "string"}}},
         {"description",
          "Metadata filters, all must hold: key=value, key^=prefix or key~glob; keys source, title, loader, path or a "
          "metadata key (e.g. [\"source^=docs/\"])"}}}},
      {"query"});
}

json call_search(ToolSession& s, const json& args) {
  const search::SearchRequest r = search_arguments(args, s.options().search, s.options().collection);
  const search::SearchResult result = s.searcher().search(r);
  json hits = json::array();
  std::string text;
  std::size_t rank = 0;
  for (const search::SearchHit& h : result.hits) {
    const store::ChunkRef& c = h.chunk;
    bool truncated = false;
    const std::string body = cut(c.text, k_hit_text_bytes, truncated);
    const std::string where = citation(c.source, static_cast<std::int64_t>(c.line_start), static_cast<std::int64_t>(c.line_end));
    json hit = {{"rank", ++rank},   {"source", c.source}, {"title", c.title},       {"citation", where},
                {"lines", {c.line_start, c.line_end}}, {"score", h.score}, {"text", body}, {"truncated", truncated}};
    if (c.page_start) hit["pages"] = {*c.page_start, c.page_end.value_or(*c.page_start)};
    hits.push_back(std::move(hit));
    text += "[" + std::to_string(rank) + "] " + where + (c.title.empty() ? "" : " (" + c.title + ")") + "\n" + body +
            (truncated ? " [...]" : "") + "\n\n";
  }
  if (result.hits.empty()) {
    text = result.no_document_passes_filters ? "No document of collection '" + r.collection + "' passes the filters."
                                             : "No results for '" + r.query + "' in collection '" + r.collection + "'.";
  } else {
    text += "Cite a result as its citation (source:Lfirst-Llast); read_document gives more of a source.";
  }
  return tool_result(std::move(text), {{"collection", r.collection},
                                       {"mode", std::string(search::to_string(result.mode))},
                                       {"hits", std::move(hits)}});
}

// --- read_document --------------------------------------------------------------------------

json read_schema() {
  return object_schema(
      {{"source", {{"type", "string"}, {"description", "The document's source, as search results and list_documents give it"}}},
       {"collection", collection_property()},
       {"start_line", {{"type", "integer"}, {"minimum", 1}, {"description", "First line to return (1-based; default 1)"}}},
       {"end_line", {{"type", "integer"}, {"minimum", 1}, {"description", "Last line to return (inclusive; default: the end)"}}},
       {"first_chunk",
        {{"type", "integer"}, {"minimum", 0}, {"description", "Instead of lines: the first chunk to return (0-based)"}}},
       {"last_chunk", {{"type", "integer"}, {"minimum", 0}, {"description", "Last chunk to return (inclusive)"}}},
       {"max_bytes",
        {{"type", "integer"},
         {"minimum", 1},
         {"maximum", k_read_max_bytes},
         {"description", "Largest text to return (default 16000); a longer range is cut at a line and says where to go on"}}}},
      {"source"});
}

json call_read(ToolSession& s, const json& args) {
  const ReadArguments a = read_arguments(args, s.options().collection, static_cast<std::size_t>(k_read_max_bytes));
  const std::string& collection = a.collection;
  const std::optional<std::int64_t>&start = a.start_line, &end = a.end_line;
  const std::optional<std::int64_t>&first_chunk = a.first_chunk, &last_chunk = a.last_chunk;
  const std::size_t max = a.max_bytes;
  store::Store& st = s.store();
  const store::DocumentSummary d = store::get_document(st, collection, a.source);
  json structured = {{"collection", collection}, {"source", d.source}, {"title", d.title}};
  std::string header;
  std::string body;
  if (first_chunk || last_chunk) {
    const ChunkPart p = read_chunks(st, d.id, first_chunk.value_or(0), last_chunk.value_or(-1), max);
    structured.update({{"first_chunk", p.first_chunk}, {"last_chunk", p.last_chunk}, {"chunks", p.document_chunks},
                       {"truncated", p.truncated}, {"text", p.text}});
    header = d.source + ": chunks " + std::to_string(p.first_chunk) + "-" + std::to_string(p.last_chunk) + " of " +
             std::to_string(p.document_chunks);
    if (p.truncated && p.last_chunk >= p.first_chunk) header += " (cut at max_bytes; go on with first_chunk " + std::to_string(p.last_chunk + 1) + ")";
    body = p.text;
  } else {
    const DocumentPart p = read_lines(st, d.id, LineRange{start.value_or(1), end.value_or(0)}, max);
    structured.update({{"first_line", p.first_line}, {"last_line", p.last_line}, {"lines", p.document_lines},
                       {"truncated", p.truncated}, {"citation", p.text.empty() ? json(nullptr) : json(citation(d.source, p.first_line, p.last_line))},
                       {"text", p.text}});
    if (p.text.empty()) {
      header = d.source + ": no lines in that range (the document has " + std::to_string(p.document_lines) + ")";
    } else {
      header = citation(d.source, p.first_line, p.last_line) + " of " + std::to_string(p.document_lines) + " lines";
      if (p.truncated) header += " (cut at max_bytes; go on with start_line " + std::to_string(p.last_line + 1) + ")";
    }
    body = p.text;
  }
  return tool_result(header + "\n" + body, std::move(structured));
}

// --- list_collections -----------------------------------------------------------------------

json no_arguments_schema() { return object_schema(json::object()); }

json call_list_collections(ToolSession& s, const json& args) {
  refuse_unknown_arguments(args, {});
  json list = json::array();
  std::string text;
  for (const store::CollectionInfo& c : store::list_collections(s.store())) {
    json j = {{"name", c.name}, {"documents", c.documents}, {"chunks", c.chunks}, {"embedded", c.embedded.value_or(0)}};
    if (c.embedding_model) j["embedding_model"] = c.embedding_model->provider + " " + c.embedding_model->model;
    list.push_back(j);
    text += c.name + ": " + std::to_string(c.documents) + " documents, " + std::to_string(c.chunks) + " chunks" +
            (c.embedding_model ? ", embedded with " + c.embedding_model->model : "") + "\n";
  }
  if (list.empty()) text = "The store has no collections yet (strata ingest adds documents).";
  return tool_result(std::move(text), {{"collections", std::move(list)}});
}

// --- list_documents -------------------------------------------------------------------------

json list_documents_schema() {
  return object_schema(
      {{"collection", collection_property()},
       {"filter",
        {{"type", "string"}, {"description", "Only documents whose source or title contains this text (case-insensitive)"}}},
       {"offset", {{"type", "integer"}, {"minimum", 0}, {"description", "Documents to skip, for paging (default 0)"}}},
       {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", k_list_max}, {"description", "At most this many (default 50)"}}}});
}

json call_list_documents(ToolSession& s, const json& args) {
  refuse_unknown_arguments(args, {"collection", "filter", "offset", "limit"});
  const std::string collection = collection_of(s, args);
  const std::string filter = to_lower(string_argument(args, "filter").value_or(""));
  const std::int64_t offset = integer_argument(args, "offset", 0, std::int64_t{1} << 40).value_or(0);
  const std::int64_t limit = integer_argument(args, "limit", 1, k_list_max).value_or(k_list_default);
  json docs = json::array();
  std::string text;
  std::int64_t matching = 0;
  store::for_each_document(s.store(), collection, [&](const store::DocumentSummary& d) {
    if (!filter.empty() && to_lower(d.source).find(filter) == std::string::npos &&
        to_lower(d.title).find(filter) == std::string::npos) {
      return;
    }
    const std::int64_t index = matching++;
    if (index < offset || index >= offset + limit) return;
    docs.push_back({{"source", d.source}, {"title", d.title}, {"loader", d.loader}, {"chunks", d.chunk_count},
                    {"bytes", d.size_bytes}, {"ingested_at", d.ingested_at}});
    text += d.source + (d.title.empty() ? "" : " (" + d.title + ")") + "\n";
  });
  json structured = {{"collection", collection}, {"total", matching}, {"offset", offset}, {"documents", docs}};
  const std::int64_t next = offset + static_cast<std::int64_t>(docs.size());
  structured["next_offset"] = next < matching ? json(next) : json(nullptr);
  text = std::to_string(matching) + " document" + (matching == 1 ? "" : "s") + " in '" + collection + "'" +
         (filter.empty() ? "" : " matching the filter") + (docs.empty() ? "" : "; " + std::to_string(offset + 1) + "-" + std::to_string(next) + ":") +
         "\n" + text + (next < matching ? "More: offset " + std::to_string(next) + "\n" : "");
  return tool_result(std::move(text), std::move(structured));
}

// --- migrate_status, migrate_check ----------------------------------------------------------

json migrate_report(const std::function<std::string()>& report, const char* what) {
  if (!report) throw Error(ExitCode::unavailable, std::string("no migrations are configured for ") + what);
  std::string text = report();
  json structured = json::parse(text, nullptr, false);
  if (structured.is_discarded()) structured = json::object();
  return tool_result(std::move(text), std::move(structured));
}

json call_migrate_status(ToolSession& s, const json& args) {
  refuse_unknown_arguments(args, {});
  return migrate_report(s.options().migrate.status, "migrate_status");
}

json call_migrate_check(ToolSession& s, const json& args) {
  refuse_unknown_arguments(args, {});
  return migrate_report(s.options().migrate.check, "migrate_check");
}

constexpr std::array k_tools = {
    Tool{"search", "Search documents",
         "Search the knowledge store's documents by keyword, by vector or both, and return the best passages with their "
         "source and lines (source:Lfirst-Llast) to cite. Use it first for any question about the documents.",
         search_schema, call_search},
    Tool{"read_document", "Read a document",
         "Return a stored document's text, whole or a range of lines (or chunks), as strata loaded it: the text that "
         "search results' lines point into. Long ranges are cut at max_bytes and say where to go on.",
         read_schema, call_read},
    Tool{"list_collections", "List collections",
         "List the store's collections with their numbers of documents and chunks and their embedding model.",
         no_arguments_schema, call_list_collections},
    Tool{"list_documents", "List documents",
         "List a collection's documents (source and title), optionally only those whose source or title contains a "
         "text, a page at a time (offset, limit).",
         list_documents_schema, call_list_documents},
    Tool{"migrate_status", "Migration status",
         "Report the project's SQL migrations (strata migrate status --json): each version with its state (applied, "
         "pending, missing, modified). Reads only.",
         no_arguments_schema, call_migrate_status},
    Tool{"migrate_check", "Check migrations",
         "Lint the project's SQL migrations and compare them with the database's history (strata migrate check "
         "--json): findings with code, severity, file and line, and the exit code CI would get. Reads only.",
         no_arguments_schema, call_migrate_check},
};

}  // namespace

search::SearchRequest search_arguments(const json& args, search::SearchRequest base, const std::string& collection) {
  refuse_unknown_arguments(args, {"query", "collection", "k", "mode", "where"});
  search::SearchRequest& r = base;
  r.query = required_string(args, "query");
  r.collection = string_argument(args, "collection").value_or(collection);
  r.k = static_cast<std::size_t>(integer_argument(args, "k", 1, 50).value_or(5));
  r.mode = std::nullopt;
  if (const auto mode = string_argument(args, "mode")) {
    r.mode = search::parse_mode(*mode);
    if (!r.mode) usage("argument 'mode' must be keyword, vector or hybrid (got '" + *mode + "')");
  }
  r.where.clear();
  for (const std::string& w : string_list_argument(args, "where")) {
    std::optional<search::MetadataFilter> f = search::parse_metadata_filter(w);
    if (!f) usage("argument 'where': '" + w + "' is not key=value, key^=prefix or key~glob");
    r.where.push_back(std::move(*f));
  }
  return base;
}

ReadArguments read_arguments(const json& args, const std::string& collection, std::size_t max_bytes) {
  refuse_unknown_arguments(args, {"source", "collection", "start_line", "end_line", "first_chunk", "last_chunk", "max_bytes"});
  ReadArguments a;
  a.source = required_string(args, "source");
  a.collection = string_argument(args, "collection").value_or(collection);
  constexpr std::int64_t big = std::int64_t{1} << 40;
  a.start_line = integer_argument(args, "start_line", 1, big);
  a.end_line = integer_argument(args, "end_line", 1, big);
  a.first_chunk = integer_argument(args, "first_chunk", 0, big);
  a.last_chunk = integer_argument(args, "last_chunk", 0, big);
  // The schema's largest value is accepted from any caller; a caller with a lower cap reads less.
  const auto asked = integer_argument(args, "max_bytes", 1, k_read_max_bytes).value_or(k_read_default_bytes);
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

store::Store& ToolSession::store() {
  if (!store_) {
    std::optional<store::Store> st = store::Store::open_read_only(options_.store_path, options_.open);
    if (!st) {
      throw Error(ExitCode::unavailable, "no store at " + options_.store_path,
                  "add documents with strata ingest first (the server finds it on the next call)");
    }
    store_ = std::move(st);
  }
  return *store_;
}

search::Searcher& ToolSession::searcher() {
  if (!searcher_) searcher_.emplace(store());
  return *searcher_;
}

std::span<const Tool> tools() { return k_tools; }

const Tool* find_tool(std::string_view name) {
  for (const Tool& t : k_tools) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

json tool_listing(const Tool& tool) {
  return {{"name", tool.name},
          {"title", tool.title},
          {"description", tool.description},
          {"inputSchema", tool.input_schema()},
          {"annotations", {{"title", tool.title}, {"readOnlyHint", true}, {"destructiveHint", false},
                           {"idempotentHint", true}, {"openWorldHint", false}}}};
}

json tool_result(std::string text, json structured) {
  return {{"content", json::array({{{"type", "text"}, {"text", std::move(text)}}})},
          {"structuredContent", std::move(structured)},
          {"isError", false}};
}

json tool_error(const std::string& message) {
  return {{"content", json::array({{{"type", "text"}, {"text", message}}})}, {"isError", true}};
}

}  // namespace strata::mcp
