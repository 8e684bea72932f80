#pragma once
// `strata serve`'s OpenAI-compatible API under /v1/, so that OpenAI's SDKs, LangChain and chat
// UIs work unchanged with base_url http://HOST:PORT/v1: each collection the caller may read is
// the model "strata/<collection>" (GET /v1/models, /v1/models/{model}); a chat completion is an
// ask of that collection, whole or streamed as server-sent events (POST /v1/chat/completions);
// texts are embedded as a collection's vectors were, or by a built-in model (POST
// /v1/embeddings). The handlers are core/openai's pure functions over the store; this file adds
// only HTTP: bodies read, statuses, the stream's writer. What the OpenAPI document shows of
// these routes' requests and results is core/openai's too (openai/shapes.h).
//
// Every error of these routes is OpenAI's shape, {"error": {"message", "type", "param",
// "code"}} with its status (openai::api_error), never FastAPI's: an SDK raises its own error
// class from it (NotFoundError, BadRequestError). A failure of the server's own (a store or a
// server it cannot reach) says so in a fixed message; its text, which may name a path or a URL,
// goes to the server's log only (OpenAiOptions::log_error).
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "ask/ask.h"
#include "auth/rate_limiter.h"
#include "embed/settings.h"
#include "http/message.h"
#include "openai/api_error.h"
#include "serve/answer_metrics.h"
#include "serve/caller.h"
#include "serve/gate.h"
#include "service/session.h"
#include "store/store.h"

namespace strata::serve {

struct OpenAiOptions {
  // What each chat's ask starts from (the door's part: retrieval settings, the prompt's
  // settings, logging, the principal of a caller without a key's); the request sets the rest.
  ask::AskRequest ask;
  // The model that writes the answer (--model, --base-url, the configuration); none: the
  // offline answer, extractive, abstaining when the documents do not answer.
  ask::ResolvedProvider provider;
  embed::EmbedSettings embed;  // the embedding server's settings, for a collection embedded by one
  // The server's log for a failure's own message (route, message); unset: not logged.
  std::function<void(const std::string& route, const std::string& message)> log_error;
};

// What a /v1 handler runs with: the worker's session (service/session.h: its store, opened on
// first use, its searcher, the reach of the caller whose request it runs, the door's bounds and
// breakers), and the server's options. A streamed response's writer runs after the handler
// returned, with copies of both: it uses the worker's session only while it holds `store_turn`
// (store_turn.h), which the worker holds while it runs a request (nullptr: the session is the
// stream's alone), with its own caller's reach.
struct OpenAiContext {
  service::Session* session = nullptr;
  const OpenAiOptions* options = nullptr;
  std::mutex* store_turn = nullptr;
  AnswerMetrics* answers = nullptr;  // /metrics' counts of answers and tokens; none when null
};

using OpenAiRoute = http::Response (*)(const OpenAiContext&, const http::Request&, const Call&);

http::Response list_models(const OpenAiContext& context, const http::Request& request, const Call& call);
http::Response retrieve_model(const OpenAiContext& context, const http::Request& request, const Call& call);
http::Response chat_completions(const OpenAiContext& context, const http::Request& request, const Call& call);
http::Response create_embeddings(const OpenAiContext& context, const http::Request& request, const Call& call);

// Whether answers with `provider` spend an upstream model's tokens (offline answers spend none).
bool spends_tokens(const ask::ResolvedProvider& provider);
// OpenAI's x-ratelimit-*-tokens headers for a key's token limit, on `r`.
void set_token_headers(http::Response& r, const auth::RateDecision& d);
// A key whose tokens are spent: 429 with Retry-After and the token headers, `body` its text.
http::Response tokens_refused(const auth::RateDecision& d, ErrorStyle style);

// The response of an OpenAI error: its status, {"error": {...}}.
http::Response openai_error_response(const openai::ApiError& error);

// The body of an answer the server gives itself (router.h's ErrorShape): under /v1, OpenAI's
// shape (an unknown path is 404 invalid_request_error, code unknown_url, as OpenAI answers it;
// 5xx are server_error), so that an OpenAI client reads every answer of that door; elsewhere
// {"detail": message}.
std::string server_error_body(int status, std::string_view message, std::string_view path);

}  // namespace strata::serve
