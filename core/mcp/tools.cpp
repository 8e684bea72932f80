#include "mcp/tools.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/json_limits.h"
#include "common/setting.h"
#include "common/text.h"
#include "common/utf8.h"
#include "mcp/document_range.h"
#include "mcp/tool_arguments.h"
#include "store/catalog.h"
#include "store/store.h"
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
// A page of list_documents holds at most about this much of sources and titles: documents with
// very long titles make shorter pages (next_offset goes on), not a reply past server.h's cap.
constexpr std::size_t k_list_page_bytes = std::size_t{2} << 20;

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

// The pieces of the output schemas.
json typed(const char* type) { return {{"type", type}}; }
json typed_or_null(const char* type) { return {{"type", json::array({type, "null"})}}; }
json array_of(json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
// An object that may gain fields: the migration reports are the program's (`--json`).
json open_object(json properties, std::vector<std::string> required) {
  return {{"type", "object"}, {"properties", std::move(properties)}, {"required", std::move(required)}};
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

json search_output_schema() {
  const json hit = object_schema({{"rank", typed("integer")},
                                  {"source", typed("string")},
                                  {"title", typed("string")},
                                  {"citation", typed("string")},
                                  {"lines", array_of(typed("integer"))},
                                  {"pages", array_of(typed("integer"))},
                                  {"score", typed("number")},
                                  {"text", typed("string")},
                                  {"truncated", typed("boolean")}},
                                 {"rank", "source", "title", "citation", "lines", "score", "text", "truncated"});
  return object_schema({{"collection", typed("string")},
                        {"mode", {{"type", "string"}, {"enum", {"keyword", "vector", "hybrid"}}}},
                        {"hits", array_of(hit)},
                        {"query_not_embedded", typed("string")}},
                       {"collection", "mode", "hits"});
}

json call_search(ToolSession& s, const json& args) {
  search::SearchRequest r = search_arguments(args, s.options().search, s.options().collection);
  // An agent gets keyword hits, and why, rather than no answer: the collection's embedding server
  // may be refused (embed::choose_server), down or not configured in the agent's environment.
  r.keyword_when_query_fails = true;
  r.embed_deadline = k_embed_deadline;
  r.embed.timeout = std::min(r.embed.timeout, k_embed_request_timeout);
  if (r.rerank) {
    r.rerank->timeout = std::min(r.rerank->timeout, k_rerank_timeout);
    r.rerank->max_retries = 0;
  }
  r.cancel = s.cancel();
  // The collection's embedding server failed a moment ago: not waited on again (breaker.h).
  const std::string server = "the embedding server of collection '" + r.collection + "'";
  if (s.breakers()) r.skip_embedding = s.breakers()->refused(server, server);
  // So does the reranker: a search then keeps its own order, as when the reranker fails.
  const std::string reranker = "the reranker";
  if (s.breakers() && r.rerank && s.breakers()->refused(reranker, reranker)) r.rerank.reset();
  const search::SearchResult result = s.searcher().search(r);
  if (s.breakers() && !r.skip_embedding) {
    if (!result.query_not_embedded.empty()) {
      s.breakers()->failed(server, result.query_not_embedded);
    } else if (result.mode != search::Mode::keyword) {
      s.breakers()->succeeded(server);
    }
  }
  if (s.breakers() && r.rerank) {
    if (!result.rerank_failure.empty() && !(s.cancel() && s.cancel()->load())) {
      s.breakers()->failed(reranker, result.rerank_failure);
    } else if (result.reranked) {
      s.breakers()->succeeded(reranker);
    }
  }
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
  json fields = {{"collection", r.collection}, {"mode", std::string(search::to_string(result.mode))}, {"hits", std::move(hits)}};
  if (!result.query_not_embedded.empty()) {
    text = "Note: keyword search only; the query could not be embedded: " + result.query_not_embedded + "\n\n" + text;
    fields["query_not_embedded"] = result.query_not_embedded;
  }
  return tool_result(std::move(text), std::move(fields));
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

json read_output_schema() {
  return object_schema({{"collection", typed("string")},
                        {"source", typed("string")},
                        {"title", typed("string")},
                        {"first_line", typed("integer")},
                        {"last_line", typed("integer")},
                        {"lines", typed("integer")},
                        {"first_chunk", typed("integer")},
                        {"last_chunk", typed("integer")},
                        {"chunks", typed("integer")},
                        {"citation", typed_or_null("string")},
                        {"truncated", typed("boolean")},
                        {"next", {{"type", json::array({"object", "null"})},
                                  {"description", "The arguments that read on after a cut range (start_line or first_chunk); null when nothing was cut"},
                                  {"properties", {{"start_line", typed("integer")}, {"first_chunk", typed("integer")}}},
                                  {"additionalProperties", false}}},
                        {"text", typed("string")}},
                       {"collection", "source", "title", "truncated", "next", "text"});
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
    const bool cut = p.truncated && p.last_chunk >= p.first_chunk;
    structured.update({{"first_chunk", p.first_chunk}, {"last_chunk", p.last_chunk}, {"chunks", p.document_chunks},
                       {"truncated", p.truncated}, {"next", cut ? json{{"first_chunk", p.last_chunk + 1}} : json(nullptr)},
                       {"text", p.text}});
    header = d.source + ": chunks " + std::to_string(p.first_chunk) + "-" + std::to_string(p.last_chunk) + " of " +
             std::to_string(p.document_chunks);
    if (cut) header += " (cut at max_bytes; go on with first_chunk " + std::to_string(p.last_chunk + 1) + ")";
    body = p.text;
  } else {
    const DocumentPart p = read_lines(st, d.id, LineRange{start.value_or(1), end.value_or(0)}, max);
    json next = nullptr;
    const std::string go_on = read_on_with(p);
    if (!go_on.empty()) next = p.next_chunk >= 0 ? json{{"first_chunk", p.next_chunk}} : json{{"start_line", p.next_line}};
    structured.update({{"first_line", p.first_line}, {"last_line", p.last_line}, {"lines", p.document_lines},
                       {"truncated", p.truncated}, {"citation", p.text.empty() ? json(nullptr) : json(citation(d.source, p.first_line, p.last_line))},
                       {"next", std::move(next)}, {"text", p.text}});
    if (p.text.empty()) {
      header = d.source + ": no lines in that range (the document has " + std::to_string(p.document_lines) + ")";
    } else {
      header = citation(d.source, p.first_line, p.last_line) + " of " + std::to_string(p.document_lines) + " lines";
      if (p.file_lines) header += " of the file (the text is what strata loaded from them)";
      if (!go_on.empty()) header += " (cut at max_bytes; go on with " + go_on + ")";
    }
    body = p.text;
  }
  return tool_result(header + "\n" + body, std::move(structured));
}

// --- list_collections -----------------------------------------------------------------------

json no_arguments_schema() { return object_schema(json::object()); }

json list_collections_output_schema() {
  const json collection = object_schema({{"name", typed("string")},
                                         {"documents", typed("integer")},
                                         {"chunks", typed("integer")},
                                         {"embedded", typed("integer")},
                                         {"embedding_model", typed("string")}},
                                        {"name", "documents", "chunks", "embedded"});
  return object_schema({{"collections", array_of(collection)}}, {"collections"});
}

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

json list_documents_output_schema() {
  const json document = object_schema({{"source", typed("string")},
                                       {"title", typed("string")},
                                       {"loader", typed("string")},
                                       {"chunks", typed("integer")},
                                       {"bytes", typed("integer")},
                                       {"ingested_at", typed("string")}},
                                      {"source", "title", "loader", "chunks", "bytes", "ingested_at"});
  return object_schema({{"collection", typed("string")},
                        {"total", typed("integer")},
                        {"offset", typed("integer")},
                        {"documents", array_of(document)},
                        {"next_offset", typed_or_null("integer")}},
                       {"collection", "total", "offset", "documents", "next_offset"});
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
  bool page_full = false;
  store::for_each_document(s.store(), collection, [&](const store::DocumentSummary& d) {
    if (!filter.empty() && to_lower(d.source).find(filter) == std::string::npos &&
        to_lower(d.title).find(filter) == std::string::npos) {
      return;
    }
    const std::int64_t index = matching++;
    if (index < offset || index >= offset + limit || page_full) return;
    docs.push_back({{"source", d.source}, {"title", d.title}, {"loader", d.loader}, {"chunks", d.chunk_count},
                    {"bytes", d.size_bytes}, {"ingested_at", d.ingested_at}});
    text += d.source + (d.title.empty() ? "" : " (" + d.title + ")") + "\n";
    page_full = text.size() > k_list_page_bytes;
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

// The reports' shapes, as `strata migrate status --json` and `check --json` write them; open
// objects, so that a field the program adds to its report does not break a client's check.
json migrate_status_output_schema() {
  const json migration = open_object({{"version", typed("string")},
                                      {"name", typed("string")},
                                      {"state", typed("string")},
                                      {"applied_at", typed_or_null("string")},
                                      {"file", typed_or_null("string")}},
                                     {"version", "name", "state"});
  return open_object({{"database", typed("string")},
                      {"dir", typed("string")},
                      {"dirs", array_of(typed("string"))},
                      {"applied", typed("integer")},
                      {"pending", typed("integer")},
                      {"migrations", array_of(migration)}},
                     {"applied", "pending", "migrations"});
}

json migrate_check_output_schema() {
  const json finding = open_object({{"code", typed("string")},
                                    {"severity", typed("string")},
                                    {"version", typed_or_null("string")},
                                    {"file", typed_or_null("string")},
                                    {"line", typed_or_null("integer")},
                                    {"message", typed("string")},
                                    {"detail", typed_or_null("string")},
                                    {"baselined", typed("boolean")}},
                                   {"code", "severity", "message"});
  return open_object({{"ok", typed("boolean")},
                      {"exit_code", typed("integer")},
                      {"applied", typed("integer")},
                      {"pending", array_of(typed("string"))},
                      {"baseline", typed_or_null("string")},
                      {"baselined", typed("integer")},
                      {"findings", array_of(finding)}},
                     {"ok", "exit_code", "findings"});
}

std::atomic<std::size_t> g_reports_running{0};

// What a report's thread hands back, shared with the call that waits for it.
struct ReportOutcome {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  std::string text;
  std::exception_ptr error;
};

// The seconds of `d`, as messages give them ("20 s").
std::string seconds_text(std::chrono::milliseconds d) {
  const long long ms = d.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

// Runs `report` on a thread of its own and waits until it ends, the call is cancelled (`cancel`:
// the client's notifications/cancelled, or end of input) or `deadline` passes. A report still
// running then is left to end on its own: the thread owns all it touches (a copy of the
// function, the shared outcome) and nothing of the session's, so it may outlive the Server;
// the drivers' timeouts (k_database_timeout) end its waits on the database soon after.
std::string run_report(const MigrateTools& tools, const MigrateTools::Report& report, const std::atomic<bool>* cancel,
                       const char* what) {
  const std::chrono::milliseconds call_timeout = tools.call_timeout, deadline = tools.deadline;
  auto outcome = std::make_shared<ReportOutcome>();
  struct Job {
    MigrateTools::Report report;
    std::chrono::milliseconds call_timeout;
    std::shared_ptr<ReportOutcome> outcome;
  };
  auto job = std::make_unique<Job>(Job{report, call_timeout, outcome});
  ++g_reports_running;
  std::thread([job = std::move(job)]() mutable {
    std::string text;
    std::exception_ptr error;
    try {
      text = job->report(job->call_timeout);
    } catch (...) {
      error = std::current_exception();
    }
    {
      const std::lock_guard lock(job->outcome->mutex);
      job->outcome->text = std::move(text);
      job->outcome->error = error;
      job->outcome->done = true;
      job->outcome->done_cv.notify_all();
    }
    job.reset();  // the report and the outcome go before the count says this thread is done
    --g_reports_running;
  }).detach();

  const auto start = std::chrono::steady_clock::now();
  std::unique_lock lock(outcome->mutex);
  // The cancel flag is an atomic another thread sets without this mutex: looked at every 50 ms.
  while (!outcome->done_cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return outcome->done; })) {
    if (cancel != nullptr && cancel->load()) throw Error(ExitCode::unavailable, std::string(what) + ": cancelled");
    if (std::chrono::steady_clock::now() - start >= deadline) {
      throw Error(ExitCode::unavailable,
                  std::string(what) + ": the database did not answer within " + seconds_text(deadline) +
                      ", the deadline of a migration tool's call (the server may be unreachable, or a table locked by "
                      "another session); the call was given up",
                  "ask the user to check the database; strata migrate status at a terminal waits as long as it takes");
    }
  }
  if (!outcome->error) return std::move(outcome->text);
  try {
    std::rethrow_exception(outcome->error);
  } catch (const Error& e) {
    // A driver's own timeout ("timeout expired", "canceling statement due to lock timeout")
    // says which wait ended, not why it was that short: a failure that came at the bound names it.
    if (std::chrono::steady_clock::now() - start < call_timeout * 95 / 100) throw;
    throw Error(e.code(),
                std::string(e.what()) + " (a migration tool waits at most " + seconds_text(call_timeout) +
                    " to connect and for each statement and lock: the deadline of its calls)",
                e.hint());
  }
}

json migrate_report(ToolSession& s, const MigrateTools::Report& report, const char* what) {
  if (!report) throw Error(ExitCode::unavailable, std::string("no migrations are configured for ") + what);
  std::string text;
  // A database that did not answer a moment ago is not waited on again (breaker.h): each call
  // would wait its whole deadline, and leave a thread behind.
  const std::string server = "the migrations' database";
  if (s.breakers()) {
    if (std::optional<std::string> refused = s.breakers()->refused(server, server)) {
      throw Error(ExitCode::unavailable, std::string(what) + ": " + *refused,
                  "ask the user to check the database; strata migrate status at a terminal waits as long as it takes");
    }
  }
  const auto started = std::chrono::steady_clock::now();
  try {
    text = run_report(s.options().migrate, report, s.cancel(), what);
  } catch (const Error& e) {
    // Only a wait that ran to its bound is remembered: a bad migration file fails at once.
    const bool waited = std::chrono::steady_clock::now() - started >= s.options().migrate.call_timeout * 95 / 100;
    if (s.breakers() && waited && !(s.cancel() && s.cancel()->load())) s.breakers()->failed(server, e.what());
    throw Error(e.code(), e.what(), agent_hint(e.hint()));
  }
  if (s.breakers()) s.breakers()->succeeded(server);
  json structured = parse_json_within(text).value;
  if (!structured.is_object()) throw Error(ExitCode::unavailable, std::string(what) + ": the report is not a JSON object");
  return tool_result(std::move(text), std::move(structured));
}

json call_migrate_status(ToolSession& s, const json& args) {
  refuse_unknown_arguments(args, {});
  return migrate_report(s, s.options().migrate.status, "migrate_status");
}

json call_migrate_check(ToolSession& s, const json& args) {
  refuse_unknown_arguments(args, {});
  return migrate_report(s, s.options().migrate.check, "migrate_check");
}

constexpr std::array k_tools = {
    Tool{"search", "Search documents",
         "Search the knowledge store's documents by keyword, by vector or both, and return the best passages with their "
         "source and lines (source:Lfirst-Llast) to cite. Use it first for any question about the documents.",
         search_schema, search_output_schema, call_search},
    Tool{"read_document", "Read a document",
         "Return a stored document's text, whole or a range of lines (or chunks), as strata loaded it: the text that "
         "search results' lines point into. Long ranges are cut at max_bytes and say where to go on.",
         read_schema, read_output_schema, call_read},
    Tool{"list_collections", "List collections",
         "List the store's collections with their numbers of documents and chunks and their embedding model.",
         no_arguments_schema, list_collections_output_schema, call_list_collections},
    Tool{"list_documents", "List documents",
         "List a collection's documents (source and title), optionally only those whose source or title contains a "
         "text, a page at a time (offset, limit).",
         list_documents_schema, list_documents_output_schema, call_list_documents},
    Tool{"migrate_status", "Migration status",
         "Report the project's SQL migrations (strata migrate status --json): each version with its state (applied, "
         "pending, missing, modified). Reads only.",
         no_arguments_schema, migrate_status_output_schema, call_migrate_status},
    Tool{"migrate_check", "Check migrations",
         "Lint the project's SQL migrations and compare them with the database's history (strata migrate check "
         "--json): findings with code, severity, file and line, and the exit code CI would get. Reads only.",
         no_arguments_schema, migrate_check_output_schema, call_migrate_check},
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
  // A store on a server whose connection is gone (it stopped answering within the call's bound,
  // or dropped it) is opened again: one frozen moment of the server fails one call, not every
  // call after it.
  if (store_ && !store_->connected()) {
    searcher_.reset();
    store_.reset();
  }
  if (!store_) {
    std::optional<store::Store> st = store::Store::open_read_only(options_.store_path, options_.open);
    if (!st) {
      throw Error(ExitCode::unavailable, "no store at " + store::store_display(options_.store_path),
                  "add documents with strata ingest first (the server finds it on the next call)");
    }
    store_ = std::move(st);
  }
  return *store_;
}

search::Searcher& ToolSession::searcher() {
  store::Store& st = store();  // first: it may open the store again, and the searcher with it
  if (!searcher_) searcher_.emplace(st);
  return *searcher_;
}

std::size_t migration_reports_running() { return g_reports_running.load(); }

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
          {"outputSchema", tool.output_schema()},
          {"annotations", {{"title", tool.title}, {"readOnlyHint", true}, {"destructiveHint", false},
                           {"idempotentHint", true}, {"openWorldHint", false}}}};
}

namespace {

// What an agent does instead of a setting a migration error's hint names: the migration tools
// take no arguments, so each is a setting of the project's or the server's.
struct AgentWords {
  Setting setting;
  std::string_view instead;
};
constexpr AgentWords k_agent_words[] = {
    {Setting::database,
     "the database is the project's setting: [migrate] database in strata.toml (e.g. \"sqlite:app.db\"), or "
     "DATABASE_URL in this server's environment (the client's configuration of the server) or in ./.env"},
    {Setting::dir,
     "the migrations folder is the project's setting: [migrate] dir in strata.toml, or STRATA_MIGRATIONS_DIR in this "
     "server's environment (default ./migrations, in the folder the server runs in)"},
    {Setting::table, "the history table is [migrate] table in strata.toml"},
    {Setting::envsub, "expanding ${NAME} everywhere is [migrate] envsub = true in strata.toml"},
    {Setting::wait, "the database may still be starting: call the tool again in a moment"},
    {Setting::wait_timeout, "the database may still be starting: call the tool again in a moment"},
    {Setting::schema, "the tools use the schema the database URL's user has on its search_path"},
    {Setting::no_baseline, "the project's baseline file needs fixing by the user (migrate check's write-baseline)"},
};

// The settings a hint names, in order: its mentions (common/setting.h) and, in text that still
// spells a flag itself (core/store and core/migrate/engines/postgres are not swept yet), each
// "--word" read as the setting of that name. `any` is set when it names one, known or not.
std::vector<Setting> settings_named(std::string_view hint, bool& any) {
  std::vector<Setting> named;
  const auto add = [&](Setting s) {
    any = true;
    if (std::find(named.begin(), named.end(), s) == named.end()) named.push_back(s);
  };
  const std::string text = render(hint, [&](Setting s) {
    add(s);
    return std::string();
  });
  for (std::size_t at = text.find("--"); at != std::string::npos; at = text.find("--", at + 2)) {
    std::size_t end = at + 2;
    while (end < text.size() && (std::islower(static_cast<unsigned char>(text[end])) != 0 || text[end] == '-')) ++end;
    if (end - at <= 2) continue;
    any = true;
    std::string name = text.substr(at + 2, end - at - 2);
    std::replace(name.begin(), name.end(), '-', '_');
    if (const std::optional<Setting> s = find_setting(name)) add(*s);
  }
  return named;
}

}  // namespace

std::string for_agent(std::string_view text) {
  return render(text, [](Setting s) { return std::string(setting_name(s)); });
}

std::string agent_hint(std::string_view hint) {
  bool any = false;
  const std::vector<Setting> named = settings_named(hint, any);
  if (!any) return for_agent(hint);
  std::vector<std::string_view> instead;
  for (const Setting s : named) {
    for (const AgentWords& w : k_agent_words) {
      if (w.setting == s && std::find(instead.begin(), instead.end(), w.instead) == instead.end()) instead.push_back(w.instead);
    }
  }
  std::string out = "this tool takes no arguments and reads the project's settings";
  for (const std::string_view i : instead) out += "; " + std::string(i);
  if (instead.empty()) out += ": ask the user to change them (strata.toml's [migrate] section or the server's environment)";
  return out;
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
