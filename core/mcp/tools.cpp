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
#include "service/migrate_reports.h"
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
  // An agent gets keyword hits, and why, rather than no answer: the collection's embedding server
  // may be refused (embed::choose_server), down, not configured in the agent's environment, or
  // have failed a moment ago (the session's breakers).
  const search::SearchResult result = s.session().search(r);
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
  const service::ReadResult r = s.session().read(request);
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
  const std::vector<store::CollectionInfo> all = s.session().collections();
  std::string text;
  for (const store::CollectionInfo& c : all) {
    text += c.name + ": " + std::to_string(c.documents) + " documents, " + std::to_string(c.chunks) + " chunks" +
            (c.embedding_model ? ", embedded with " + c.embedding_model->model : "") + "\n";
  }
  if (all.empty()) text = "The store has no collections yet (strata ingest adds documents).";
  return tool_result(std::move(text), service::to_json(all, s.session().profile().door));
}

// --- list_documents -------------------------------------------------------------------------

json call_list_documents(ToolSession& s, const json& args) {
  const service::DocumentsRequest request = service::documents_request(args, s.options().collection);
  const service::DocumentsPage page = s.session().documents(request);
  std::string text;
  for (const store::DocumentSummary& d : page.documents) text += d.source + (d.title.empty() ? "" : " (" + d.title + ")") + "\n";
  const std::int64_t matching = page.total, offset = page.offset;
  const std::int64_t next = offset + static_cast<std::int64_t>(page.documents.size());
  text = std::to_string(matching) + " document" + (matching == 1 ? "" : "s") + " in '" + page.collection + "'" +
         (request.filter.empty() ? "" : " matching the filter") +
         (page.documents.empty() ? "" : "; " + std::to_string(offset + 1) + "-" + std::to_string(next) + ":") + "\n" + text +
         (page.next_offset ? "More: offset " + std::to_string(next) + "\n" : "");
  return tool_result(std::move(text), service::to_json(page, s.session().profile().door));
}

// --- migrate_status, migrate_check ----------------------------------------------------------

std::atomic<std::size_t> g_reports_running{0};

// What a report's thread hands back, shared with the call that waits for it.
struct ReportOutcome {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  json report;
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
json run_report(const MigrateTools& tools, const MigrateTools::Report& report, const std::atomic<bool>* cancel,
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
    json value;
    std::exception_ptr error;
    try {
      // The repository's files decide how deep the readers of a report go: they bound their depth
      // themselves, and run on a stack no smaller than the CLI's (k_report_stack), not a worker's.
      run_with_stack(k_report_stack, [&] { value = job->report(job->call_timeout); });
    } catch (...) {
      error = std::current_exception();
    }
    {
      const std::lock_guard lock(job->outcome->mutex);
      job->outcome->report = std::move(value);
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
  if (!outcome->error) return std::move(outcome->report);
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
  json structured;
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
    structured = run_report(s.options().migrate, report, s.cancel(), what);
  } catch (const Error& e) {
    // Only a wait that ran to its bound is remembered: a bad migration file fails at once.
    const bool waited = std::chrono::steady_clock::now() - started >= s.options().migrate.call_timeout * 95 / 100;
    if (s.breakers() && waited && !(s.cancel() && s.cancel()->load())) s.breakers()->failed(server, e.what());
    throw Error(e.code(), e.what(), agent_hint(e.hint()));
  }
  if (s.breakers()) s.breakers()->succeeded(server);
  if (!structured.is_object()) throw Error(ExitCode::unavailable, std::string(what) + ": the report is not a JSON object");
  // The model reads the report as the CLI's --json writes it; structuredContent is the same value.
  std::string text = structured.dump(-1, ' ', false, json::error_handler_t::replace);
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
         schema<service::k_no_arguments>, schema<service::k_migrate_status_report>, call_migrate_status},
    Tool{"migrate_check", "Check migrations",
         "Lint the project's SQL migrations and compare them with the database's history (the JSON report of "
         "strata migrate check): findings with code, severity, file and line, and the exit code CI would get. Reads only.",
         schema<service::k_no_arguments>, schema<service::k_migrate_check_report>, call_migrate_check},
};

}  // namespace

ToolSession::ToolSession(const ServerOptions& options, service::Breakers* breakers)
    : options_(options),
      own_(std::make_unique<service::Session>(options.store_path, options.open, service::Session::Access::read_only,
                                              service::profile(service::Door::agent))),
      session_(own_.get()) {
  own_->set_breakers(breakers);
}

ToolSession::ToolSession(const ServerOptions& options, service::Session& shared) : options_(options), session_(&shared) {}

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
