#pragma once
// One chat completion over HTTP, streamed: core/net/http_client's body callback feeds
// core/llm/sse_parser, whose events core/llm/chat_stream decodes into text deltas that reach
// the caller as they arrive.
//
// Retries: a failure before any text reached the caller (connect/timeout/reset, 408/409/429,
// 5xx, an overloaded or server error inside the stream, a stream cut before its first text)
// is tried again after the embed retry schedule (exponential backoff with jitter, or the
// server's Retry-After / retry-after-ms). Once text has been handed out, nothing is retried:
// the caller has printed it, and a second answer would not continue the first. A stream that
// breaks after that returns what arrived with `partial` set and the reason in `error`.
//
// Bounded: one answer brings at most answer_cap() bytes of text (the request's max_tokens at 16
// bytes a token and 1 KiB more, and never more than ChatClientOptions::max_answer_bytes): past
// it, reading stops, the text is cut there (at a character's boundary) and the answer ends as a
// model's would at its output limit, finish_reason "length" ("max_tokens" for Anthropic), neither
// partial nor an error. A server that ignores max_tokens, or streams without end, cannot make a
// caller hold, print or store more.
//
// Errors: ChatError (key_rejected and context_too_long among them, in our own words; never
// the key), thrown when no text was handed out. Messages never contain the API key.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llm/chat_stream.h"
#include "net/retry_policy.h"

namespace strata::llm {

struct ChatEndpoint {
  Provider provider = Provider::openai;
  // openai: the URL up to /chat/completions ("https://api.openai.com/v1",
  // "http://localhost:11434/v1"). anthropic: "https://api.anthropic.com", with or without /v1.
  std::string base_url;
  std::string api_key;      // "" = none sent (local servers)
  std::string api_key_env;  // the variable it came from, for hints
};

// The URL a request for `endpoint` is posted to.
std::string chat_url(const ChatEndpoint& endpoint);

// The most answer text strata takes from a model for one answer, whatever the request's max_tokens
// (256 KiB: about 64,000 tokens of English, more than any model is asked to write as one answer
// from a few passages).
inline constexpr std::size_t k_max_answer_bytes = std::size_t{256} << 10;

// The bytes of text one answer may bring for `max_tokens` (unset: the server bound alone): a token
// is about four bytes of text and rarely more than sixteen.
std::size_t answer_cap(const std::optional<std::uint64_t>& max_tokens, std::size_t max_answer_bytes = k_max_answer_bytes);

struct ChatClientOptions {
  // Default: 4 retries, 500 ms doubling to at most 8 s, a server may ask for up to 60 s:
  // someone is waiting at a terminal.
  net::RetryPolicy retry{4, std::chrono::milliseconds(500), std::chrono::milliseconds(8'000),
                           std::chrono::milliseconds(60'000)};
  std::chrono::milliseconds connect_timeout{10'000};  // Default: 10 s.
  // A stream silent this long, or bringing no complete event for this long (a server dripping
  // bytes), is given up (between tokens or before the first). Default: 120 s, since a local
  // model may think that long over a long prompt before its first token.
  std::chrono::seconds idle_timeout{120};
  // When set and true (the user pressed Ctrl-C), the request stops within about a second and is
  // not retried; text already handed out comes back as a partial result, `interrupted`.
  const std::atomic<bool>* cancel = nullptr;
  // The server bound of answer_cap(); tests lower it.
  std::size_t max_answer_bytes = k_max_answer_bytes;
};

// Told about each piece of the answer and each retry. Called on the caller's thread.
class ChatObserver {
 public:
  virtual ~ChatObserver() = default;
  // The next piece of the answer (non-empty, as the model wrote it: unsanitised).
  virtual void text(std::string_view delta) = 0;
  virtual void retrying(const std::string& /*why*/, std::chrono::milliseconds /*wait*/) {}
};

struct ChatResult {
  std::string text;
  Usage usage;
  std::string model;  // as the server named it ("" when it did not say)
  std::optional<std::string> finish_reason;
  std::vector<ToolCall> tool_calls;  // the calls the model asked for (a complete response only)
  int attempts = 0;
  double latency_ms = 0;      // the last attempt: request sent to last byte
  double first_text_ms = 0;   // the last attempt: request sent to first text (0: none)
  // The stream broke after text was handed out: `text` is what arrived, `error` why it ended.
  bool partial = false;
  bool interrupted = false;  // partial because ChatClientOptions::cancel was set
  std::optional<ChatError> error;
};

class ChatClient {
 public:
  ChatClient(ChatEndpoint endpoint, ChatClientOptions options = {});
  ~ChatClient();
  ChatClient(const ChatClient&) = delete;
  ChatClient& operator=(const ChatClient&) = delete;

  const ChatEndpoint& endpoint() const { return endpoint_; }
  const std::string& url() const { return url_; }

  // Sends `request` (streamed when request.stream; a whole response otherwise, handed to the
  // observer as one piece). Throws ChatError as described above.
  // A traced request's span (common/trace.h) covers the call, and its traceparent goes upstream.
  ChatResult complete(const ChatRequest& request, ChatObserver& observer);

 private:
  ChatResult attempts(const ChatRequest& request, ChatObserver& observer, net::Request http_request);
  struct Impl;
  ChatEndpoint endpoint_;
  ChatClientOptions options_;
  std::string url_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::llm
