#pragma once
// The wire formats of `strata ask`'s two provider families, without any I/O:
//   openai     POST {base}/v1/chat/completions: OpenAI, Ollama, llama.cpp server, vLLM, LM Studio
//   anthropic  POST {base}/v1/messages: Anthropic's Messages API
// Request bodies, streamed events (after core/llm/sse_parser) into text deltas, whole
// (non-streaming) responses, and HTTP error bodies into errors a user can act on.
//
// Error messages never contain an API key: a 401/403 is reported in our own words only, and any
// text quoted from a server passes through the key redaction of core/llm/redact and a control-
// character filter first, and is cut to 300 bytes.
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "llm/sse_parser.h"

namespace strata::llm {

enum class Provider { openai, anthropic };

// A tool the model may call: its name, what it does and its arguments' JSON Schema (JSON text).
struct ToolSpec {
  std::string name;
  std::string description;
  std::string input_schema;  // a JSON object, as text
};

// A call the model asked for. `arguments` is the JSON text the model wrote: it may be malformed,
// and the caller answers that with an error result rather than failing the exchange.
struct ToolCall {
  std::string id;    // the provider's id, echoed in the result ("" when the server gave none)
  std::string name;
  std::string arguments;
  bool operator==(const ToolCall&) const = default;
};

struct ChatMessage {
  enum class Role { user, assistant, tool };
  ChatMessage() = default;
  ChatMessage(Role r, std::string text) : role(r), content(std::move(text)) {}
  Role role = Role::user;
  std::string content;
  std::vector<ToolCall> tool_calls;  // assistant: the calls it asked for (content may be empty)
  std::string tool_call_id;          // tool: the call this result answers
  bool is_error = false;             // tool: the call failed (Anthropic's is_error)
};

struct ChatRequest {
  std::string model;
  std::string system;                 // "" = none
  std::vector<ChatMessage> messages;  // the conversation so far, ending with the user's turn
  std::optional<double> temperature;  // unset: the server's default
  std::optional<std::uint64_t> max_tokens;  // unset: the server's default (openai) or 4096
                                            // (anthropic, where the field is required)
  bool stream = true;  // openai streams also ask for usage (stream_options.include_usage)
  std::vector<ToolSpec> tools;  // none: no tools are offered
  bool forbid_tools = false;    // the tools stay declared but the model must answer (tool_choice none)
};

// Limits on what one response may ask for: past them the response is `malformed`, so a model or
// server cannot make strata hold an unbounded list.
inline constexpr std::size_t k_max_tool_calls = 32;
inline constexpr std::size_t k_max_tool_arguments = 1 << 20;

// The JSON body for `request`. Invalid UTF-8 in any text is sent as U+FFFD.
std::string chat_request_body(Provider provider, const ChatRequest& request);

struct Usage {
  std::optional<std::uint64_t> input_tokens;   // prompt tokens
  std::optional<std::uint64_t> output_tokens;  // completion tokens
  bool operator==(const Usage&) const = default;
};

// Why a call failed, for the caller's retry decision and the user's next step.
enum class ChatErrorKind {
  key_rejected,      // 401/403: the key is missing, wrong or lacks access (usage)
  context_too_long,  // the prompt does not fit the model's window (usage)
  not_found,         // 404: wrong model name or base URL (usage)
  bad_request,       // another 4xx (usage)
  rate_limited,      // 429 (unavailable; retryable)
  server,            // 5xx, 529, an overloaded or server error inside a stream (unavailable; retryable)
  malformed,         // a body or event that is not the expected JSON (unavailable)
  misdirected,       // a redirect, or a certificate that is not trusted: another try cannot help (unavailable)
};

class ChatError : public Error {
 public:
  ChatError(ChatErrorKind kind, ExitCode code, std::string message, std::string hint = {})
      : Error(code, std::move(message), std::move(hint)), kind_(kind) {}
  ChatErrorKind kind() const noexcept { return kind_; }
  // Worth another attempt (before any output was streamed): rate limits and server errors.
  bool retryable() const noexcept {
    return kind_ == ChatErrorKind::rate_limited || kind_ == ChatErrorKind::server;
  }

 private:
  ChatErrorKind kind_;
};

// The error for a response with a non-2xx `status` and its `body` (any shape: OpenAI's
// {"error":{...}}, Anthropic's {"type":"error","error":{...}}, vLLM's top-level message,
// llama.cpp's exceed_context_size_error, plain text).
ChatError chat_http_error(Provider provider, long status, std::string_view body);

// What one streamed event adds to the answer.
struct ChatDelta {
  std::string text;                          // may be empty (role, ping, usage-only events)
  std::optional<std::string> finish_reason;  // set on the event that carries it
};

// Decodes a provider's event stream, one SSE event at a time, keeping the totals.
class ChatStreamDecoder {
 public:
  explicit ChatStreamDecoder(Provider provider) : provider_(provider) {}

  // Throws ChatError: `malformed` for an event that is not the expected JSON; for an error
  // object inside the stream (OpenAI {"error":...} after HTTP 200, Anthropic `event: error`),
  // the kind its type and message indicate (overloaded/server errors are `server`).
  ChatDelta decode(const SseEvent& event);

  // The stream said it is complete: [DONE] or a finish_reason (openai), message_stop or a
  // stop_reason (anthropic). A stream that ends before this was cut.
  bool finished() const { return finished_; }
  const std::string& text() const { return text_; }  // all text so far
  const Usage& usage() const { return usage_; }
  const std::optional<std::string>& finish_reason() const { return finish_reason_; }
  const std::string& model() const { return model_; }  // as the server names it, once seen
  // The tool calls the stream has asked for so far, in the order they began.
  const std::vector<ToolCall>& tool_calls() const { return tool_calls_; }

 private:
  ToolCall& tool_call_at(std::int64_t index);
  void decode_openai_tool_piece(const nlohmann::json& piece);
  ChatDelta decode_openai(const SseEvent& event);
  ChatDelta decode_anthropic(const SseEvent& event);

  Provider provider_;
  bool finished_ = false;
  std::string text_;
  Usage usage_;
  std::optional<std::string> finish_reason_;
  std::string model_;
  std::vector<ToolCall> tool_calls_;
  std::vector<std::int64_t> tool_indexes_;  // the provider's index of each of tool_calls_
};

struct ChatResponse {
  std::string text;
  std::optional<std::string> finish_reason;  // "stop"/"length" (openai), "end_turn"/"max_tokens"
  Usage usage;
  std::string model;
  std::vector<ToolCall> tool_calls;
};

// A whole non-streaming response body (HTTP 2xx). Throws ChatError: `malformed`, or the kind of
// an error object in the body.
ChatResponse parse_chat_response(Provider provider, std::string_view body);

// True for the finish reasons that mean the answer was cut by the output limit ("length",
// "max_tokens"), so the caller can say so.
bool finished_by_length(std::string_view finish_reason);

}  // namespace strata::llm
