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

#include "auth/key.h"
#include "common/error.h"
#include "common/json_limits.h"
#include "common/large_stack.h"
#include "common/setting.h"
#include "common/text.h"
#include "common/utf8.h"
#include "service/document_range.h"
#include "service/documents.h"
#include "service/json_arguments.h"
#include "service/profile.h"
#include "service/search.h"
#include "store/catalog.h"
#include "store/store.h"
#include "store/collections.h"

namespace strata::mcp {
namespace {

using nlohmann::json;


// The pieces of the schemas are the service's descriptions (service/search.h, documents.h):
// what an agent may send and gets back is what every door's request and result are.
template <const service::Description& D>
json schema() {
  return service::json_schema(D);
}

// --- search ---------------------------------------------------------------------------------

json call_search(ToolSession& s, const json& args) {
  search::SearchRequest r = service::search_request(args, s.options().search, s.options().collection);
  s.require_readable(r.collection);
  // An agent gets keyword hits, and why, rather than no answer: the collection's embedding server
  // may be refused (embed::choose_server), down or not configured in the agent's environment.
  search::apply_bounds(r, service::profile(service::Door::agent).search);
  r.cancel = s.cancel();
  // The collection's embedding server failed a moment ago: not waited on again (breaker.h).
  const std::string server = "the embedding server of collection '" + r.collection + "'";
  if (s.breakers()) r.skip_embedding = s.breakers()->refused(server, server);
  // So does the reranker: a search then keeps its own order, as when the reranker fails.
  const std::string reranker = "the reranker";
  if (s.breakers() && r.rerank && s.breakers()->refused(reranker, reranker)) r.rerank.reset();
  const search::SearchResult result = service::run_search(s.searcher(), r, service::k_agent_limits);
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
  service::Found found = service::found(result, r.collection);
  found.query_not_embedded = for_agent(found.query_not_embedded);  // core's mentions, in an agent's words
  std::string text;
  for (const service::Passage& p : found.hits) {
    text += "[" + std::to_string(p.rank) + "] " + p.citation + (p.title.empty() ? "" : " (" + p.title + ")") + "\n" + p.text +
            (p.truncated ? " [...]" : "") + "\n\n";
  }
  if (found.hits.empty()) {
    text = found.no_document_passes_filters ? "No document of collection '" + r.collection + "' passes the filters."
                                            : "No results for '" + (r.similar ? "similar to " + *r.similar : r.query) +
                                                  "' in collection '" + r.collection + "'.";
  } else {
    text += "Cite a result as its citation (source:Lfirst-Llast); read_document gives more of a source.";
  }
  if (!found.query_not_embedded.empty()) {
    text = "Note: keyword search only; the query could not be embedded: " + found.query_not_embedded + "\n\n" + text;
  }
  return tool_result(std::move(text), service::to_json(found));
}

// --- read_document --------------------------------------------------------------------------

json call_read(ToolSession& s, const json& args) {
  const service::ReadRequest request = service::read_request(args, s.options().collection, static_cast<std::size_t>(service::k_read_max_bytes));
  s.require_readable(request.collection);
  const service::ReadResult r = service::read_document(s.store(), request);
  const std::string go_on = service::read_on_text(r);
  std::string header;
  if (r.by == service::ReadResult::By::chunks) {
    const service::ChunkPart& p = r.chunks;
    header = r.source + ": chunks " + std::to_string(p.first_chunk) + "-" + std::to_string(p.last_chunk) + " of " +
             std::to_string(p.document_chunks);
    if (!go_on.empty()) header += " (cut at max_bytes; go on with " + go_on + ")";
  } else {
    const service::DocumentPart& p = r.lines;
    if (p.text.empty()) {
      header = r.source + ": no lines in that range (the document has " + std::to_string(p.document_lines) + ")";
    } else {
      header = service::citation(r.source, p.first_line, p.last_line) + " of " + std::to_string(p.document_lines) + " lines";
      if (p.file_lines) header += " of the file (the text is what strata loaded from them)";
      if (!go_on.empty()) header += " (cut at max_bytes; go on with " + go_on + ")";
    }
  }
  return tool_result(header + "\n" + r.text(), service::to_json(r));
}

// --- list_collections -----------------------------------------------------------------------

json call_list_collections(ToolSession& s, const json& args) {
  service::refuse_unknown_arguments(args, service::k_no_arguments);
  std::vector<store::CollectionInfo> all = service::collections(s.store());
  std::erase_if(all, [&](const store::CollectionInfo& c) { return !s.may_read(c.name); });
  std::string text;
  for (const store::CollectionInfo& c : all) {
    text += c.name + ": " + std::to_string(c.documents) + " documents, " + std::to_string(c.chunks) + " chunks" +
            (c.embedding_model ? ", embedded with " + c.embedding_model->model : "") + "\n";
  }
  if (all.empty()) text = "The store has no collections yet (strata ingest adds documents).";
  return tool_result(std::move(text), service::to_json(all));
}

// --- list_documents -------------------------------------------------------------------------

json call_list_documents(ToolSession& s, const json& args) {
  const service::DocumentsRequest request = service::documents_request(args, s.options().collection);
  s.require_readable(request.collection);
  const service::DocumentsPage page = service::list_documents(s.store(), request);
  std::string text;
  for (const store::DocumentSummary& d : page.documents) text += d.source + (d.title.empty() ? "" : " (" + d.title + ")") + "\n";
  const std::int64_t matching = page.total, offset = page.offset;
  const std::int64_t next = offset + static_cast<std::int64_t>(page.documents.size());
  text = std::to_string(matching) + " document" + (matching == 1 ? "" : "s") + " in '" + page.collection + "'" +
         (request.filter.empty() ? "" : " matching the filter") +
         (page.documents.empty() ? "" : "; " + std::to_string(offset + 1) + "-" + std::to_string(next) + ":") + "\n" + text +
         (page.next_offset ? "More: offset " + std::to_string(next) + "\n" : "");
  return tool_result(std::move(text), service::to_json(page));
}

// --- migrate_status, migrate_check ----------------------------------------------------------

// The reports' shapes, as `strata migrate status --json` and `check --json` write them; open
// objects, so that a field the program adds to its report does not break a client's check.
constexpr service::Field k_migration_fields[] = {
    {.name = "version", .type = service::Type::string, .required = true},
    {.name = "name", .type = service::Type::string, .required = true},
    {.name = "state", .type = service::Type::string, .required = true},
    {.name = "applied_at", .type = service::Type::string, .nullable = true},
    {.name = "file", .type = service::Type::string, .nullable = true},
};
constexpr service::Field k_migrate_status_fields[] = {
    {.name = "database", .type = service::Type::string},
    {.name = "dir", .type = service::Type::string},
    {.name = "dirs", .type = service::Type::array, .items = service::Type::string},
    {.name = "applied", .type = service::Type::integer, .required = true},
    {.name = "pending", .type = service::Type::integer, .required = true},
    {.name = "migrations", .type = service::Type::array, .required = true, .fields = k_migration_fields, .items = service::Type::object, .open = true},
};
constexpr service::Description k_migrate_status_report{k_migrate_status_fields, /*open=*/true};

constexpr service::Field k_finding_fields[] = {
    {.name = "code", .type = service::Type::string, .required = true},
    {.name = "severity", .type = service::Type::string, .required = true},
    {.name = "version", .type = service::Type::string, .nullable = true},
    {.name = "file", .type = service::Type::string, .nullable = true},
    {.name = "line", .type = service::Type::integer, .nullable = true},
    {.name = "message", .type = service::Type::string, .required = true},
    {.name = "detail", .type = service::Type::string, .nullable = true},
    {.name = "baselined", .type = service::Type::boolean},
};
constexpr service::Field k_migrate_check_fields[] = {
    {.name = "ok", .type = service::Type::boolean, .required = true},
    {.name = "exit_code", .type = service::Type::integer, .required = true},
    {.name = "applied", .type = service::Type::integer},
    {.name = "pending", .type = service::Type::array, .items = service::Type::string},
    {.name = "baseline", .type = service::Type::string, .nullable = true},
    {.name = "baselined", .type = service::Type::integer},
    {.name = "findings", .type = service::Type::array, .required = true, .fields = k_finding_fields, .items = service::Type::object, .open = true},
};
constexpr service::Description k_migrate_check_report{k_migrate_check_fields, /*open=*/true};

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

// A report's stack: reserved, not touched beyond what its readers use. The CLI's main thread has
// 8 MiB (a thread's default); a report runs the same readers on the same files, with room to spare.
constexpr std::size_t k_report_stack = std::size_t{64} << 20;

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
      // The repository's files decide how deep the readers of a report go: they bound their depth
      // themselves, and run on a stack no smaller than the CLI's (k_report_stack), not a worker's.
      run_with_stack(k_report_stack, [&] { text = job->report(job->call_timeout); });
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
  service::refuse_unknown_arguments(args, service::k_no_arguments);
  return migrate_report(s, s.options().migrate.status, "migrate_status");
}

json call_migrate_check(ToolSession& s, const json& args) {
  service::refuse_unknown_arguments(args, service::k_no_arguments);
  return migrate_report(s, s.options().migrate.check, "migrate_check");
}

constexpr std::array k_tools = {
    Tool{"search", "Search documents",
         "Search the knowledge store's documents by keyword, by vector or both, and return the best passages with their "
         "source and lines (source:Lfirst-Llast) to cite. Use it first for any question about the documents.",
         schema<service::k_search_request>, schema<service::k_search_result>, call_search},
    Tool{"read_document", "Read a document",
         "Return a stored document's text, whole or a range of lines (or chunks), as strata loaded it: the text that "
         "search results' lines point into. Long ranges are cut at max_bytes and say where to go on.",
         schema<service::k_read_request>, schema<service::k_read_result>, call_read},
    Tool{"list_collections", "List collections",
         "List the store's collections with their numbers of documents and chunks and their embedding model.",
         schema<service::k_no_arguments>, schema<service::k_collections_result>, call_list_collections},
    Tool{"list_documents", "List documents",
         "List a collection's documents (source and title), optionally only those whose source or title contains a "
         "text, a page at a time (offset, limit).",
         schema<service::k_documents_request>, schema<service::k_documents_result>, call_list_documents},
    Tool{"migrate_status", "Migration status",
         "Report the project's SQL migrations (the JSON report of strata migrate status): each version with its state (applied, "
         "pending, missing, modified). Reads only.",
         schema<service::k_no_arguments>, schema<k_migrate_status_report>, call_migrate_status},
    Tool{"migrate_check", "Check migrations",
         "Lint the project's SQL migrations and compare them with the database's history (the JSON report of "
         "strata migrate check): findings with code, severity, file and line, and the exit code CI would get. Reads only.",
         schema<service::k_no_arguments>, schema<k_migrate_check_report>, call_migrate_check},
};

}  // namespace

ToolSession::ToolSession(const ServerOptions& options, Breakers* breakers)
    : options_(options),
      breakers_(breakers),
      own_(std::make_unique<service::Session>(options.store_path, options.open, service::Session::Access::read_only,
                                              service::profile(service::Door::agent))),
      session_(own_.get()) {}

ToolSession::ToolSession(const ServerOptions& options, Breakers* breakers, service::Session& shared)
    : options_(options), breakers_(breakers), session_(&shared) {}

void ToolSession::require_readable(const std::string& collection) const {
  if (!may_read(collection)) throw auth::refused_reach(auth::Scope::read, collection);
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

// The settings a hint asks to change, in order: its mentions (common/setting.h) and, in text the
// CLI wrote (the migration tools run the CLI's migrate functions, whose own errors spell flags),
// each "--word" read as the setting of that name. `any` is set when it names one, known or not.
// A command line's mention (command_mention) is neither: the user's to run, kept whole.
std::vector<Setting> settings_named(std::string_view hint, bool& any) {
  std::vector<Setting> named = mentions(hint);
  any = !named.empty();
  const std::string text(hint);  // tokens unrendered: a flag here is spelt by the text itself
  for (std::size_t at = text.find("--"); at != std::string::npos; at = text.find("--", at + 2)) {
    std::size_t end = at + 2;
    while (end < text.size() && (std::islower(static_cast<unsigned char>(text[end])) != 0 || text[end] == '-')) ++end;
    if (end - at <= 2) continue;
    any = true;
    std::string name = text.substr(at + 2, end - at - 2);
    std::replace(name.begin(), name.end(), '-', '_');
    const std::optional<Setting> s = find_setting(name);
    if (s && std::find(named.begin(), named.end(), *s) == named.end()) named.push_back(*s);
  }
  return named;
}

}  // namespace

std::string for_agent(std::string_view text) { return with_setting_names(text); }

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
