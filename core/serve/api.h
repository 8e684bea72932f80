#pragma once
// `strata serve`'s routes: health, readiness, metrics, the OpenAPI document, strata's own API
// under /api/v1/ (search, collections, a collection's documents, read, ingest, remove),
// OpenAI's under /v1/ (models, chat completions, embeddings: openai_routes.h) and MCP over
// Streamable HTTP at /mcp (mcp/http_route.h),
// each over a core/service operation, so that a request over HTTP is checked, limited and
// answered as the same request from MCP or the CLI. The route table (api.cpp, k_routes) is data:
// the router's rows and the OpenAPI document are both made from it, and each route's schemas
// are the service's descriptions (service::json_schema), never written by hand.
//
// Each worker thread of the server has its own store connection and searcher (SQLite and libpq
// connections are not shared across threads), opened on its first request and again after a
// server's connection was lost. A store that cannot be opened is 503 on the store's routes and
// on /readyz; /healthz answers whatever the store does.
//
// Who may call what: each route's row names the key it needs and its error style; the gate
// (gate.h) checks them before the operation runs, and the operation checks the collection.
//
// Errors: a request that breaks the operation's rules is 422 in FastAPI's shape, {"detail":
// [{"loc": ["body", "k"], "msg": ..., "type": ...}]}, naming the field; a body that is not JSON
// is 400; no such collection or document is 404; a store that cannot answer is 503. Messages go
// in bodies only, never in headers.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http/metrics.h"
#include "http/router.h"
#include "ingest/ingest.h"
#include "search/searcher.h"
#include "serve/gate.h"
#include "serve/sign_on.h"
#include "serve/jobs.h"
#include "serve/openai_routes.h"
#include "mcp/http_route.h"
#include "store/store.h"

namespace strata::serve {

struct ApiOptions {
  std::string store_path;
  store::OpenOptions open;
  std::string collection = "default";  // a request that names none uses it
  // Search's defaults that the server owns (the embedding server, the reranker, the vector
  // weight); each request sets its query, collection, k, mode and filters.
  search::SearchRequest search;
  // Ingest's: the store, its options, chunking from the configuration. Its inputs are replaced
  // by each request's one document.
  ingest::IngestRequest ingest;
  // The OpenAI-compatible API's: the chat's model and ask settings, the embedding server's.
  OpenAiOptions openai;
  std::size_t workers = 4;  // the server's worker threads: one store handle each
  std::string version;      // the OpenAPI document's info.version
  // Set: every request to a keyed route needs a key whatever the store holds (a server on a
  // non-loopback address); unset, keys apply once the store holds a live one (serve/gate.h).
  bool keys_required = false;
  // What the store said of keys at start, before the first connection (gate.h).
  KeysAtStart keys_at_start = KeysAtStart::none;
  // Who may reach the server from a browser: Host names, CORS origins, its public URL
  // (origin_rules.h), on every route.
  OriginRules origins;
  mcp::McpHttpOptions mcp;  // MCP over Streamable HTTP at /mcp (mcp/http_route.h)
  // POST .../web fetches and crawls for a caller with a write key only when the operator
  // started the server allowing it (--allow-crawl): the requests leave from the server's
  // network. What they may reach (ingest.web: --allow-private) is the operator's alone too.
  bool allow_web = false;
  // Background jobs (jobs.h): a crawl, an embed. The pool runs in this process unless
  // run_jobs is false (a test that looks at the queue alone).
  JobBounds jobs;
  bool run_jobs = true;
  // /readyz is 503 until the approximate vector index of every collection large enough for one
  // (search.ann) is built, their builds started at start (strata serve --ready-when-indexed).
  bool ready_when_indexed = false;
  // Set: bearer tokens from the team's identity provider are accepted beside the store's API
  // keys (sign_on.h), and keys apply from the first request.
  std::shared_ptr<SignOn> sign_on;
};

class Api {
 public:
  // `metrics` is the server's (GET /metrics publishes it); both outlive the router's handlers.
  Api(ApiOptions options, const http::Metrics& metrics);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // The routes, whose handlers refer to this Api.
  http::Router router();
  // The OpenAPI 3.1 document of every route.
  nlohmann::json openapi() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::serve
