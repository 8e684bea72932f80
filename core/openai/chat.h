#pragma once
// POST /v1/chat/completions over the ask operation (service/ask.h): an OpenAI chat completion
// request read into a service ask request, and the answer as OpenAI's chat.completion object or
// as its stream of chat.completion.chunk events (server-sent events ending "data: [DONE]").
//
// The messages: the last is the question and must be the user's; the user and assistant turns
// before it are the history (a follow-up, as in `strata chat`). System and developer messages are
// the client's words, not strata's: they never reach the model's system prompt (where they
// could unsay strata's rules: answer from the sources, treat them as data, cite them), but are
// kept as the request's context (ask::AskRequest::user_context: sanitised, fenced in the user
// message, never a source, bounded as piped text is). Tool messages, images and audio are
// refused: strata answers from its documents and runs no tools of the client's.
//
// Every other field of OpenAI's request is honoured, ignored (it tunes sampling or bookkeeping,
// and an answer without it is still the answer asked for) or refused (strata cannot do what it
// asks, and a client must not believe it did): see k_chat_request_fields in shapes.h, the table
// the OpenAPI document's schema is made from too. A field OpenAI does not know is refused, as
// OpenAI refuses it.
#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "ask/ask.h"
#include "openai/api_error.h"
#include "service/session.h"
#include "store/store.h"

namespace strata::openai {

// A collection is the model "strata/<collection>".
inline constexpr std::string_view k_model_prefix = "strata/";
std::string model_id(std::string_view collection);
// The collection a model names, or nullopt ("gpt-4o", "strata/").
std::optional<std::string> collection_of(std::string_view model);

// Whether the caller may use a collection that exists (an API key's collections); false and a
// collection that does not exist are the same 404 model_not_found.
using CollectionAllowed = std::function<bool(const std::string& collection)>;

// Messages a request may hold in all (the history's own bounds, service::k_history_turns_max and
// k_history_bytes_max, apply to its user and assistant turns).
inline constexpr std::size_t k_messages_max = 256;

struct ChatRequest {
  std::string model;  // as the client named it: the response says the same
  ask::AskRequest ask;
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage: a usage chunk before [DONE]
};

// `body` read over `base` (what the server owns: the principal, logging, the provider's
// settings; see service::ask_request). Refusals name the field: 400 invalid_request_error
// (param "messages[1].content[0].type", code unsupported_parameter for a feature strata has
// not, unknown_parameter for a field OpenAI has not), 404 model_not_found.
Read<ChatRequest> read_chat_request(const nlohmann::json& body, ask::AskRequest base, const CollectionAllowed& allowed);

// A response's id ("chatcmpl-" and 24 random hex digits) and creation time (Unix seconds),
// shared by every chunk of a stream.
struct Completion {
  std::string id;
  std::int64_t created = 0;
};
Completion new_completion();

// "length" when the model stopped at max_tokens, "content_filter" when its server filtered it,
// else "stop".
std::string finish_reason(const ask::AskResult& result);
// {prompt_tokens, completion_tokens, total_tokens}: the model server's counts; the offline
// answer's (and a server's that sends none) counted with cl100k_base.
nlohmann::json usage_json(const ask::AskResult& result);
// usage_json's total_tokens: what a key's token limit is charged.
std::int64_t total_tokens(const ask::AskResult& result);

// The chat.completion object, with the answer's sources (service::sources_json) as "sources".
nlohmann::json chat_completion_json(const ask::AskResult& result, const ChatRequest& request, const Completion& completion);

// Where a stream's frames go, in order; false: the client went away (nothing more is written,
// and the answer is cancelled).
using Sink = std::function<bool(std::string_view frame)>;

// ask's events as SSE frames ("data: {chat.completion.chunk}\n\n"): a first chunk with
// delta.role, one per piece of the answer with delta.content, a last one with finish_reason and
// "sources", a usage chunk when include_usage, then "data: [DONE]\n\n". An answer cut off by
// its model server ends with an error frame ("data: {\"error\": ...}\n\n", which OpenAI's SDKs
// raise) instead. Nothing is written before the first piece of the answer (or its end), so that
// a failure before it can still be an HTTP error status.
class ChatStream final : public ask::AskObserver {
 public:
  ChatStream(Sink sink, const ChatRequest& request, Completion completion);
  void text(std::string_view delta) override;
  void answered(const ask::AskResult& result) override;
  // After the stream started: an error frame (the failure's ApiError) ends it.
  void fail(const ApiError& error);
  bool started() const { return started_; }
  bool client_gone() const { return gone_; }
  // Set when the sink returns false: ask::AskRequest::cancel (the model's request is dropped, as
  // Ctrl-C drops it for `strata ask`).
  const std::atomic<bool>* cancel_flag() const { return &cancel_; }

 private:
  bool write(const nlohmann::json& payload);
  bool write_frame(std::string_view frame);
  nlohmann::json chunk(nlohmann::json delta, const nlohmann::json& finish) const;
  void start();

  Sink sink_;
  std::string model_;
  bool include_usage_;
  Completion completion_;
  bool started_ = false;
  bool gone_ = false;
  bool ended_ = false;
  std::atomic<bool> cancel_{false};
};

// Answers `request` on the caller's `session` (its reach, bounds and breakers) as a stream into
// `sink` (service::answer with a ChatStream; the request's cancel flag is the stream's). Returns
// the result (result.interrupted: the client went away), or nullopt when a failure after the
// stream started was written as an error frame. Throws Error, as ask does, when it fails before
// anything was written: the caller answers with api_error's status. `sink` may be called on
// this thread only.
std::optional<ask::AskResult> stream_chat_completion(service::Session& session, const ChatRequest& request,
                                                     const ask::ResolvedProvider& provider, const Sink& sink,
                                                     const Completion& completion);

}  // namespace strata::openai
