#include "serve/api.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <cctype>
#include <charconv>
#include <chrono>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <thread>
#include <variant>

#include "auth/key.h"
#include "http/process_metrics.h"
#include "common/error.h"
#include "common/json_limits.h"
#include "common/setting.h"
#include "common/text.h"
#include "common/trace.h"
#include "embed/collection_embed.h"
#include "openai/chat.h"
#include "openai/shapes.h"
#include "search/ann_cache.h"
#include "serve/answer_streams.h"
#include "serve/arguments.h"
#include "serve/caller.h"
#include "serve/chat_socket.h"
#include "serve/crawl_checkpoint.h"
#include "serve/gate.h"
#include "serve/job_events.h"
#include "serve/jobs.h"
#include "serve/page.h"
#include "serve/shared_rates.h"
#include "serve/store_turn.h"
#include "serve/vector_index_metrics.h"
#include "service/ask.h"
#include "service/call_scope.h"
#include "service/documents.h"
#include "service/ingest.h"
#include "service/ingest_url.h"
#include "service/json_arguments.h"
#include "service/profile.h"
#include "service/search.h"
#include "service/session.h"
#include "store/catalog.h"
#include "store/collections.h"
#include "store/jobs.h"
#include "store/no_store.h"
#include "store/search_store.h"

namespace strata::serve {

using nlohmann::json;

namespace {

// An HTTP client is answered in time whatever the embedding server or the reranker does: its
// searches, and its answers' retrieval, are bounded by the door's profile (service/profile.h).
constexpr const service::Profile& k_door = service::profile(service::Door::http);

// The shapes only this door has, described as the service's are (service/description.h).
constexpr service::Field k_health_fields[] = {{.name = "status", .type = service::Type::string, .required = true}};
constexpr service::Description k_health{k_health_fields};
constexpr service::Field k_removed_fields[] = {
    {.name = "collection", .type = service::Type::string, .required = true},
    {.name = "source", .type = service::Type::string, .required = true},
    {.name = "removed", .type = service::Type::boolean, .required = true},
};
constexpr service::Description k_removed{k_removed_fields};
constexpr service::Field k_detail_fields[] = {{.name = "detail", .type = service::Type::string, .required = true}};
constexpr service::Description k_detail{k_detail_fields};
constexpr service::Field k_validation_item_fields[] = {
    {.name = "loc", .type = service::Type::array, .help = "Where: body, query or path, then the field", .required = true},
    {.name = "msg", .type = service::Type::string, .required = true},
    {.name = "type", .type = service::Type::string, .required = true},
};
constexpr service::Field k_validation_fields[] = {
    {.name = "detail", .type = service::Type::array, .required = true, .fields = k_validation_item_fields, .items = service::Type::object},
};
constexpr service::Description k_validation{k_validation_fields};

// A document upload with more text than this is a background job (202), not answered in place.
constexpr std::size_t k_document_job_bytes = 1 << 20;

// Background jobs (jobs.h): the job as the API shows it, and the routes' requests.
constexpr std::string_view k_job_statuses[] = {"queued", "running", "succeeded", "failed", "cancelled"};
constexpr service::Field k_job_progress_fields[] = {
    {.name = "done", .type = service::Type::integer, .help = "Pages fetched (a crawl) or chunks embedded (an embed)", .required = true},
    {.name = "total", .type = service::Type::integer, .help = "How many there are, once known", .required = true, .nullable = true},
};
constexpr service::Field k_job_fields[] = {
    {.name = "id", .type = service::Type::string, .required = true},
    {.name = "kind", .type = service::Type::string, .help = "crawl or embed", .required = true},
    {.name = "collection", .type = service::Type::string, .required = true},
    {.name = "status", .type = service::Type::string, .required = true, .choices = k_job_statuses},
    {.name = "progress", .type = service::Type::object, .required = true, .fields = k_job_progress_fields},
    {.name = "created_at", .type = service::Type::string, .required = true},
    {.name = "started_at", .type = service::Type::string, .required = true, .nullable = true},
    {.name = "finished_at", .type = service::Type::string, .required = true, .nullable = true},
    {.name = "result", .type = service::Type::object, .help = "What the work did (a crawl's counts, an embed's)", .required = true,
     .nullable = true, .open = true},
    {.name = "error", .type = service::Type::string, .required = true, .nullable = true},
};
constexpr service::Description k_job_result{k_job_fields};
constexpr service::Field k_jobs_fields[] = {
    {.name = "jobs", .type = service::Type::array, .help = "The newest first", .required = true, .fields = k_job_fields,
     .items = service::Type::object},
};
constexpr service::Description k_jobs_result{k_jobs_fields};
constexpr service::Field k_jobs_request_fields[] = {
    {.name = "limit", .type = service::Type::integer, .help = "Jobs listed at most (default: 50)", .minimum = 1, .maximum = 1000},
};
constexpr service::Description k_jobs_request{k_jobs_request_fields};
constexpr service::Field k_job_request_fields[] = {
    {.name = "job", .type = service::Type::string, .help = "The job's id", .required = true},
};
constexpr service::Description k_job_request{k_job_request_fields};
constexpr service::Field k_embed_request_fields[] = {
    {.name = "collection", .type = service::Type::string, .help = "The collection whose chunks without a vector get one",
     .required = true},
};
constexpr service::Description k_embed_request{k_embed_request_fields};

}  // namespace

// One worker thread's session with the store (service/session.h: the one store handle and its
// searcher, the door's profile, the reach of the caller whose request it runs), and the turn at
// it that it shares with the streams it admitted (store_turn.h): held while it runs a request.
struct Worker {
  explicit Worker(const ApiOptions& o) : session(o.store_path, o.open, service::Session::Access::read_write, k_door) {}
  service::Session session;
  std::mutex turn;
};

struct Api::Impl {
  ApiOptions options;
  const http::Metrics& metrics;
  // What the server remembers of failed outside servers, shared by the workers' sessions.
  service::Breakers breakers;
  std::deque<Worker> workers;  // a deque: a Worker neither copies nor moves
  // Its own session with the store for the key uses it records, on the recorder's thread.
  service::Session use_session;
  // Before the gate, which counts keys' limits through it.
  SharedRates rates;
  Gate gate;
  AnswerMetrics answers;  // /v1/chat/completions' outcomes and tokens, for /metrics

  mcp::McpRoute mcp;
  // --ready-when-indexed: set once every collection's approximate index is built (indexer).
  std::atomic<bool> indexed{true};
  std::atomic<bool> indexer_stop{false};
  std::thread indexer;
  // Last: stopped (its work told to stop, its running jobs handed back) before what it uses goes.
  JobRunner runner;

  Impl(ApiOptions o, const http::Metrics& m)
      : options(std::move(o)), metrics(m), workers(make_workers(options)),
        use_session(options.store_path, options.open, service::Session::Access::read_write, k_door),
        rates(options.store_path, options.open), gate(gate_options()),
        mcp(mcp_options(options), options.mcp, workers.size(), [this](std::size_t w) -> service::Session& { return workers.at(w).session; }),
        runner(options.store_path, options.open, job_kinds(), options.jobs) {
    // Every route's searches (an answer's retrieval and its own search tool included) remember
    // a failed embedding server or reranker, whichever worker ran them.
    for (Worker& w : workers) w.session.set_breakers(&breakers);
    if (options.run_jobs) runner.start();
    if (options.ready_when_indexed && options.search.ann) {
      indexed = false;
      indexer = std::thread([this] { build_indexes(); });
    }
  }

  ~Impl() {
    indexer_stop = true;
    if (indexer.joinable()) indexer.join();
  }

  // Starts the build of every collection's approximate index, as its first vector search would,
  // and waits for them; then the server is ready. A store not there yet, or one that fails, is
  // tried again a second later (the server is not ready meanwhile).
  void build_indexes() {
    const auto pause = [this] {
      for (int i = 0; i < 10 && !indexer_stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    };
    while (!indexer_stop) {
      try {
        store::Store st = store::Store::open_existing(options.store_path, options.open);
        search::Searcher searcher(st);
        for (const std::string& name : store::collection_names(st)) {
          if (indexer_stop) return;
          searcher.warm_index(name, *options.search.ann);
        }
        while (!indexer_stop && search::AnnCache::process().building() > 0) pause();
        indexed = true;
        return;
      } catch (const std::exception&) {
        pause();
      }
    }
  }

  // --- background jobs (jobs.h): what each kind runs ---------------------------------------------

  std::vector<JobKind> job_kinds() {
    return {{"crawl", [this](JobContext& c) { return run_crawl(c); }},
            {"embed", [this](JobContext& c) { return run_embed(c); }},
            {"document", [this](JobContext& c) { return run_document(c); }}};
  }

  // A job's request as its row holds it: an object within common/json_limits.h's bounds (the row
  // is data whoever may write the store may write), else an empty one, which the request's own
  // checks then refuse.
  static json job_request(const store::Job& job) {
    ParsedJson parsed = parse_json_within(job.request);
    return parsed.ok() && parsed.value.is_object() ? std::move(parsed.value) : json::object();
  }

  // A document larger than k_document_job_bytes: stored as POST .../documents stores one.
  json run_document(JobContext& c) const {
    const json request = job_request(c.job);
    const service::IngestDocumentRequest r =
        service::ingest_document_request(request, c.job.collection);
    c.progress(0, 1);
    json result = stored_document(r);
    c.progress(1, 1);
    return result;
  }

  // A crawl: the request as POST .../web took it; the ingest opens the store itself. Its progress
  // goes on from `done`, the count saved with the checkpoint it goes on from (checkpointed).
  json run_crawl(JobContext& c) const {
    const json request = job_request(c.job);
    service::IngestUrlRequest r = service::ingest_url_request(request, c.job.collection);
    ingest::IngestRequest base = options.ingest;
    if (r.crawl) r.crawl->stop = c.stopped;
    base.web.cancelled = c.stopped;
    std::atomic<std::int64_t> done{0};
    if (r.crawl && !r.dry_run) checkpointed(c, *r.crawl, done);
    struct Progress final : ingest::IngestObserver {
      Progress(JobContext& context, std::atomic<std::int64_t>& now) : c(context), done(now), before(now.load()) {}
      void progress(const ingest::Progress& p) override {
        done = before + static_cast<std::int64_t>(p.files_done);
        c.progress(done, p.files_total == 0 ? std::nullopt : std::optional<std::int64_t>(before + static_cast<std::int64_t>(p.files_total)));
      }
      JobContext& c;
      std::atomic<std::int64_t>& done;
      const std::int64_t before;
    } progress(c, done);
    return service::ingest_url_result(service::ingest_url(r, std::move(base), progress));
  }

  // A crawl job saves the crawl's state as its checkpoint, with its progress (`done`, as it goes),
  // and goes on from the checkpoint a runner before this one saved, when it may be used
  // (crawl_checkpoint.h): `done` starts at the progress saved with it. Else it starts over.
  static void checkpointed(JobContext& c, web::CrawlOptions& crawl, std::atomic<std::int64_t>& done) {
    if (!c.checkpoint) return;
    if (std::optional<CrawlCheckpoint> saved = read_crawl_checkpoint(c.job.checkpoint, c.job.request, crawl)) {
      crawl.resume = std::move(saved->state);
      done = saved->done;
    }
    crawl.on_state = [&c, &done](const web::CrawlState& state) {
      c.checkpoint(crawl_checkpoint_text(c.job.request, done.load(), state));
    };
  }

  // An embed of the collection's chunks without a vector, by the server's embedding settings (a
  // collection's recorded model wins; a change of model is the operator's, strata embed
  // --switch-model, never a caller's).
  json run_embed(JobContext& c) const {
    embed::EmbedSettings settings = options.openai.embed;
    settings.collection = c.job.collection;
    settings.switch_model = false;
    settings.cancelled = c.stopped;
    struct Progress final : embed::EmbedObserver {
      explicit Progress(JobContext& context) : c(context) {}
      void progress(const embed::EmbedStats& s) override {
        c.progress(static_cast<std::int64_t>(s.done()),
                   s.total == 0 ? std::nullopt : std::optional<std::int64_t>(static_cast<std::int64_t>(s.total)));
      }
      JobContext& c;
    } progress(c);
    const embed::CollectionEmbedResult r = embed::embed_collection(c.store, c.job.collection, settings, progress);
    if (r.report.fatal) throw Error(ExitCode::unavailable, r.report.fatal->message, r.report.fatal->hint);
    return {{"collection", r.collection},
            {"model", r.model.model},
            {"dimensions", r.model.dimensions},
            {"chunks", r.chunks},
            {"already_embedded", r.already},
            {"embedded", r.report.stats.embedded},
            {"cached", r.report.stats.cached},
            {"failed", r.report.stats.failed}};
  }

  Gate::Options gate_options() {
    Gate::Options g;
    g.keys_required = options.keys_required;
    g.keys_at_start = options.keys_at_start;
    g.origins = options.origins;
    g.sign_on = options.sign_on;
    g.store = [this](std::size_t worker) -> store::Store& { return store(worker); };
    g.record_use = [this](const auth::Key& key, auth::TimePoint at) {
      auth::record_use(use_session.store(), key, at);
    };
    g.shared_rates = [this](const std::string& bucket, std::int64_t per_minute, std::int64_t amount, store::RateUse use) {
      return rates.use(bucket, per_minute, amount, use);
    };
    return g;
  }

  // `strata mcp`'s server over the same store and search defaults; no migration tools (they
  // read the project's database, which a server of the store does not offer: the tools say so).
  static mcp::ServerOptions mcp_options(const ApiOptions& o) {
    mcp::ServerOptions m;
    m.store_path = o.store_path;
    m.open = o.open;
    m.collection = o.collection;
    m.search = o.search;
    m.version = o.version;
    return m;
  }

  static std::deque<Worker> make_workers(const ApiOptions& o) {
    std::deque<Worker> w;
    for (std::size_t i = 0; i < std::max<std::size_t>(o.workers, 1); ++i) w.emplace_back(o);
    return w;
  }

  // The worker's session (service/session.h: its one store handle, opened on first use and again
  // after its server's connection was lost, its searcher, and the reach of the caller whose
  // request it runs: service::CallScope, set for every route that runs on a worker).
  service::Session& session(std::size_t worker) { return workers.at(worker).session; }
  service::Session& session(const Call& call) { return session(call.worker); }
  store::Store& store(std::size_t worker) { return session(worker).store(); }

  // /metrics' jobs in the store; nothing while there is no store or it cannot answer (the
  // scrape still gets the process's own figures).
  std::string store_jobs_metrics(std::size_t worker) {
    try {
      return runner.store_metrics_text(store(worker));
    } catch (const std::exception&) {
      return "";
    }
  }

  // --- the handlers: arguments in, a JSON result out ---------------------------------------------

  json search(const Arguments& a, const Call& call) {
    search::SearchRequest r = service::search_request(a.values, options.search, options.collection, service::k_http_limits);
    const std::string name = r.collection;
    return service::to_json(service::found(session(call).search(std::move(r)), name));
  }

  json collections(const Arguments& a, const Call& call) {
    service::refuse_unknown_arguments(a.values, service::k_no_arguments);
    return service::to_json(session(call).collections(), k_door.door);
  }

  json documents(const Arguments& a, const Call& call) {
    return service::to_json(session(call).documents(service::documents_request(a.values, options.collection)), k_door.door);
  }

  json read(const Arguments& a, const Call& call) {
    const service::ReadRequest r =
        service::read_request(a.values, options.collection, static_cast<std::size_t>(service::k_read_max_bytes));
    return service::to_json(session(call).read(r));
  }

  json ingest(const Arguments& a, const Call& call) {
    const service::IngestDocumentRequest r = service::ingest_document_request(a.values, options.collection);
    store::validate_collection_name(r.collection);
    session(call).require(auth::Scope::write, r.collection);
    // A large document is a job (its chunking and indexing can outlast a client's patience): 202.
    if (r.text.size() > k_document_job_bytes) {
      json request = a.values;
      request["collection"] = r.collection;
      throw Refused(queue_job(call, "document", r.collection, request));
    }
    return stored_document(r);
  }

  json stored_document(const service::IngestDocumentRequest& r) const {
    const service::IngestDocumentResult result = service::ingest_document(r, options.ingest);
    if (result.action == ingest::Action::failed) {
      throw Error(ExitCode::usage, "argument 'text': the document could not be stored: " + result.detail);
    }
    return service::to_json(result);
  }

  json ingest_url(const Arguments& a, const Call& call) {
    const service::IngestUrlRequest r = service::ingest_url_request(a.values, options.collection);
    store::validate_collection_name(r.collection);
    session(call).require(auth::Scope::write, r.collection);
    if (!options.allow_web) {
      // Refused, not invalid: the request is well formed, the server's operator decides (403).
      // The operator's option, as the operator types it (command_mention): every door writes the flag.
      throw Error(ErrorKind::refused, ExitCode::usage,
                  "this server fetches no web pages: it was started without " + command_mention(Setting::allow_crawl),
                  "its operator can allow fetching and crawling: strata serve " + command_mention(Setting::allow_crawl));
    }
    // A crawl never holds this worker: it is a job (jobs.h), answered 202 at once; the answer
    // goes past the JSON result as a refusal's does. One page is bounded by the fetcher's own
    // time limits.
    if (r.crawl) {
      json request = a.values;
      request["collection"] = r.collection;
      throw Refused(queue_job(call, "crawl", r.collection, request));
    }
    return service::ingest_url_result(service::ingest_url(r, options.ingest));
  }

  // POST /api/v1/collections/{collection}/embed: a job that gives the collection's chunks
  // without a vector one.
  json embed(const Arguments& a, const Call& call) {
    service::refuse_unknown_arguments(a.values, {"collection"});
    const std::string name = service::required_string(a.values, "collection");
    session(call).collection(auth::Scope::write, name);
    throw Refused(queue_job(call, "embed", name, {{"collection", name}}));
  }

  // Queues a job of `kind` for the caller: 202 with the job and its Location, or 429 when the
  // caller has its bound of jobs queued or running.
  http::Response queue_job(const Call& call, const std::string& kind, const std::string& collection, const json& request) {
    store::Store& s = store_made(call.worker);
    store::Job job;
    job.id = new_job_id();
    job.kind = kind;
    job.collection = collection;
    job.owner = call.caller.name();
    job.request = json_text(request);
    job.created_at = job_time(std::chrono::system_clock::now());
    job.revision = 1;
    const store::JobAdmission admission = store::create_bounded_job(s, job, options.jobs.per_key);
    if (!admission.added) {
      return busy_response(429,
                           for_client("this caller has " + std::to_string(admission.active) +
                               " jobs queued or running, its bound (the server's " +
                               command_mention(Setting::max_jobs_per_key) + "); a job may start when one ends"),
                           30);
    }
    runner.wake();
    http::Response r = http::Response::json(202, json_text(job_json(job)));
    r.set_header("Location", "/api/v1/jobs/" + job.id);
    return r;
  }

  // The worker's store, made first when there is none yet: a crawl into a server's new store
  // makes it, as an ingest of one document does.
  store::Store& store_made(std::size_t worker) {
    try {
      return store(worker);
    } catch (const store::NoStore&) {
      store::Store::open(options.store_path, options.open);
    }
    return store(worker);
  }

  // A caller sees its own jobs; an admin key, and the one caller of a server without keys, all.
  static bool sees_every_job(const Call& call) { return !call.caller.key || call.caller.allows(auth::Scope::admin, ""); }

  // The job `id` if the caller may see it, else 404 (another's job is as unknown as none).
  store::Job visible_job(const Call& call, const std::string& id) {
    std::optional<store::Job> job = store::find_job(store(call.worker), id);
    if (!job || (!sees_every_job(call) && job->owner != call.caller.name())) {
      throw Error(ErrorKind::not_found, ExitCode::invalid_input, "no job '" + id.substr(0, store::k_max_job_id) + "'",
                  "GET /api/v1/jobs lists the caller's jobs");
    }
    return *job;
  }

  json jobs(const Arguments& a, const Call& call) {
    service::refuse_unknown_arguments(a.values, {"limit"});
    std::int64_t limit = 50;
    if (a.values.contains("limit")) {
      if (!a.values["limit"].is_number_integer()) throw Error(ExitCode::usage, "argument 'limit' must be a whole number");
      limit = a.values["limit"].get<std::int64_t>();
      if (limit < 1 || limit > 1000) throw Error(ExitCode::usage, "argument 'limit' must be between 1 and 1000");
    }
    const std::optional<std::string> owner = sees_every_job(call) ? std::nullopt : std::optional<std::string>(call.caller.name());
    json list = json::array();
    for (const store::Job& j : store::list_jobs(store(call.worker), owner, static_cast<std::size_t>(limit))) list.push_back(job_json(j));
    return {{"jobs", std::move(list)}};
  }

  json job(const Arguments& a, const Call& call) {
    return job_json(visible_job(call, service::required_string(a.values, "job")));
  }

  json cancel_job(const Arguments& a, const Call& call) {
    const store::Job job = visible_job(call, service::required_string(a.values, "job"));
    const std::optional<store::Job> now = store::cancel_job(store(call.worker), job.id, job_time(std::chrono::system_clock::now()));
    return job_json(now.value_or(job));
  }

  // POST /api/v1/ask: the answer as server-sent events a client can pick up again after a lost
  // connection (answer_streams.h). The request and the caller's reach of its collection are
  // checked here, on the worker, so that a bad one is its own status, not an event after 200; the
  // answer is then written on a thread of its own, sharing this worker's store in turns.
  json ask(const Arguments& a, const Call& call) {
    ask::AskRequest base = options.openai.ask;
    // A key's asks are its own (its log rows); without keys, the server's.
    if (call.caller.principal) base.principal = *call.caller.principal;
    ask::AskRequest r = service::ask_request(a.values, std::move(base), options.collection);
    service::check_ask_request(r, service::k_ask_k_max);
    session(call).collection(auth::Scope::read, r.collection);
    AskJob job{std::move(r), options.openai.provider, &session(call), &workers.at(call.worker).turn, call.caller, {}, {}};
    // A key's token limit holds here as on /v1/chat/completions: checked before the model is
    // called (a key in debt waits), charged with what the answer used; /metrics counts the tokens.
    std::optional<auth::RateDecision> tokens;
    if (spends_tokens(options.openai.provider)) {
      if (call.caller.check_tokens) {
        tokens = call.caller.check_tokens();
        if (!tokens->allowed) throw AskAnswer(tokens_refused(*tokens, ErrorStyle::fastapi));
      }
      job.answered = [caller = call.caller, metrics = &answers](const ask::AskResult& result) {
        if (result.cached) return;
        if (caller.spend_tokens) caller.spend_tokens(openai::total_tokens(result));
        metrics->model_tokens(caller.name(), result);
      };
    }
    http::Response response = ask_response(std::move(job));
    if (tokens && response.status == 200) set_token_headers(response, *tokens);
    throw AskAnswer(std::move(response));
  }

  // GET /api/v1/chat/ws: chat over a WebSocket (chat_socket.h), run on the thread that took the
  // upgrade, sharing this worker's store in turns as an answer stream does. Without a key in the
  // upgrade's header, once keys apply, its first message must bring one.
  http::Response chat_socket(std::size_t worker, const Caller& caller) {
    ChatSocket c;
    c.base = options.openai.ask;
    c.collection = options.collection;
    c.provider = options.openai.provider;
    c.session = &session(worker);
    c.store_turn = &workers.at(worker).turn;
    c.caller = caller;
    c.needs_key = !caller.key && gate.keys_apply(worker);
    c.authenticate = [this, worker](const std::string& token) {
      StoreTurn turn(&workers.at(worker).turn);
      turn.hold();
      Gate::TokenAdmission t = gate.authenticate(token, worker, Guard{.key = KeyUse::header_or_message});
      if (t.refused) return std::pair{std::optional<Caller>(), *t.refused};
      return std::pair{std::optional<Caller>(std::move(t.caller)), std::pair{0, std::string()}};
    };
    c.answers = &answers;
    http::Response r;
    r.status = 101;
    r.websocket = [c = std::move(c)](http::WebSocket& socket) mutable { run_chat_socket(socket, std::move(c)); };
    return r;
  }

  json remove(const Arguments& a, const Call& call) {
    service::refuse_unknown_arguments(a.values, {"collection", "source"});
    const std::string name = service::required_string(a.values, "collection");
    const std::string source = service::required_string(a.values, "source");
    session(call).remove(name, source);
    return {{"collection", name}, {"source", source}, {"removed", true}};
  }

  json ready(const Arguments&, const Call& call) {
    try {
      // Opened is not enough: a server's store answers a statement, or the balancer stops
      // sending (a connection opened before the server went away looks open until it is used;
      // the failure marks it lost, and the next call opens a new one).
      store::vector_fingerprint(store(call.worker));
    } catch (const Error& e) {
      // Not ready, whatever the reason (no store yet included): the balancer waits, 503.
      throw Error(ErrorKind::unavailable, e.code(), e.what(), e.hint());
    }
    if (!indexed) {
      throw Error(ErrorKind::unavailable, ExitCode::unavailable,
                  "the approximate vector indexes are being built (the server was started with " +
                      command_mention(Setting::ready_when_indexed) + ")");
    }
    return {{"status", "ready"}};
  }

  // GET /: the page, with what a plain form asks rendered in it (page.h): the collections, a
  // search's hits (?q=&collection=) and a citation's lines (?source=&start_line=&end_line=), each
  // by the operation its API route runs, so that the page without JavaScript finds what the API
  // finds. A problem (no store yet, a bad line number) is the page's notice, in the API's words.
  //
  // Once keys apply (`read_store` false) the page shows nothing of the store: a plain form sends
  // no key, so its search and passages are refused with a notice; the script's requests carry
  // the key the page asks for.
  http::Response page_view(const http::Request& request, const Call& call, bool read_store = true) {
    const auto query = [&](const char* name) {
      const auto it = request.query.find(name);
      return it == request.query.end() ? std::string() : it->second;
    };
    PageView view;
    view.query = query("q");
    view.collection = query("collection").empty() ? options.collection : query("collection");
    if (!read_store) {
      view.notice = "This server needs an API key: search and ask with JavaScript on, and the page asks for one.";
      return page(view);
    }
    using Operation = json (Impl::*)(const Arguments&, const Call&);
    const auto attempt = [&](const json& values, Operation operation, const service::Description* request_fields) -> std::optional<json> {
      Arguments a;
      a.values = values;
      a.rest = "query";
      for (const auto& item : values.items()) a.where[item.key()] = "query";
      try {
        return (this->*operation)(a, call);
      } catch (const Error& e) {
        if (view.notice.empty()) view.notice = problem_text(problem_response(e, a, request_fields));
      }
      return std::nullopt;
    };
    if (const std::optional<json> list = attempt(json::object(), &Impl::collections, nullptr)) {
      for (const json& c : list->value("collections", json::array())) view.collections.push_back(c.value("name", ""));
    }
    if (!view.query.empty()) view.found = attempt({{"query", view.query}, {"collection", view.collection}}, &Impl::search, &service::k_http_search_request);
    if (const std::string source = query("source"); !source.empty()) {
      json values = {{"collection", view.collection}, {"source", source}};
      for (const char* name : {"start_line", "end_line"}) {
        std::int64_t line = 0;
        const std::string text = query(name);
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), line);
        if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) values[name] = line;
      }
      view.passage = attempt(values, &Impl::read, &service::k_read_request);
    }
    return page(view);
  }

  // The message of an error response's body ({"detail": text or [{"loc", "msg"}]}).
  static std::string problem_text(const http::Response& r) {
    const json body = json::parse(r.body, nullptr, false);
    if (!body.is_object() || !body.contains("detail")) return "the server could not answer (" + std::to_string(r.status) + ")";
    const json& d = body["detail"];
    if (d.is_string()) return d.get<std::string>();
    if (d.is_array() && !d.empty() && d[0].is_object()) return d[0].value("msg", "");
    return "the server could not answer (" + std::to_string(r.status) + ")";
  }
};

namespace {

using Operation = json (Api::Impl::*)(const Arguments&, const Call&);

// A row per route: the router's rows and the OpenAPI document are made from this table.
struct RouteSpec {
  http::Method method;
  std::string_view pattern;
  std::string_view id;       // operationId
  std::string_view summary;
  std::string_view tag;
  Source source = Source::none;                           // where the request's fields come from
  const service::Description* request = nullptr;          // its fields (path parameters among them)
  const service::Description* result = nullptr;
  Operation operation = nullptr;                          // nullptr: a route of its own (below)
  http::Blocking blocking = http::Blocking::yes;
  int success = 200;
  // What a key needs for the route (auth/key.h: read < write < admin); the collection the
  // request names is checked by the operation (Caller::allows).
  auth::Scope scope = auth::Scope::read;
  // How its errors are worded (gate.h): FastAPI's here, OpenAI's on /v1.
  ErrorStyle errors = ErrorStyle::fastapi;
  // Whether it needs a key once keys apply (gate.h). A new row needs one unless it says otherwise.
  KeyUse key = KeyUse::needed;
  // Set: a route of OpenAI's API (openai_routes.h), whose errors are OpenAI's shape.
  OpenAiRoute openai = nullptr;
};

constexpr RouteSpec k_routes[] = {
    {http::Method::get, "/healthz", "health", "The server answers (whatever the store does)", "server", Source::none, nullptr,
     &k_health, nullptr, http::Blocking::no, 200, auth::Scope::read, ErrorStyle::fastapi, KeyUse::none},
    {http::Method::get, "/readyz", "ready",
     "The store answers a statement (and, on a server told to wait for them, every approximate vector index is "
     "built): 200, else 503", "server", Source::none, nullptr, &k_health,
     &Api::Impl::ready, http::Blocking::yes, 200, auth::Scope::read, ErrorStyle::fastapi, KeyUse::none},
    // Blocking: checking an admin key reads the store.
    {http::Method::get, "/metrics", "metrics",
     "Prometheus metrics: requests by route and status, latency, connections, streams, chat completions by outcome, "
     "model tokens by key, the process's CPU, memory and open files",
     "server", Source::none, nullptr, nullptr, nullptr, http::Blocking::yes, 200, auth::Scope::admin},
    {http::Method::get, "/openapi.json", "openapi", "This document (OpenAPI 3.1)", "server", Source::none, nullptr, nullptr, nullptr,
     http::Blocking::no, 200, auth::Scope::read, ErrorStyle::fastapi, KeyUse::none},
    {http::Method::post, "/api/v1/search", "search", "Search a collection (keyword, vector or hybrid); each hit with its citation",
     "search", Source::body, &service::k_http_search_request, &service::k_search_result, &Api::Impl::search},
    {http::Method::post, "/api/v1/ask", "ask",
     "Answer a question from a collection with cited sources, as server-sent events (sources, token, done or error, each "
     "with an id: X-Strata-Answer names the answer, which GET /api/v1/ask/{answer}/events resumes)",
     "ask", Source::body, &service::k_ask_request, &service::k_ask_result, &Api::Impl::ask},
    {http::Method::get, "/api/v1/ask/{answer}/events", "ask_events",
     "The events of an answer after Last-Event-ID (a header, or ?last_event_id=), then the live ones; 404 once it is no "
     "longer kept (5 minutes after it ends) or for another caller's",
     "ask", Source::none, nullptr, nullptr, nullptr},
    {http::Method::get, "/api/v1/chat/ws", "chat_socket",
     "Chat over a WebSocket (RFC 6455): several questions over one connection, each a follow-up to the answers before, "
     "each answer streamed (sources, chunk, done or error messages); the key in the Authorization header or, from a "
     "browser, in a first message {\"type\":\"auth\",\"token\":KEY}",
     "ask", Source::none, nullptr, nullptr, nullptr, http::Blocking::yes, 101, auth::Scope::read, ErrorStyle::fastapi,
     KeyUse::header_or_message},
    {http::Method::get, "/api/v1/collections", "list_collections", "The store's collections with their sizes", "collections",
     Source::none, nullptr, &service::k_collections_result, &Api::Impl::collections},
    {http::Method::get, "/api/v1/collections/{collection}/documents", "list_documents",
     "A collection's documents, a page at a time (offset, limit), optionally filtered", "documents", Source::query,
     &service::k_documents_request, &service::k_documents_result, &Api::Impl::documents},
    {http::Method::post, "/api/v1/collections/{collection}/documents", "ingest_document",
     "Store one document (its text) under a source id, replacing one stored under it; a text over 1 MiB is a job, "
     "answered 202 with its Location",
     "documents", Source::body,
     &service::k_ingest_request, &service::k_ingest_result, &Api::Impl::ingest,
     http::Blocking::yes, 200, auth::Scope::write},
    {http::Method::post, "/api/v1/collections/{collection}/web", "ingest_url",
     "Fetch a web page into the collection, or crawl a site from it: a crawl is a job, answered 202 with its Location "
     "(when the server's operator allows it)",
     "documents", Source::body, &service::k_ingest_url_request, &service::k_ingest_url_result, &Api::Impl::ingest_url,
     http::Blocking::yes, 200, auth::Scope::write},
    {http::Method::post, "/api/v1/collections/{collection}/embed", "embed_collection",
     "Give the collection's chunks without a vector one, by the server's embedding model: a job, answered 202 with its "
     "Location",
     "jobs", Source::body, &k_embed_request, &k_job_result, &Api::Impl::embed, http::Blocking::yes, 202, auth::Scope::write},
    {http::Method::get, "/api/v1/jobs", "list_jobs", "The caller's jobs, newest first (an admin key: every caller's)", "jobs",
     Source::query, &k_jobs_request, &k_jobs_result, &Api::Impl::jobs},
    {http::Method::get, "/api/v1/jobs/{job}", "get_job", "A job: its status, progress, result or error", "jobs", Source::none,
     &k_job_request, &k_job_result, &Api::Impl::job},
    {http::Method::del, "/api/v1/jobs/{job}", "cancel_job",
     "Cancel a job: a queued one at once, a running one at its next page or batch (what it did is kept)", "jobs",
     Source::none, &k_job_request, &k_job_result, &Api::Impl::cancel_job, http::Blocking::yes, 200, auth::Scope::write},
    {http::Method::get, "/api/v1/jobs/{job}/events", "job_events",
     "A job's changes as server-sent events (event: job, id: its revision) after Last-Event-ID, until it ends", "jobs",
     Source::none, &k_job_request, nullptr, nullptr},
    {http::Method::get, "/api/v1/collections/{collection}/documents/{source...}", "read_document",
     "Read a document's lines (start_line, end_line: the line model of citations) or chunks", "documents", Source::query,
     &service::k_read_request, &service::k_read_result, &Api::Impl::read},
    {http::Method::del, "/api/v1/collections/{collection}/documents/{source...}", "remove_document",
     "Remove a document with its chunks", "documents", Source::none, nullptr, &k_removed, &Api::Impl::remove,
     http::Blocking::yes, 200, auth::Scope::write},
    {http::Method::get, "/v1/models", "list_models", "OpenAI's API: each collection the caller may read is a model, strata/<collection>",
     "openai", Source::none, nullptr, &openai::k_models_result, nullptr, http::Blocking::yes, 200, auth::Scope::read, ErrorStyle::openai, KeyUse::needed, &list_models},
    {http::Method::get, "/v1/models/{model...}", "retrieve_model", "OpenAI's API: one model (strata/<collection>)", "openai",
     Source::none, nullptr, &openai::k_model_result, nullptr, http::Blocking::yes, 200, auth::Scope::read, ErrorStyle::openai, KeyUse::needed, &retrieve_model},
    {http::Method::post, "/v1/chat/completions", "create_chat_completion",
     "OpenAI's API: the collection answers the last message (a follow-up to the earlier ones) with cited sources, whole or "
     "streamed (server-sent events)",
     "openai", Source::body, &openai::k_chat_completion_request, &openai::k_chat_completion_result, nullptr, http::Blocking::yes, 200,
     auth::Scope::read, ErrorStyle::openai, KeyUse::needed, &chat_completions},
    {http::Method::post, "/v1/embeddings", "create_embedding",
     "OpenAI's API: texts embedded as a collection's vectors are (strata/<collection>) or by a built-in model", "openai",
     Source::body, &openai::k_embeddings_request, &openai::k_embeddings_result, nullptr, http::Blocking::yes, 200, auth::Scope::read, ErrorStyle::openai, KeyUse::needed,
     &create_embeddings},
    // MCP over Streamable HTTP (mcp/http_route.h): a JSON-RPC message in, its answer out; the tools
    // only read, each checking the collections the key reaches.
    {http::Method::post, "/mcp", "mcp_message",
     "MCP over Streamable HTTP: one JSON-RPC message (initialize opens a session: Mcp-Session-Id); 202 for a notification",
     "mcp"},
    {http::Method::del, "/mcp", "mcp_end_session", "End the MCP session named by Mcp-Session-Id", "mcp", Source::none, nullptr,
     nullptr, nullptr, http::Blocking::yes, 204},
    {http::Method::get, "/mcp", "mcp_stream", "No server-initiated stream is offered: 405", "mcp", Source::none, nullptr,
     nullptr, nullptr, http::Blocking::no, 405, auth::Scope::read, ErrorStyle::fastapi, KeyUse::none},
    // The web page (page.h): files, which need no key; what they show comes from the routes
    // above, with the caller's key (the page's script sends it). Its search without JavaScript
    // sends none: once keys apply it is refused (Api::Impl::page_view's caller).
    {http::Method::get, "/", "page", "The web page: search and ask a collection (HTML; ?q=&collection= searches without JavaScript)",
     "page", Source::none, nullptr, nullptr, nullptr, http::Blocking::yes, 200, auth::Scope::read, ErrorStyle::fastapi, KeyUse::none},
    {http::Method::get, "/static/{file}", "page_file", "The page's script, style and icon", "page", Source::none, nullptr, nullptr, nullptr,
     http::Blocking::no, 200, auth::Scope::read, ErrorStyle::fastapi, KeyUse::none},
};

// `handler` as a server span of the request's trace (common/trace.h), continuing the caller's
// traceparent: "METHOD ROUTE", its status and the caller's name (never a token or a question);
// the span of a streamed answer or a WebSocket lasts as long as they do, current on their thread.
http::Handler traced(std::string route, http::Handler handler) {
  return [route = std::move(route), handler = std::move(handler)](const http::Request& request, http::Context& context) {
    if (!trace::enabled()) return handler(request, context);
    const std::string* parent = request.header("traceparent");
    const std::string method(http::method_name(request.method));
    trace::Span span = trace::Span::start_from(method + " " + route, trace::Kind::server,
                                               parent != nullptr ? trace::parse_traceparent(*parent) : std::nullopt);
    span.set("http.request.method", method).set("http.route", route);
    http::Response r;
    {
      const trace::Scope in(span.context());
      r = handler(request, context);
    }
    span.set("http.response.status_code", static_cast<std::int64_t>(r.status));
    if (!context.key_name.empty()) span.set("strata.principal", context.key_name);
    if (r.status >= 500) span.fail(std::string(http::reason(r.status)));
    if (!r.stream && !r.websocket) return r;
    auto held = std::make_shared<trace::Span>(std::move(span));
    if (r.stream) {
      r.stream = [held, stream = std::move(r.stream)](http::ChunkWriter& writer) {
        const trace::Scope in(held->context());
        stream(writer);
        held->end();
      };
    }
    if (r.websocket) {
      r.websocket = [held, socket = std::move(r.websocket)](http::WebSocket& ws) {
        const trace::Scope in(held->context());
        socket(ws);
        held->end();
      };
    }
    return r;
  };
}

// The two ways an event stream's client says where to resume: the Last-Event-ID header, or the
// last_event_id query parameter (a browser's EventSource sets no header of its own).
void add_last_event_id(json& operation) {
  for (const auto& [name, in] : {std::pair{"Last-Event-ID", "header"}, std::pair{"last_event_id", "query"}}) {
    operation["parameters"].push_back(
        {{"name", name}, {"in", in}, {"required", false}, {"schema", {{"type", "integer"}, {"minimum", 0}}}});
  }
}

// A route whose work may be a job (202 with its Location) rather than an answer.
bool queues_jobs(const RouteSpec& spec) {
  return spec.id == "ingest_document" || spec.id == "ingest_url" || spec.id == "embed_collection";
}

// The pattern as OpenAPI writes it: "{source...}" is "{source}".
std::string openapi_path(std::string_view pattern) {
  std::string out(pattern);
  for (std::size_t at = out.find("...}"); at != std::string::npos; at = out.find("...}")) out.erase(at, 3);
  return out;
}

std::string schema_name(std::string_view id, std::string_view suffix) {
  std::string out;
  bool upper = true;
  for (const char c : id) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out + std::string(suffix);
}

// The event a stream resumes after: Last-Event-ID, which EventSource sends as a header when it
// reconnects, or for a client that cannot set headers ?last_event_id=; 0 when neither is given.
// A value that is not a whole number is 422.
std::variant<std::uint64_t, http::Response> last_event_id(const http::Request& request) {
  std::string last = request.header("last-event-id") != nullptr ? *request.header("last-event-id") : std::string();
  if (last.empty()) {
    if (const auto it = request.query.find("last_event_id"); it != request.query.end()) last = it->second;
  }
  std::uint64_t after = 0;
  const std::string_view text = trim(last);
  if (!text.empty()) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), after);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return http::Response::json(422, http::detail_json("Last-Event-ID must be an event's id, a whole number; got '" +
                                                         std::string(text.substr(0, 40)) + "'"));
    }
  }
  return after;
}

json ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

json json_content(const json& schema) { return {{"application/json", {{"schema", schema}}}}; }

}  // namespace

Api::Api(ApiOptions options, const http::Metrics& metrics) : impl_(std::make_unique<Impl>(std::move(options), metrics)) {}
Api::~Api() = default;

http::Router Api::router() {
  http::Router router;
  Impl* impl = impl_.get();
  for (const RouteSpec& spec : k_routes) {
    // A key is checked against a worker's store: on the I/O threads, only what needs none.
    if (spec.key == KeyUse::needed && spec.blocking == http::Blocking::no) {
      throw std::logic_error("route " + std::string(spec.pattern) + " needs a key: it must run on a worker");
    }
    Gate::Inner handler;
    if (spec.pattern == "/healthz") {
      handler = [](const http::Request&, http::Context&, const Caller&) { return http::Response::json(200, R"({"status":"ok"})"); };
    } else if (spec.pattern == "/metrics") {
      handler = [impl](const http::Request&, http::Context& context, const Caller&) {
        return http::Response::text(200, impl->metrics.text() + impl->answers.text() + impl->runner.metrics_text() +
                                        impl->store_jobs_metrics(context.worker) + http::process_metrics_text() +
                                        vector_index_metrics(),
                                    "text/plain; version=0.0.4; charset=utf-8");
      };
    } else if (spec.pattern == "/openapi.json") {
      handler = [this](const http::Request&, http::Context&, const Caller&) { return http::Response::json(200, json_text(openapi())); };
    } else if (spec.openai != nullptr) {
      handler = [impl, &spec](const http::Request& request, http::Context& context, const Caller& caller) {
        const OpenAiContext door{&impl->session(context.worker), &impl->options.openai, &impl->workers.at(context.worker).turn,
                                 &impl->answers};
        return spec.openai(door, request, Call{context.worker, caller});
      };
    } else if (spec.pattern == "/mcp") {
      handler = [impl](const http::Request& request, http::Context& context, const Caller& caller) {
        return impl->mcp.answer(request, Call{context.worker, caller});
      };
    } else if (spec.pattern == "/") {
      handler = [impl](const http::Request& request, http::Context& context, const Caller& caller) {
        // A form without JavaScript sends no key: once keys apply, the page is served without
        // anything of the store, and a search or a passage it asks for is 401.
        const bool keyed = impl->gate.keys_apply(context.worker);
        http::Response r = impl->page_view(request, Call{context.worker, caller}, !keyed);
        if (keyed && (request.query.contains("q") || request.query.contains("source"))) {
          r.status = 401;
          r.set_header("WWW-Authenticate", "Bearer");
        }
        return r;
      };
    } else if (spec.pattern == "/api/v1/ask/{answer}/events") {
      handler = [impl](const http::Request& request, http::Context& context, const Caller& caller) {
        const std::variant<std::uint64_t, http::Response> after = last_event_id(request);
        if (const auto* refusal = std::get_if<http::Response>(&after)) return *refusal;
        return ask_events_response(request.params.at("answer"), caller, std::get<std::uint64_t>(after),
                                   &impl->workers.at(context.worker).turn);
      };
    } else if (spec.pattern == "/api/v1/jobs/{job}/events") {
      handler = [impl](const http::Request& request, http::Context& context, const Caller& caller) {
        const std::variant<std::uint64_t, http::Response> after = last_event_id(request);
        if (const auto* refusal = std::get_if<http::Response>(&after)) return *refusal;
        const std::size_t worker = context.worker;
        std::string id;
        try {
          id = impl->visible_job(Call{worker, caller}, request.params.at("job")).id;
        } catch (const Error& e) {
          return problem_response(e, Arguments{}, nullptr);
        }
        // The stream reads the row on its own thread, in turns with the worker (store_turn.h).
        return job_events_response(
            [impl, worker, id]() {
              StoreTurn turn(&impl->workers.at(worker).turn);
              turn.hold();
              return store::find_job(impl->store(worker), id);
            },
            std::get<std::uint64_t>(after));
      };
    } else if (spec.pattern == "/api/v1/chat/ws") {
      handler = [impl](const http::Request&, http::Context& context, const Caller& caller) {
        return impl->chat_socket(context.worker, caller);
      };
    } else if (spec.pattern == "/static/{file}") {
      handler = [](const http::Request& request, http::Context&, const Caller&) { return static_file(request.params.at("file")); };
    } else {
      handler = [impl, &spec](const http::Request& request, http::Context& context, const Caller& caller) {
        Arguments arguments;
        try {
          arguments = gather(request, spec.source, spec.request);
          json result = (impl->*spec.operation)(arguments, Call{context.worker, caller});
          render_for_client(result);
          return http::Response::json(spec.success, json_text(result));
        } catch (const Refused& r) {
          return r.response;
        } catch (const Error& e) {
          return problem_response(e, arguments, spec.request);
        }
      };
    }
    if (spec.blocking == http::Blocking::yes) {
      // Every operation of the request runs on the worker's session with this caller's reach
      // (service/call_scope.h), checked below the route in one wording.
      handler = [impl, inner = std::move(handler)](const http::Request& request, http::Context& context, const Caller& caller) {
        const service::CallScope scope(impl->session(context.worker), caller);
        return inner(request, context, caller);
      };
    }
    const Guard guard{.key = spec.key, .scope = spec.scope, .errors = spec.errors};
    http::Handler guarded = impl->gate.guard(guard, std::move(handler));
    if (spec.blocking == http::Blocking::yes) {
      // The worker's turn at its store, which the streams it admitted share (store_turn.h).
      guarded = [impl, inner = std::move(guarded)](const http::Request& request, http::Context& context) {
        const std::lock_guard turn(impl->workers.at(context.worker).turn);
        return inner(request, context);
      };
    }
    if (spec.blocking == http::Blocking::yes && spec.pattern != "/readyz" && spec.pattern != "/metrics") {
      guarded = traced(std::string(spec.pattern), std::move(guarded));
    }
    router.add(http::Route{spec.method, std::string(spec.pattern), std::move(guarded), spec.blocking});
  }
  router.set_error_shape(server_error_body);
  return router;
}

json Api::openapi() const {
  json paths = json::object();
  json schemas = json::object();
  schemas["HTTPValidationError"] = service::json_schema(k_validation);
  schemas["Detail"] = service::json_schema(k_detail);
  schemas["OpenAIError"] = service::json_schema(openai::k_openai_error);
  for (const RouteSpec& spec : k_routes) {
    const std::vector<std::string> in_path = http::pattern_params(spec.pattern);
    json operation = {{"operationId", std::string(spec.id)}, {"summary", std::string(spec.summary)},
                      {"tags", json::array({std::string(spec.tag)})}};
    json parameters = json::array();
    for (const std::string& name : in_path) {
      const service::Field* f = spec.request == nullptr ? nullptr : service::find_field(*spec.request, name);
      json schema = f != nullptr ? service::json_schema(*f) : json{{"type", "string"}};
      parameters.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", std::move(schema)}});
    }
    if (spec.source == Source::query && spec.request != nullptr) {
      for (const service::Field& f : spec.request->fields) {
        if (std::find(in_path.begin(), in_path.end(), f.name) != in_path.end()) continue;
        parameters.push_back({{"name", std::string(f.name)}, {"in", "query"}, {"required", f.required},
                              {"schema", service::json_schema(f)}});
      }
    }
    if (!parameters.empty()) operation["parameters"] = std::move(parameters);
    if (spec.source == Source::body && spec.request != nullptr) {
      json schema = service::json_schema(*spec.request);
      // Fields the path gives are not the body's.
      for (const std::string& name : in_path) {
        schema["properties"].erase(name);
        if (schema.contains("required")) {
          json& required = schema["required"];
          required.erase(std::remove(required.begin(), required.end(), json(name)), required.end());
        }
      }
      const std::string name = schema_name(spec.id, "Request");
      schemas[name] = std::move(schema);
      operation["requestBody"] = {{"required", true}, {"content", json_content(ref(name))}};
    }
    if (spec.pattern == "/mcp" && spec.method == http::Method::post) {
      operation["requestBody"] = {
          {"required", true},
          {"content", json_content({{"type", json::array({"object", "array"})},
                                    {"description", "A JSON-RPC 2.0 message (a batch only in a 2025-03-26 session)"}})}};
    }
    json responses = json::object();
    json ok = {{"description", spec.success < 300 ? std::string("Success") : std::string(http::reason(spec.success))}};
    if (spec.success == 204) {
      // No content.
    } else if (spec.result != nullptr) {
      const std::string name = schema_name(spec.id, "Result");
      schemas[name] = service::json_schema(*spec.result);
      ok["content"] = json_content(ref(name));
      if (spec.id == "ask") {
        // The answer comes as events; its last, done, holds this object.
        ok["content"] = {{"text/event-stream",
                          {{"schema",
                            {{"type", "string"},
                             {"description", "Server-sent events, each with id: sources {sources}, token {content}, then done "
                                             "(this result) or error {detail, status}; a ': keep-alive' comment while idle"}}}}}};
        ok["headers"] = {{"X-Strata-Answer", {{"description", "The answer's id, for GET /api/v1/ask/{answer}/events"},
                                              {"schema", {{"type", "string"}}}}}};
        ok["x-strata-done-event"] = ref(name);
      }
      if (spec.openai == &chat_completions) {
        ok["content"]["text/event-stream"] = {
            {"schema", {{"type", "string"}, {"description", "With stream: data: {chat.completion.chunk} events, the last with "
                                                            "finish_reason and sources, then data: [DONE]"}}}};
      }
    } else if (spec.id == "chat_socket") {
      // No body: the answer is the upgrade, then the messages of strata-serve(1)'s "Chat over WebSocket".
      ok = {{"description", "Switching Protocols: the WebSocket is open; messages are JSON objects {type, ...}"}};
      for (const char* name : {"Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version"}) {
        operation["parameters"].push_back({{"name", name}, {"in", "header"}, {"required", true}, {"schema", {{"type", "string"}}}});
      }
      responses["426"] = {{"description", "The request is no WebSocket upgrade"}, {"content", json_content(ref("Detail"))}};
      responses["503"] = {{"description", "Too many streams are open (Retry-After)"}, {"content", json_content(ref("Detail"))}};
    } else if (spec.id == "ask_events") {
      ok["content"] = {{"text/event-stream", {{"schema", {{"type", "string"}, {"description", "The answer's events, as POST /api/v1/ask sends them"}}}}}};
      add_last_event_id(operation);
      responses["404"] = {{"description", "No such answer kept for this caller"}, {"content", json_content(ref("Detail"))}};
      responses["410"] = {{"description", "The events after Last-Event-ID are no longer kept"}, {"content", json_content(ref("Detail"))}};
      responses["422"] = {{"description", "Last-Event-ID is not a whole number"}, {"content", json_content(ref("Detail"))}};
    } else if (spec.id == "job_events") {
      ok["content"] = {{"text/event-stream",
                        {{"schema", {{"type", "string"},
                                     {"description", "Server-sent events: event: job, id: the job's revision, data: the job "
                                                     "(as GET /api/v1/jobs/{job}), until it ends; a ': keep-alive' comment "
                                                     "while idle"}}}}}};
      add_last_event_id(operation);
      responses["404"] = {{"description", "No such job, or another caller's"}, {"content", json_content(ref("Detail"))}};
      responses["422"] = {{"description", "Last-Event-ID is not a whole number"}, {"content", json_content(ref("Detail"))}};
    } else if (spec.pattern == "/metrics") {
      ok["content"] = {{"text/plain", {{"schema", {{"type", "string"}}}}}};
    } else if (spec.pattern == "/") {
      ok["content"] = {{"text/html", {{"schema", {{"type", "string"}}}}}};
    } else if (spec.tag == "page") {
      ok["content"] = {{"text/css", {{"schema", {{"type", "string"}}}}},
                       {"text/javascript", {{"schema", {{"type", "string"}}}}},
                       {"image/svg+xml", {{"schema", {{"type", "string"}}}}}};
      responses["404"] = {{"description", "No such file"}, {"content", json_content(ref("Detail"))}};
    } else {
      ok["content"] = json_content({{"type", "object"}});
    }
    if (queues_jobs(spec)) {
      // The job as GET /api/v1/jobs/{job} answers it, and where to follow it.
      schemas["Job"] = service::json_schema(k_job_result);
      json accepted = {{"description", "Accepted: the work is a job, run on the server's own pool"},
                       {"content", json_content(ref("Job"))},
                       {"headers", {{"Location", {{"description", "/api/v1/jobs/{job}: the job, its events below it"},
                                                  {"schema", {{"type", "string"}}}}}}}};
      if (spec.success == 202) {
        ok = std::move(accepted);
      } else {
        responses["202"] = std::move(accepted);
      }
    }
    responses[std::to_string(spec.success)] = std::move(ok);
    if (spec.operation != nullptr) {
      if (spec.source != Source::none || !in_path.empty()) {
        responses["422"] = {{"description", "A field breaks the request's rules"}, {"content", json_content(ref("HTTPValidationError"))}};
      }
      if (spec.source == Source::body) {
        responses["400"] = {{"description", "The body is not JSON"}, {"content", json_content(ref("Detail"))}};
      }
      if (!in_path.empty() || spec.source == Source::body) {
        responses["404"] = {{"description", "No such collection or document"}, {"content", json_content(ref("Detail"))}};
      }
      responses["503"] = {{"description", "The store cannot be opened or is busy"}, {"content", json_content(ref("Detail"))}};
    }
    if (spec.openai != nullptr) {
      const json error = json_content(ref("OpenAIError"));
      if (spec.source == Source::body) {
        responses["400"] = {{"description", "The request breaks OpenAI's rules or strata's"}, {"content", error}};
      }
      responses["404"] = {{"description", "No such model (or not the caller's): model_not_found"}, {"content", error}};
      if (spec.openai == &chat_completions) {
        responses["502"] = {{"description", "The model's server failed to answer"}, {"content", error}};
      }
      responses["503"] = {{"description", "The store or a server strata needs is unavailable"}, {"content", error}};
    }
    if (spec.key == KeyUse::needed || spec.key == KeyUse::header_or_message) {
      const json errors_content = json_content(ref(spec.errors == ErrorStyle::openai ? "OpenAIError" : "Detail"));
      operation["security"] = json::array({{{"bearer", json::array()}}});
      operation["x-strata-scope"] = store::to_string(spec.scope);
      responses["401"] = {{"description", "No API key, or one that is not live (once the store holds keys)"},
                          {"content", errors_content}};
      responses["403"] = {{"description", "The key's scope or collections do not cover the request"}, {"content", errors_content}};
      const std::string busy = queues_jobs(spec) ? "The key's rate limit is reached, or the caller has its bound of jobs queued "
                                                   "or running (the server's " + command_mention(Setting::max_jobs_per_key) +
                                                   ") (Retry-After)"
                                                 : "The key's rate limit is reached (Retry-After)";
      responses["429"] = {{"description", for_client(busy)}, {"content", errors_content}};
    }
    operation["responses"] = std::move(responses);
    paths[openapi_path(spec.pattern)][to_lower(http::method_name(spec.method))] = std::move(operation);
  }
  return {{"openapi", "3.1.0"},
          {"info", {{"title", "strata"}, {"version", impl_->options.version},
                    {"description",
                     "strata's knowledge store over HTTP: search, collections, documents; OpenAI's API under /v1/"}}},
          {"jsonSchemaDialect", "https://json-schema.org/draft/2020-12/schema"},
          {"paths", std::move(paths)},
          {"components", {{"schemas", std::move(schemas)},
                          {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"},
                                                           {"description", "An API key from strata keys create, or a JWT of the identity provider the server trusts"}}}}}}}};
}

}  // namespace strata::serve
