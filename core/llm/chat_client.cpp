#include "llm/chat_client.h"

#include <algorithm>
#include <thread>
#include <vector>

#include "common/trace.h"
#include "common/clock.h"
#include "common/utf8.h"
#include "net/api_key.h"
#include "net/url_secrets.h"
#include "net/http_client.h"
#include "common/setting.h"

namespace strata::llm {
namespace {

using Clock = std::chrono::steady_clock;

std::string host_of(const std::string& url) {
  const auto scheme = url.find("://");
  const std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const std::size_t end = url.find_first_of("/?#", start);
  std::string host = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  // Never the userinfo: "user:password@" would put the password into messages.
  if (const std::size_t at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
  return host;
}

// How one attempt ended.
struct Attempt {
  ChatResult result;
  bool handed_out = false;  // text reached the observer: no retry from here on
  std::optional<ChatError> error;
  std::optional<std::chrono::milliseconds> retry_after;
  long status = 0;
  // The server went silent, or sent no text, for the whole idle limit: not tried again, so that
  // --timeout N ends a stalled answer after about N seconds, not after every retry's N more.
  bool stalled = false;
  bool interrupted = false;  // stopped by ChatClientOptions::cancel: never retried
  bool capped = false;       // the answer reached answer_cap(): reading stopped, the answer is complete
  net::FailureKind failure = net::FailureKind::none;  // how the transfer failed, if it did
};

bool cancelled(const std::atomic<bool>* cancel) { return cancel != nullptr && cancel->load(); }

ChatError transport_error(const net::Response& r, const std::string& url, const std::string& host, bool after_text) {
  std::string what = after_text ? "the answer was cut off: " : "no answer from " + host + ": ";
  switch (r.failure) {
    case net::FailureKind::refused:
      return ChatError(ChatErrorKind::server, ExitCode::unavailable, net::refused_message(url),
                       std::string(net::kRefusedHint) + " (" + mention(Setting::base_url) + ")");
    case net::FailureKind::timeout:
      what += "the server went silent (" + r.failure_message + ")";
      break;
    case net::FailureKind::too_large:
      return ChatError(ChatErrorKind::malformed, ExitCode::unavailable,
                       what + "the answer is implausibly large", "check " + mention(Setting::base_url));
    case net::FailureKind::certificate:
      return ChatError(ChatErrorKind::misdirected, ExitCode::unavailable, what + r.failure_message,
                       "the server's certificate is not trusted; a server of your own needs its CA in the system's store "
                       "(or plain http:// on localhost)");
    default:
      what += r.failure_message.empty() ? std::string(net::name_of(r.failure)) : r.failure_message;
  }
  // Only a failure to connect says anything about whether the server runs: a reset or a cut after
  // it answered is the server's (or a proxy's) doing.
  std::string hint;
  if (!after_text) {
    hint = r.failure == net::FailureKind::connect ? "check that the server at " + host + " is running (" + mention(Setting::base_url) + ")"
           : r.failure == net::FailureKind::timeout
               ? "the server may be overloaded or still loading the model; try again, or raise " + mention(Setting::timeout)
               : "the server closed the connection before the answer; try again, or see the server's log";
  }
  return ChatError(ChatErrorKind::server, ExitCode::unavailable, what, hint);
}

// A 3xx: the base URL is not the API's (strata does not follow redirects, which could take a key
// elsewhere); say where the server points, so the user can give that URL instead.
ChatError redirected(long status, const std::string& note, const std::string& host) {
  return ChatError(ChatErrorKind::misdirected, ExitCode::unavailable,
                   "no answer from " + host + ": HTTP " + std::to_string(status) + ", it " + net::redact_url(note),
                   "check " + mention(Setting::base_url) + "; strata does not follow redirects");
}

// A 2xx body that is one JSON object rather than an event stream: a server that ignored
// "stream": true. Kept only until the first event, and only so much of it.
constexpr std::size_t k_max_unstreamed = std::size_t{1} << 20;

// The finish reason a provider gives an answer its output limit ended.
std::string length_reason(Provider provider) { return provider == Provider::anthropic ? "max_tokens" : "length"; }

// Ends `result` at `cap` bytes of text (at a character's boundary), as the model's output limit
// would have: nothing after the cut is kept, tool calls included (their arguments may be cut).
void cap_answer(ChatResult& result, Provider provider, std::size_t cap) {
  result.text.resize(utf8_boundary_before(result.text, cap));
  result.finish_reason = length_reason(provider);
  result.tool_calls.clear();
}

}  // namespace

std::size_t answer_cap(const std::optional<std::uint64_t>& max_tokens, std::size_t max_answer_bytes) {
  if (!max_tokens) return max_answer_bytes;
  const std::uint64_t tokens = std::min<std::uint64_t>(*max_tokens, std::uint64_t{1} << 32);
  return std::min<std::size_t>(static_cast<std::size_t>(tokens) * 16 + 1024, max_answer_bytes);
}

std::string chat_url(const ChatEndpoint& endpoint) {
  std::string url = endpoint.base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (endpoint.provider == Provider::openai) return url + "/chat/completions";
  // Anthropic's SDKs take the base URL without /v1; accept it either way.
  const bool has_v1 = url.size() >= 3 && url.compare(url.size() - 3, 3, "/v1") == 0;
  return url + (has_v1 ? "/messages" : "/v1/messages");
}

struct ChatClient::Impl {
  net::HttpClient http;
};

ChatClient::ChatClient(ChatEndpoint endpoint, ChatClientOptions options)
    : endpoint_(std::move(endpoint)), options_(options), url_(chat_url(endpoint_)), impl_(std::make_unique<Impl>()) {}

ChatClient::~ChatClient() = default;

namespace {

net::Request base_request(const ChatEndpoint& e, const std::string& url, const ChatClientOptions& o) {
  net::Request r;
  r.url = url;
  r.headers.push_back({"Content-Type", "application/json"});
  if (e.provider == Provider::anthropic) {
    r.headers.push_back({"anthropic-version", "2023-06-01"});
    if (!e.api_key.empty()) r.headers.push_back({"x-api-key", e.api_key});
  } else if (!e.api_key.empty()) {
    r.headers.push_back({"Authorization", "Bearer " + e.api_key});
  }
  r.connect_timeout = o.connect_timeout;
  // A streamed answer may take minutes in all; what matters is that bytes keep coming.
  r.total_timeout = std::chrono::milliseconds(0);
  r.low_speed_bytes = 1;
  r.low_speed_time = o.idle_timeout;
  r.cancel = o.cancel;
  return r;
}

// Sets `a.error` when the exchange did not bring a 2xx: Ctrl-C (never retried), a transport
// failure (a timeout marks the attempt stalled), a redirect, or an error status with its
// Retry-After. True when it did.
bool exchange_failed(const net::Response& response, const net::Request& request, const ChatEndpoint& endpoint,
                     const std::string& host, Attempt& a) {
  if (response.failure == net::FailureKind::aborted && cancelled(request.cancel)) {
    a.interrupted = true;
    a.error = ChatError(ChatErrorKind::server, ExitCode::partial, "interrupted (Ctrl-C)");
  } else if (response.failure != net::FailureKind::none) {
    a.error = transport_error(response, request.url, host, a.handed_out);
    a.failure = response.failure;
    a.stalled = response.failure == net::FailureKind::timeout;
  } else if (const std::string to = response.redirect_note(); !to.empty()) {
    a.error = redirected(response.status, to, host);
  } else if (response.status < 200 || response.status >= 300) {
    a.error = chat_http_error(endpoint.provider, response.status, response.body);
    a.status = response.status;
    a.retry_after = net::retry_after_of(response, std::chrono::system_clock::now());
  }
  return a.error.has_value();
}

void take_response(ChatResponse&& whole, ChatResult& result) {
  result.text = std::move(whole.text);
  result.usage = whole.usage;
  result.model = std::move(whole.model);
  result.finish_reason = std::move(whole.finish_reason);
  result.tool_calls = std::move(whole.tool_calls);
}

Attempt attempt_streamed(net::HttpClient& http, const ChatEndpoint& endpoint, net::Request request,
                         ChatObserver& observer, const std::string& host, std::size_t cap) {
  Attempt a;
  SseParser parser;
  ChatStreamDecoder decoder(endpoint.provider);
  std::vector<SseEvent> events;
  std::string unstreamed;
  bool any_event = false;
  const auto start = Clock::now();
  // libcurl's low-speed limit gives up on silence, not on a server that drips a byte a second
  // forever, or sends events without text (empty deltas, Anthropic's pings) forever: the idle
  // timeout also counts from the last text (from the request until the first).
  auto last_text = start;
  std::size_t text_bytes = 0;
  const auto idle = request.low_speed_time;

  request.on_body = [&](std::string_view piece) {
    // Exceptions must not cross libcurl's C callback: keep the error and stop the transfer.
    try {
      if (!any_event && unstreamed.size() < k_max_unstreamed) unstreamed.append(piece);
      events.clear();
      parser.feed(piece, events);
      const auto now = Clock::now();
      for (const SseEvent& event : events) {
        any_event = true;
        const ChatDelta delta = decoder.decode(event);
        if (delta.text.empty()) continue;
        last_text = now;
        if (!a.handed_out) a.result.first_text_ms = ms_since(start);
        a.handed_out = true;
        // Past the cap: what fits is handed out, the rest never read (the transfer stops here).
        std::string_view kept = delta.text;
        if (text_bytes + kept.size() > cap) {
          kept = kept.substr(0, utf8_boundary_before(kept, cap - text_bytes));
          a.capped = true;
        }
        if (!kept.empty()) observer.text(kept);
        text_bytes += kept.size();
        if (a.capped) return false;
      }
      if (now - last_text > idle) {
        a.stalled = true;
        a.error = ChatError(ChatErrorKind::server, ExitCode::unavailable,
                            std::string(a.handed_out ? "the answer was cut off: " : "no answer from " + host + ": ") +
                                "no text for " + std::to_string(idle.count()) +
                                " s (the server sends too slowly, or sends nothing but empty events; " + mention(Setting::timeout) + ")");
        return false;
      }
      return true;
    } catch (const ChatError& e) {
      a.error = e;
    } catch (const Error& e) {
      a.error = ChatError(ChatErrorKind::malformed, ExitCode::unavailable, e.what());
    }
    return false;
  };
  const net::Response response = http.perform(request);
  a.result.latency_ms = ms_since(start);
  a.result.text = decoder.text();
  a.result.usage = decoder.usage();
  a.result.model = decoder.model();
  a.result.finish_reason = decoder.finish_reason();
  a.result.tool_calls = decoder.tool_calls();
  if (a.capped) {
    cap_answer(a.result, endpoint.provider, text_bytes);
    return a;
  }
  if (a.error) return a;
  if (exchange_failed(response, request, endpoint, host, a)) return a;
  if (!any_event && !unstreamed.empty() && unstreamed.size() < k_max_unstreamed) {
    try {
      ChatResponse whole = parse_chat_response(endpoint.provider, unstreamed);
      take_response(std::move(whole), a.result);
      if (a.result.text.size() > cap) cap_answer(a.result, endpoint.provider, cap);
      if (!a.result.text.empty()) observer.text(a.result.text);
      a.handed_out = !a.result.text.empty();
      return a;
    } catch (const ChatError&) {
      // Not a whole response either: fall through to "cut".
    }
  }
  if (!decoder.finished()) {
    a.error = ChatError(ChatErrorKind::server, ExitCode::unavailable,
                        a.handed_out ? "the answer was cut off: the stream ended before the model finished"
                                     : "the stream from " + host + " ended before the answer began");
  }
  return a;
}

Attempt attempt_whole(net::HttpClient& http, const ChatEndpoint& endpoint, net::Request request,
                      ChatObserver& observer, const std::string& host, std::size_t cap) {
  Attempt a;
  const auto start = Clock::now();
  const net::Response response = http.perform(request);
  a.result.latency_ms = ms_since(start);
  if (exchange_failed(response, request, endpoint, host, a)) return a;
  try {
    take_response(parse_chat_response(endpoint.provider, response.body), a.result);
  } catch (const ChatError& e) {
    a.error = e;
    return a;
  }
  a.result.first_text_ms = a.result.latency_ms;
  if (a.result.text.size() > cap) cap_answer(a.result, endpoint.provider, cap);
  if (!a.result.text.empty()) observer.text(a.result.text);
  a.handed_out = true;
  return a;
}

}  // namespace

ChatResult ChatClient::complete(const ChatRequest& request, ChatObserver& observer) {
  net::Request http_request = base_request(endpoint_, url_, options_);
  http_request.body = chat_request_body(endpoint_.provider, request);
  // OpenTelemetry's names for a model call (gen_ai.*); the prompt and the answer are not recorded.
  trace::Stage span("chat " + request.model, trace::Kind::client);
  span.span().set("gen_ai.operation.name", std::string("chat")).set("gen_ai.request.model", request.model);
  span.span().set("server.address", host_of(url_));
  if (const trace::SpanContext c = span.span().context(); c.valid()) http_request.headers.push_back({"traceparent", trace::traceparent(c)});
  try {
    ChatResult r = attempts(request, observer, std::move(http_request));
    if (!r.model.empty()) span.span().set("gen_ai.response.model", r.model);
    if (r.usage.input_tokens) span.span().set("gen_ai.usage.input_tokens", static_cast<std::int64_t>(*r.usage.input_tokens));
    if (r.usage.output_tokens) span.span().set("gen_ai.usage.output_tokens", static_cast<std::int64_t>(*r.usage.output_tokens));
    if (r.finish_reason) span.span().set("gen_ai.response.finish_reasons", *r.finish_reason);
    span.span().set("strata.attempts", static_cast<std::int64_t>(r.attempts));
    if (r.partial) span.span().fail("the answer was cut off");
    return r;
  } catch (const ChatError&) {
    span.span().fail("the model call failed");
    throw;
  }
}

ChatResult ChatClient::attempts(const ChatRequest& request, ChatObserver& observer, net::Request http_request) {
  const std::string host = host_of(url_);
  const net::RetryPolicy& policy = options_.retry;
  for (int attempt = 1;; ++attempt) {
    const std::size_t cap = answer_cap(request.max_tokens, options_.max_answer_bytes);
    Attempt a = request.stream ? attempt_streamed(impl_->http, endpoint_, http_request, observer, host, cap)
                               : attempt_whole(impl_->http, endpoint_, http_request, observer, host, cap);
    a.result.attempts = attempt;
    if (!a.error) return std::move(a.result);
    // The server's words may echo the key (without its "sk-" prefix, wrapped, split by spaces).
    if (!endpoint_.api_key.empty()) {
      a.error.emplace(a.error->kind(), a.error->code(), net::redact_key_fragments(a.error->what(), endpoint_.api_key),
                      net::redact_key_fragments(a.error->hint(), endpoint_.api_key));
    }
    if (a.handed_out) {
      a.result.partial = true;
      a.result.tool_calls.clear();  // calls from a cut stream may be cut too: none is run
      a.result.interrupted = a.interrupted;
      a.result.error = std::move(a.error);
      return std::move(a.result);
    }
    ChatError& e = *a.error;
    if (e.kind() == ChatErrorKind::key_rejected && !endpoint_.api_key_env.empty()) {
      const std::string hint = endpoint_.api_key.empty()
                                   ? "no key was sent: set $" + endpoint_.api_key_env + " (or name another variable with " + mention(Setting::api_key_env) + ")"
                                   : "check the key in $" + endpoint_.api_key_env + "; it may lack access to this model";
      throw ChatError(e.kind(), e.code(),
                      "the API key was rejected by " + host +
                          (a.status > 0 ? " (HTTP " + std::to_string(a.status) + ")" : std::string()),
                      hint);
    }
    if (a.interrupted) throw ChatError(e.kind(), e.code(), "interrupted (Ctrl-C) before the answer began");
    if (!e.retryable() || attempt > policy.retries_for(a.failure) || a.stalled) {
      if (e.retryable() && attempt > 1 && a.failure != net::FailureKind::refused) {
        throw ChatError(e.kind(), e.code(), std::string(e.what()) + " (after " + std::to_string(attempt) + " attempts)",
                        e.hint());
      }
      throw e;
    }
    if (a.retry_after && *a.retry_after > policy.max_wait) {
      throw ChatError(e.kind(), e.code(), e.what(),
                      "the server asks to wait " + std::to_string(a.retry_after->count() / 1000) + " s; try again later");
    }
    const std::chrono::milliseconds wait = policy.delay(attempt, a.retry_after, net::jitter_random());
    // A refused connection's few short tries pass unannounced; the error that ends them names the URL.
    if (a.failure != net::FailureKind::refused) observer.retrying(e.what(), wait);
    // In slices, so that Ctrl-C during a backoff ends it too.
    for (auto until = Clock::now() + wait; Clock::now() < until;) {
      if (cancelled(options_.cancel)) throw ChatError(e.kind(), ExitCode::partial, "interrupted (Ctrl-C) before the answer began");
      std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(until - Clock::now(), std::chrono::milliseconds(100)));
    }
  }
}

}  // namespace strata::llm
