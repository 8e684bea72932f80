#include "serve_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "ask_session.h"
#include "auth/public.h"
#include "common/public.h"
#include "config/public.h"
#include "embed_output.h"
#include "flag_values.h"
#include "http/public.h"
#include "llm/public.h"
#include "net/public.h"
#include "number_flags.h"
#include "option_bundles.h"
#include "serve/public.h"
#include "settings.h"
#include "store/public.h"
#include "store_options.h"
#include "strata/build_info.h"

namespace strata::cli {
namespace {

// The server's log: the access log's lines come from every worker while the main thread announces
// the address, so each message goes out whole in one write under one lock; a line cut by another
// (a test or a log shipper reading "listening on URL") would be lost to whoever parses it.
void server_log(const std::string& text) {
  static std::mutex mutex;
  const std::lock_guard<std::mutex> lock(mutex);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
    if (n <= 0) break;  // stderr gone: a log is never worth stopping the server for
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace
namespace {

constexpr std::uint64_t k_max_workers = 256;
constexpr std::uint64_t k_max_streams = 65536;
constexpr std::uint64_t k_max_job_workers = 64;
constexpr std::uint64_t k_max_jobs_per_key = 10000;

struct ServeOptions {
  StoreOptions store;
  std::string listen = serve::k_default_listen;
  std::optional<std::uint64_t> max_body;
  std::optional<double> header_timeout, idle_timeout, shutdown_timeout;
  std::optional<std::uint64_t> workers;
  std::optional<std::uint64_t> max_streams;
  std::optional<std::uint64_t> job_workers, max_jobs_per_key;
  std::optional<double> job_takeover;
  AnswerFlags answer;  // the model's flags (--model, --base-url, ...), as `strata ask` reads them
  std::vector<std::string> cors_origins;
  std::vector<std::string> allowed_hosts;
  std::string public_url;
  std::string tls_cert, tls_key;
  bool exact = false;  // --exact: no approximate vector index
  bool ready_when_indexed = false;
  bool allow_crawl = false;    // POST .../web may fetch and crawl
  bool allow_private = false;  // ... loopback and private addresses too
  // Single sign-on (serve/sign_on.h).
  std::string jwks, jwt_issuer, jwt_audience;
  std::string jwt_scope_claim = "scope", jwt_collections_claim = "strata_collections";
  std::string jwt_rate, jwt_tokens;
  std::optional<double> jwks_refresh;
  std::string otlp_endpoint;  // traces to an OpenTelemetry collector (net/otlp_exporter.h)
  bool otlp_content = false;  // spans carry what was searched for (trace::records_content)
};

// The sign-on the flags ask for, its keys read now; none without --jwt-issuer.
std::shared_ptr<serve::SignOn> sign_on(const ServeOptions& o) {
  if (o.jwt_issuer.empty()) {
    if (!o.jwks.empty() || !o.jwt_audience.empty()) usage("--jwks and --jwt-audience need --jwt-issuer", "the issuer tokens must name (their iss claim)");
    return nullptr;
  }
  serve::SignOnOptions so;
  so.jwks = o.jwks;
  so.policy.issuer = o.jwt_issuer;
  so.policy.audience = o.jwt_audience;
  so.policy.scope_claim = o.jwt_scope_claim;
  so.policy.collections_claim = o.jwt_collections_claim;
  const auto per_minute = [](const std::string& text, const char* flag, auto parse) -> std::optional<std::int64_t> {
    if (text.empty()) return std::nullopt;
    try {
      return parse(text);
    } catch (const Error&) {
      usage(std::string(flag) + ": '" + text + "' is not N/min", "a whole number a minute, e.g. 60/min");
    }
  };
  so.rate_per_minute = per_minute(o.jwt_rate, "--jwt-rate", auth::parse_rate_per_minute);
  so.tokens_per_minute = per_minute(o.jwt_tokens, "--jwt-tokens", auth::parse_tokens_per_minute);
  if (o.jwks_refresh) so.min_refetch = std::chrono::seconds(static_cast<std::int64_t>(*o.jwks_refresh + 0.5));
  return std::make_shared<serve::SignOn>(std::move(so));
}

// The OpenAI-compatible API's chats answer as `strata ask` does: the model from the same flags,
// variables and configuration, the ask's settings from the same request.
void set_up_answers(const ServeOptions& o, serve::ApiOptions& a) {
  AnswerFlags flags = o.answer;
  flags.store = o.store;
  a.openai.provider = answer_provider(flags);
  a.openai.ask = answer_request(flags);
  a.openai.ask.tools = {};  // a client's chat runs no tools on this machine
  a.openai.embed = a.search.embed;
  // A failure's own text (a path, a server's URL) is the operator's: a JSON line in the log.
  a.openai.log_error = [](const std::string& route, const std::string& message) {
    const nlohmann::json line = {{"error", llm::sanitize_for_terminal(message)}, {"route", route}};
    server_log(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  };
}

std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000.0 + 0.5));
}

int run_serve(const ServeOptions& o) {
  // Refused before anything is opened: the address, then the collection's name; then an address
  // beyond loopback unless the store holds a key.
  const serve::ListenAddress address = serve::parse_listen(o.listen);
  store::validate_collection_name(o.store.collection);
  // Read before the server accepts its first connection: a store with keys is keyed from its
  // first request on (serve/gate.h).
  const serve::KeysAtStart keys = serve::keys_at_start(store_path(o.store), store_open_options());
  // The identity provider's keys are read before the server listens: one that cannot be read
  // stops it here (a server that refused every sign-in would look up and be down).
  std::shared_ptr<serve::SignOn> sso = sign_on(o);
  const bool has_keys = keys == serve::KeysAtStart::live || sso != nullptr;
  serve::require_loopback(address, has_keys);
  http::CorsPolicy cors(o.cors_origins);
  serve::OriginRules origins;
  for (const std::string& h : o.allowed_hosts) serve::validate_allowed_host(h);
  origins.allowed_hosts = o.allowed_hosts;
  // Beyond loopback the machine's own name is one of the server's (a name clients use).
  if (!serve::is_loopback(address.host)) {
    if (char name[256] = {}; ::gethostname(name, sizeof name - 1) == 0 && name[0] != '\0') origins.allowed_hosts.emplace_back(name);
  }
  origins.cors_origins = o.cors_origins;
  if (!o.public_url.empty()) origins.public_origin = serve::origin_of_url(o.public_url, mention(Setting::public_url));
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    usage(o.tls_cert.empty() ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key",
          "give both, the certificate chain and its private key, as PEM files");
  }

  http::ServerOptions s;
  s.host = address.host;
  s.port = address.port;
  if (o.max_body) s.limits.max_body_bytes = *o.max_body;
  if (o.header_timeout) s.limits.header_timeout = millis(*o.header_timeout);
  if (o.idle_timeout) s.limits.idle_timeout = millis(*o.idle_timeout);
  if (o.shutdown_timeout) s.shutdown_timeout = millis(*o.shutdown_timeout);
  if (o.workers) s.workers = *o.workers;
  if (o.max_streams) s.max_streams = *o.max_streams;
  s.io_threads = 2;
  s.stop_on_signals = true;
  s.access_log = [](const http::AccessRecord& r) { server_log(http::access_log_line(r) + '\n'); };
  s.cors = std::move(cors);
  if (!o.tls_cert.empty()) s.tls = http::TlsFiles{o.tls_cert, o.tls_key};

  serve::ApiOptions a;
  if (o.job_workers) a.jobs.workers = *o.job_workers;
  if (o.max_jobs_per_key) a.jobs.per_key = *o.max_jobs_per_key;
  if (o.job_takeover) a.jobs.stale = std::max(millis(*o.job_takeover), std::chrono::milliseconds(2 * a.jobs.beat));
  a.store_path = store_path(o.store);
  a.open = store_open_options();
  a.collection = o.store.collection;
  a.workers = s.workers;
  a.version = std::string(strata::k_version);
  a.keys_required = !serve::is_loopback(address.host);
  a.keys_at_start = keys;
  a.origins = std::move(origins);
  // Search's embedding server and reranker come from the settings, as `strata mcp` takes them.
  apply_embed_server(std::nullopt, std::nullopt, a.search.embed);
  a.search.vector_weight = chosen_vector_weight(std::nullopt);
  a.search.title_cap = chosen_title_cap(std::nullopt);
  a.search.rerank = chosen_rerank(false, "", "", "");
  a.search.ann = chosen_ann(o.exact);
  a.ready_when_indexed = o.ready_when_indexed;
  a.sign_on = sso;
  a.ingest.store_path = a.store_path;
  a.ingest.store_options = a.open;
  a.ingest.threads = 1;  // one document a request: the workers are the parallelism
  a.ingest.project_root = process_environment().cwd;
  a.allow_web = o.allow_crawl;
  a.ingest.web.allow_private = o.allow_private;  // never a caller's choice; no header either
  set_up_answers(o, a);
  const std::string answers = a.openai.provider.kind == ask::ProviderKind::none
                                  ? std::string("offline (no model configured)")
                                  : llm::sanitize_for_terminal(a.openai.provider.model);
  a.ingest.configured = configured_chunking();

  const bool keys_required = a.keys_required;
  // Traces: every span this process ends goes to the collector, from the first request on; the
  // exporter sends what is queued when the server stops (bounded by its timeout).
  std::shared_ptr<net::OtlpExporter> exporter;
  if (!o.otlp_endpoint.empty()) {
    exporter = std::make_shared<net::OtlpExporter>(
        net::OtlpOptions{.endpoint = o.otlp_endpoint, .service_name = "strata", .service_version = std::string(strata::k_version)});
    trace::set_record_content(o.otlp_content);
    trace::set_sink(exporter);
  }
  struct SinkReset {
    ~SinkReset() {
      trace::set_sink(nullptr);
      trace::set_record_content(false);
    }
  } sink_reset;
  http::Metrics metrics;
  serve::Api api(std::move(a), metrics);
  std::signal(SIGPIPE, SIG_IGN);
  http::Server server(api.router(), s, metrics);
  server.start();
  const serve::ListenAddress bound{address.host, server.port()};
  const std::string base = (s.tls ? "https://" : "http://") + bound.authority();
  std::ostringstream announce;
  announce << "strata serve: listening on " << base << " (store " << store::store_display(store_path(o.store)) << ")\n"
            << "strata serve: the page at " << base << "/ (search and ask in a browser)\n"
            << "strata serve: OpenAI-compatible API at " << base << "/v1, answers " << answers << "\n"
            << "strata serve: MCP at " << base << "/mcp, its own API at " << base << "/api/v1 (" << base
            << "/openapi.json)\n";
  server_log(announce.str());
  // A SQLite store is one process's (serve/store_claim.h): a second server on it is told why it
  // shares nothing with the first.
  const serve::StoreClaim claim(store_path(o.store));
  if (claim.held_elsewhere()) {
    server_log("strata serve: warning: another strata serve has the store " + store::store_display(store_path(o.store)) +
               " open: a SQLite store is served by one process (rate limits, MCP sessions and answers being "
               "written live in each process's memory and are not shared); run replicas on a PostgreSQL store\n");
  }
  // A server may start before its store is made (it is not ready until then: /readyz 503), but a
  // mistyped path must not pass for that in silence.
  if (keys == serve::KeysAtStart::no_store) {
    server_log("strata serve: warning: no store at " + store::store_display(store_path(o.store)) +
               " yet: not ready (/readyz 503), and every request that reads the store is 503 until one is made "
               "there (strata ingest PATH with this --store)\n");
  }
  if (sso) {
    server_log("strata serve: signing in with tokens of " + llm::sanitize_for_terminal(o.jwt_issuer) + " for audience " +
               llm::sanitize_for_terminal(o.jwt_audience) + ", beside the store's API keys\n");
  }
  server_log(has_keys || keys_required || keys == serve::KeysAtStart::unknown
                 ? "strata serve: API keys required: every request but /healthz, /readyz and /openapi.json needs "
                   "Authorization: Bearer KEY\n"
                 : "strata serve: no API keys yet: answering on this loopback address only; once the store holds a "
                   "key (strata keys create), every request needs one\n");
  server.wait();
  server_log("strata serve: stopped\n");
  return 0;
}

}  // namespace

Run setup_serve(CLI::App& cmd) {
  auto o = std::make_shared<ServeOptions>();
  cmd.add_option("--listen", o->listen,
                 "Where to listen: IP:PORT, port 0 for any free port; an address beyond loopback only when the "
                 "store holds an API key (default: 127.0.0.1:8765)")
      ->type_name("ADDRESS");
  add_store_option(cmd, o->store);
  add_collection_option(cmd, o->store);
  check_whole_number(cmd.add_option("--max-body", o->max_body, "Largest request body in bytes, else 413 (default: 8388608)")
                         ->type_name("BYTES"),
                     1, std::uint64_t{1} << 30);
  check_seconds(cmd.add_option("--header-timeout", o->header_timeout,
                               "Seconds a client has to send a request's headers, else the connection is closed (default: 10)")
                    ->type_name("SECS"),
                k_max_timeout_seconds);
  check_seconds(cmd.add_option("--idle-timeout", o->idle_timeout,
                               "Seconds an idle keep-alive connection stays open (default: 60)")
                    ->type_name("SECS"),
                k_max_timeout_seconds);
  check_seconds(cmd.add_option("--shutdown-timeout", o->shutdown_timeout,
                               "Seconds requests in flight get to finish after SIGTERM or SIGINT (default: 10)")
                    ->type_name("SECS"),
                k_max_timeout_seconds);
  check_whole_number(cmd.add_option("--workers", o->workers, "Threads that run requests on the store (default: 4)")
                         ->type_name("N"),
                     1, k_max_workers);
  check_whole_number(cmd.add_option("--max-streams", o->max_streams,
                                    "Streamed answers open at once, each on a thread of its own, not a worker; one more "
                                    "is answered 503 with Retry-After (default: 1024)")
                         ->type_name("N"),
                     1, k_max_streams);
  check_whole_number(cmd.add_option("--job-workers", o->job_workers,
                                    "Background jobs (crawls, embeds) run at once by this server, on threads of their own "
                                    "(default: 2)")
                         ->type_name("N"),
                     1, k_max_job_workers);
  check_seconds(cmd.add_option("--job-takeover", o->job_takeover,
                               "Seconds a job's server may go without saying it runs the job (it does so every second) "
                               "before another server on the store takes the job over (default: 30)")
                    ->type_name("SECS"),
                k_max_timeout_seconds);
  check_whole_number(cmd.add_option("--max-jobs-per-key", o->max_jobs_per_key,
                                    "Background jobs one key may have queued or running; one more is answered 429 "
                                    "(default: 4)")
                         ->type_name("N"),
                     1, k_max_jobs_per_key);
  add_model_options(cmd, o->answer);
  cmd.add_option("--cors-origin", o->cors_origins,
                 "Let pages from ORIGIN (scheme://host[:port]) call the server from a browser; repeatable; '*' alone "
                 "for any origin; never with credentials (default: none)")
      ->type_name("ORIGIN")
      ->allow_extra_args(false);
  cmd.add_option("--allowed-host", o->allowed_hosts,
                 "Another name clients reach the server by (its Host header): NAME, .NAME for the names under it, or "
                 "'*' for any; repeatable. IP addresses, localhost and the --public-url host always are (default: none)")
      ->type_name("HOST")
      ->allow_extra_args(false);
  cmd.add_option("--public-url", o->public_url,
                 "The server's URL as clients reach it (behind a reverse proxy): its host is one of the server's names "
                 "and its origin the server's own")
      ->type_name("URL");
  cmd.add_flag("--exact", o->exact,
               "Search by vector with a scan of every vector, never an approximate index (large collections get one, "
               "[search] ann_min_chunks)");
  cmd.add_flag("--ready-when-indexed", o->ready_when_indexed,
               "Build every collection's approximate vector index at start, and answer /readyz 503 until they are "
               "built (searches are answered meanwhile, by the exact scan)");
  cmd.add_option("--tls-cert", o->tls_cert, "Serve HTTPS with this PEM certificate chain (with --tls-key)")
      ->type_name("FILE");
  cmd.add_option("--tls-key", o->tls_key, "The PEM private key of --tls-cert")->type_name("FILE");
  // Flags only, never settings: a project's strata.toml cannot make a server fetch for callers.
  cmd.add_flag("--allow-crawl", o->allow_crawl,
               "Let callers with a write key fetch web pages and crawl sites into a collection (POST .../web)");
  cmd.add_flag("--allow-private", o->allow_private,
               "With --allow-crawl: web addresses may be loopback, private or link-local; refused by default");
  CLI::Option* otlp = cmd.add_option("--otlp-endpoint", o->otlp_endpoint,
                 "Send OpenTelemetry traces over OTLP/HTTP (JSON) to this collector (http://HOST:4318): a span per "
                 "request, with retrieval, reranking, model and tool calls and jobs under it")
      ->type_name("URL");
  cmd.add_flag("--otlp-content", o->otlp_content,
               "With --otlp-endpoint: spans carry the words searched for (strata.search.query: a search's query, an "
               "answer's question); left out by default, since a trace collector's readers are not the askers")
      ->needs(otlp);
  cmd.add_option("--jwt-issuer", o->jwt_issuer,
                 "Accept bearer tokens (JWT) of this OpenID Connect issuer beside API keys: their iss claim; its keys "
                 "found by discovery unless --jwks gives them")
      ->type_name("URL");
  cmd.add_option("--jwt-audience", o->jwt_audience, "With --jwt-issuer: the audience tokens must name (their aud claim)")
      ->type_name("AUD");
  cmd.add_option("--jwks", o->jwks, "With --jwt-issuer: the issuer's keys, a JWKS file or URL (default: from discovery)")
      ->type_name("FILE|URL");
  cmd.add_option("--jwt-scope-claim", o->jwt_scope_claim,
                 "The claim naming a token's scope: read, write or admin, space-separated (default: scope)")
      ->type_name("CLAIM");
  cmd.add_option("--jwt-collections-claim", o->jwt_collections_claim,
                 "The claim listing the collections a token reaches; absent: all (default: strata_collections)")
      ->type_name("CLAIM");
  cmd.add_option("--jwt-rate", o->jwt_rate, "At most N requests a minute for each signed-in subject (default: no limit)")
      ->type_name("N/min");
  cmd.add_option("--jwt-tokens", o->jwt_tokens,
                 "At most N of the upstream model's tokens a minute for each signed-in subject (default: no limit)")
      ->type_name("N/min");
  check_seconds(cmd.add_option("--jwks-refresh", o->jwks_refresh,
                               "Least seconds between two reads of the issuer's keys that tokens naming an unknown key "
                               "cause (default: 60)")
                    ->type_name("SECS"),
                k_max_timeout_seconds);
  add_color_option(cmd);
  cmd.footer(
      "The page: GET / is a page to search and ask in a browser (no CDN, no script from elsewhere).\n"
      "Routes: GET /healthz, /readyz, /metrics, /openapi.json; the page at /; /api/v1/: POST search (k up to\n"
      "100), POST ask (server-sent events; GET ask/ANSWER/events resumes after Last-Event-ID), GET chat/ws\n"
      "(WebSocket chat), GET collections, GET|POST collections/C/documents, GET|DELETE\n"
      "collections/C/documents/SOURCE, POST collections/C/web (a crawl is a job), POST collections/C/embed (a\n"
      "job); jobs: GET jobs, GET|DELETE jobs/ID, GET jobs/ID/events (202 answers give their Location);\n"
      "OpenAI's API under /v1/: GET models, POST chat/completions (model strata/COLLECTION), POST embeddings;\n"
      "POST|DELETE /mcp: MCP over Streamable HTTP (strata mcp's tools and resources).\n"
      "Examples:\n"
      "  strata serve\n"
      "  strata serve --listen 127.0.0.1:0 --store ~/notes/.strata/store.db --collection notes\n"
      "  curl -s localhost:8765/api/v1/search -H 'Content-Type: application/json' -d '{\"query\": \"roll back\"}'\n"
      "  strata serve --model llama3.1 --base-url http://localhost:11434/v1\n"
      "  curl -s localhost:8765/api/v1/search -H \"Authorization: Bearer $KEY\" -H 'Content-Type: application/json' -d '{\"query\": \"rollback\"}'\n"
      "Keys: once the store holds one (strata keys create), every request but /healthz, /readyz and\n"
      "/openapi.json needs Authorization: Bearer KEY (401, 403, 429 with Retry-After).\n"
      "Sign-on: with --jwt-issuer and --jwt-audience, a bearer token of that issuer (RS256, ES256, EdDSA) is\n"
      "accepted too, its scope and collections from its claims.\n"
      "Browsers: every request's Host must name the server (IP addresses, localhost, --allowed-host,\n"
      "--public-url; else 400); a POST, PUT, PATCH or DELETE body must be JSON (415) and come from the\n"
      "server's own page or a --cors-origin (else 403).\n"
      "Exit: 0 after SIGTERM or SIGINT (requests in flight finished), 2 usage (a bad setting, a non-loopback\n"
      "address without keys, a CORS origin or TLS file that cannot be used), 7 when the address cannot be bound.\n"
      "No store at --store yet: the server starts, warns, and is not ready (/readyz 503) until one is made there");
  return [o](const RunContext&) { return run_serve(*o); };
}

}  // namespace strata::cli
