#include "serve/openai_routes.h"

#include <chrono>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <utility>

#include "common/error.h"
#include "common/json_limits.h"
#include "common/text.h"
#include "openai/chat.h"
#include "openai/embeddings.h"
#include "openai/models.h"
#include "serve/arguments.h"
#include "serve/gate.h"
#include "serve/store_turn.h"
#include "service/ask.h"
#include "service/call_scope.h"
#include "service/documents.h"
#include "store/collections.h"

namespace strata::serve {

using nlohmann::json;

namespace {

// A failure's ApiError, its own message to the server's log when the client is not given it
// (a server error: openai::api_error keeps its text from the client).
openai::ApiError failure(const OpenAiContext& context, std::string_view route, const Error& e) {
  openai::ApiError error = openai::api_error(e);
  if (error.status >= 500 && context.options->log_error) context.options->log_error(std::string(route), e.what());
  return error;
}

openai::ApiError internal(const OpenAiContext& context, std::string_view route, const std::exception& e) {
  if (context.options->log_error) context.options->log_error(std::string(route), e.what());
  return openai::ApiError{.status = 500, .type = "server_error", .message = "strata failed to answer; the server's log says why",
                          .param = std::nullopt, .code = std::nullopt};
}

// The body as JSON, or OpenAI's 400 for one that is not (bounded in depth as every body is).
std::optional<json> body_of(const http::Request& request, openai::ApiError& error) {
  const ParsedJson parsed = parse_json_within(request.body, JsonLimits{.max_depth = 64, .max_bytes = request.body.size()});
  if (parsed.ok()) return parsed.value;
  error = openai::invalid_request("We could not parse the JSON body of your request: it is " + parsed.message, std::nullopt);
  return std::nullopt;
}

// A collection the caller may read and that exists (a name that is no collection's is neither),
// by the session's lookup with the caller's reach (service::CallScope).
std::optional<store::CollectionInfo> readable(const OpenAiContext& context, const std::string& collection) {
  return context.session->reachable(auth::Scope::read, collection);
}

// A request with Cache-Control: no-cache (or no-store) asks for a new answer: the answer cache
// is not read even at temperature 0 (RFC 9111 5.2.1.4: a stored response is not used without
// asking the origin, here the model). A chat UI's Regenerate sends it; the answer is stored anyway.
bool new_answer_asked(const http::Request& request) {
  const std::string* value = request.header("cache-control");
  if (value == nullptr) return false;
  for (const std::string& directive : split(to_lower(*value), ',')) {
    const std::string_view d = trim(directive);
    if (d == "no-cache" || d == "no-store") return true;
  }
  return false;
}

http::Response ok(const json& value) { return http::Response::json(200, json_text(value)); }

// The streamed answer: SSE frames as openai::stream_chat_completion makes them, each handed to
// the connection; a write that fails (the client went away) cancels the model's request.
// A key revoked (or expired) while its answer streams ends the stream at the next frame, with
// an error event (gate.h: the key is asked again every few seconds).
bool spends_tokens(const OpenAiContext& context) { return serve::spends_tokens(context.options->provider); }

// An answer's outcome, and what its model spent for the caller's key, in /metrics.
void count_answer(const OpenAiContext& context, AnswerOutcome outcome, bool stream) {
  if (context.answers != nullptr) context.answers->answer(outcome, stream);
}
void count_tokens(const OpenAiContext& context, const Caller& caller, const ask::AskResult& result) {
  if (context.answers != nullptr && spends_tokens(context)) context.answers->model_tokens(caller.name(), result);
}


http::Response streamed(const OpenAiContext& context, openai::ChatRequest chat, Caller caller) {
  http::Response response;
  response.status = 200;
  response.set_header("Content-Type", "text/event-stream; charset=utf-8");
  response.set_header("Cache-Control", "no-cache");
  response.set_header("X-Accel-Buffering", "no");  // a proxy in front passes each event on at once
  auto request = std::make_shared<const openai::ChatRequest>(std::move(chat));
  response.stream = [context, request, caller = std::move(caller), completion = openai::new_completion()](http::ChunkWriter& writer) {
    // The worker's store is this stream's only while it searches, logs or re-checks its key: it
    // is lent back to the worker while the model is waited for and while a frame is written.
    StoreTurn turn(context.store_turn);
    bool revoked = false;
    // The session's reach is this stream's caller's while the stream holds it (the handler's
    // scope ended when it returned).
    std::optional<service::CallScope> scope;
    const auto hold = [&] {
      turn.hold();
      scope.emplace(*context.session, caller);
    };
    const auto release = [&] {
      scope.reset();
      turn.release();
    };
    // The key's re-check asks the store: a frame waits for the worker's turn only when the
    // last check is older than the gate's interval; else, with the worker busy, it goes on.
    auto checked = std::chrono::steady_clock::now();
    const openai::Sink sink = [&writer, &caller, &revoked, &turn, &checked](std::string_view frame) {
      const StoreLentOut lent(turn);
      const auto now = std::chrono::steady_clock::now();
      if (turn.try_hold() || now - checked >= Gate::k_stream_recheck) {
        turn.hold();
        checked = now;
        const bool live = still_live(caller);
        turn.release();
        if (!live) {
          revoked = true;
          return false;
        }
      }
      return writer.write(frame);
    };
    std::optional<openai::ApiError> error;
    try {
      openai::ChatRequest lent_request = *request;
      lent_request.ask.store_loan = {release, hold};
      hold();
      const std::optional<ask::AskResult> result =
          openai::stream_chat_completion(*context.session, lent_request, context.options->provider, sink, completion);
      release();
      // What the model spent, the answer cut short by a client that left included.
      if (result && caller.spend_tokens && spends_tokens(context)) caller.spend_tokens(openai::total_tokens(*result));
      if (result) count_tokens(context, caller, *result);
      count_answer(context, revoked || writer.cancelled() || !result ? AnswerOutcome::cancelled : outcome_of(*result), true);
    } catch (const Error& e) {
      // Before the first frame: the status is sent already, so the error is the stream's one event.
      error = failure(context, "/v1/chat/completions", e);
      count_answer(context, outcome_of_status(error->status), true);
    } catch (const std::exception& e) {
      error = internal(context, "/v1/chat/completions", e);
      count_answer(context, AnswerOutcome::failed, true);
    }
    if (revoked) {
      error = openai::ApiError{.status = 401, .type = "invalid_request_error",
                               .message = "the API key was revoked or has expired", .param = std::nullopt,
                               .code = "invalid_api_key"};
      writer.write("data: " + json_text(openai::to_json(*error)) + "\n\n");
    } else if (error) {
      sink("data: " + json_text(openai::to_json(*error)) + "\n\n");
    }
  };
  return response;
}

}  // namespace

bool spends_tokens(const ask::ResolvedProvider& provider) { return provider.kind != ask::ProviderKind::none; }

void set_token_headers(http::Response& r, const auth::RateDecision& d) {
  r.set_header("x-ratelimit-limit-tokens", std::to_string(d.limit));
  r.set_header("x-ratelimit-remaining-tokens", std::to_string(d.remaining));
  r.set_header("x-ratelimit-reset-tokens", auth::reset_text(d.reset_seconds));
}

http::Response tokens_refused(const auth::RateDecision& d, ErrorStyle style) {
  const std::string message = "this API key's token limit (" + std::to_string(d.limit) +
                              " tokens per minute) is reached; try again in " + std::to_string(d.retry_after_seconds) + " s";
  http::Response r = style == ErrorStyle::openai
                         ? openai_error_response(openai::ApiError{.status = 429, .type = "rate_limit_error", .message = message,
                                                                  .param = std::nullopt, .code = "rate_limit_exceeded"})
                         : http::Response::json(429, http::detail_json(message));
  set_token_headers(r, d);
  r.set_header("Retry-After", std::to_string(d.retry_after_seconds));
  return r;
}

http::Response openai_error_response(const openai::ApiError& error) {
  return http::Response::json(error.status, json_text(openai::to_json(error)));
}

std::string server_error_body(int status, std::string_view message, std::string_view path) {
  if (path != "/v1" && !path.starts_with("/v1/")) return http::detail_json(message);
  openai::ApiError e;
  e.status = status;
  e.type = status >= 500 ? "server_error" : "invalid_request_error";
  e.message = std::string(message);
  if (status == 404) {
    e.message = "Unknown request URL: " + std::string(path);
    e.code = "unknown_url";
  }
  return json_text(openai::to_json(e));
}

http::Response list_models(const OpenAiContext& context, const http::Request& /*request*/, const Call& /*call: its reach is the session's*/) {
  try {
    // The collections the caller may read (the session's, with its reach).
    return ok(openai::models_json(context.session->collections()));
  } catch (const Error& e) {
    return openai_error_response(failure(context, "/v1/models", e));
  } catch (const std::exception& e) {
    return openai_error_response(internal(context, "/v1/models", e));
  }
}

http::Response retrieve_model(const OpenAiContext& context, const http::Request& request, const Call& /*call*/) {
  const auto it = request.params.find("model");
  const std::string model = it == request.params.end() ? std::string() : it->second;
  try {
    const std::optional<std::string> collection = openai::collection_of(model);
    if (collection) {
      if (const std::optional<store::CollectionInfo> info = readable(context, *collection)) return ok(openai::model_json(*info));
    }
    return openai_error_response(openai::model_not_found(model));
  } catch (const Error& e) {
    return openai_error_response(failure(context, "/v1/models/{model...}", e));
  } catch (const std::exception& e) {
    return openai_error_response(internal(context, "/v1/models/{model...}", e));
  }
}

http::Response chat_completions(const OpenAiContext& context, const http::Request& request, const Call& call) {
  constexpr std::string_view route = "/v1/chat/completions";
  try {
    openai::ApiError error;
    const std::optional<json> body = body_of(request, error);
    if (!body) {
      count_answer(context, outcome_of_status(error.status), false);
      return openai_error_response(error);
    }
    ask::AskRequest base = context.options->ask;
    // A key's asks are its own (its conversations, its log rows); without keys, the server's.
    if (call.caller.principal) base.principal = *call.caller.principal;
    const auto allowed = [&](const std::string& c) { return readable(context, c).has_value(); };
    openai::Read<openai::ChatRequest> read = openai::read_chat_request(*body, std::move(base), allowed);
    if (!read) {
      count_answer(context, outcome_of_status(read.error->status), false);
      return openai_error_response(*read.error);
    }
    if (new_answer_asked(request)) read.value->ask.use_cache = false;
    // A key's token limit counts the upstream model's tokens: it is checked before the model is
    // called (a key in debt waits), and charged with what the answer used.
    const bool charged = call.caller.check_tokens && spends_tokens(context);
    std::optional<auth::RateDecision> tokens;
    if (charged) {
      tokens = call.caller.check_tokens();
      if (!tokens->allowed) {
        count_answer(context, AnswerOutcome::refused, read.value->stream);
        return tokens_refused(*tokens, ErrorStyle::openai);
      }
    }
    if (read.value->stream) {
      http::Response r = streamed(context, std::move(*read.value), call.caller);
      if (tokens) set_token_headers(r, *tokens);
      return r;
    }
    const ask::AskResult result =
        service::answer(*context.session, read.value->ask, context.options->provider, [](std::string_view) {});
    http::Response r = ok(openai::chat_completion_json(result, *read.value, openai::new_completion()));
    if (charged) set_token_headers(r, call.caller.spend_tokens(openai::total_tokens(result)));
    count_tokens(context, call.caller, result);
    count_answer(context, outcome_of(result), false);
    return r;
  } catch (const Error& e) {
    const openai::ApiError error = failure(context, route, e);
    count_answer(context, outcome_of_status(error.status), false);
    return openai_error_response(error);
  } catch (const std::exception& e) {
    count_answer(context, AnswerOutcome::failed, false);
    return openai_error_response(internal(context, route, e));
  }
}

http::Response create_embeddings(const OpenAiContext& context, const http::Request& request, const Call& /*call*/) {
  constexpr std::string_view route = "/v1/embeddings";
  try {
    openai::ApiError error;
    const std::optional<json> body = body_of(request, error);
    if (!body) return openai_error_response(error);
    const auto allowed = [&](const std::string& c) { return readable(context, c).has_value(); };
    const openai::Read<openai::EmbeddingsRequest> read = openai::read_embeddings_request(*body, allowed);
    if (!read) return openai_error_response(*read.error);
    const openai::Read<openai::Embeddings> embedded = openai::embed_inputs(context.session->store(), *read.value, context.options->embed);
    if (!embedded) return openai_error_response(*embedded.error);
    return ok(openai::embeddings_json(*embedded.value, *read.value));
  } catch (const Error& e) {
    return openai_error_response(failure(context, route, e));
  } catch (const std::exception& e) {
    return openai_error_response(internal(context, route, e));
  }
}

}  // namespace strata::serve
