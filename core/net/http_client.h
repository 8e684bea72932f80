#pragma once
// A blocking HTTP client over libcurl, for the OpenAI-compatible providers (embeddings now,
// chat completions with server-sent events later).
//
// Contract:
// - Transport failures never throw: they come back as a `Response` whose `failure` says what
//   went wrong (could not connect, timed out, reset, too large), so that callers can classify
//   and retry. Only misuse (an unparsable URL scheme libcurl does not support) is reported the
//   same way, as `FailureKind::other`.
// - No message this client makes ever contains a request header value: the Authorization
//   header (an API key) is sent to the server and nowhere else. libcurl's own error text names
//   hosts and errors, never headers.
// - Proxies come from the environment, as libcurl reads them by default (`http_proxy`,
//   `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`); TLS uses the system's CA store.
// - `curl_global_init` runs once per process, on the first client constructed.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::net {

struct Header {
  std::string name;   // response headers: lower-cased
  std::string value;  // trimmed
};

// Called with each piece of the response body as it arrives (for server-sent events); return
// false to stop the transfer (the response then has FailureKind::aborted). Called only for
// responses whose status is 2xx: an error body is always collected into Response::body so the
// caller can show it.
using BodyCallback = std::function<bool(std::string_view piece)>;

struct Request {
  std::string method = "POST";
  std::string url;
  std::vector<Header> headers;  // sent as given; never logged or shown
  std::string body;
  // Default: 10 s to establish the connection (TCP and TLS).
  std::chrono::milliseconds connect_timeout{10'000};
  // Default: 120 s for the whole exchange; 0 = no limit (streaming chat relies on low_speed_*).
  std::chrono::milliseconds total_timeout{120'000};
  // The transfer is abandoned when fewer than `low_speed_bytes` per second arrive for
  // `low_speed_time`. Default: 1 byte/s for 60 s, i.e. a server silent for a minute.
  long low_speed_bytes = 1;
  std::chrono::seconds low_speed_time{60};
  // Largest body kept (or streamed) before the transfer is abandoned. Default: 256 MiB.
  std::size_t max_response_bytes = std::size_t{256} << 20;
  // Streaming: when set, 2xx bodies go here instead of Response::body.
  BodyCallback on_body;
  // When set and true, the transfer is abandoned at the next progress tick (about once a
  // second, sooner when data flows). Lets another thread stop a long request.
  const std::atomic<bool>* cancel = nullptr;
};

enum class FailureKind {
  none,        // a complete HTTP response arrived (any status)
  connect,     // DNS, unreachable, connect timeout, TLS handshake
  refused,     // nothing listens at the address (ECONNREFUSED): retried briefly (RetryPolicy)
  timeout,     // connect, total or low-speed timeout
  reset,       // the connection broke mid-exchange (reset, empty reply, partial body)
  too_large,   // body over max_response_bytes
  certificate, // the server's TLS certificate is not trusted (verification, CA file, pinned key)
  aborted,     // on_body returned false, or `cancel` was set
  other,       // anything else libcurl reports
};

const char* name_of(FailureKind kind);

// Whether another attempt may succeed: not for a body too large, a transfer stopped on
// purpose, or a certificate that is not trusted (it will not be on the next try either).
bool worth_retrying(FailureKind kind);

struct Response {
  long status = 0;  // 0 when there was no complete HTTP response
  std::vector<Header> headers;
  std::string body;  // the whole body, unless a 2xx was streamed to on_body
  FailureKind failure = FailureKind::none;
  std::string failure_message;  // libcurl's words, e.g. "Failed to connect to 127.0.0.1 port 9"

  bool ok() const { return failure == FailureKind::none && status >= 200 && status < 300; }
  // The first header called `name` (case-insensitive), if any.
  std::optional<std::string> header(std::string_view name) const;
  // For a 3xx (redirects are not followed: an API that redirects is misconfigured), what the
  // server names as the place to go: "redirects to https://...", or "redirects nowhere".
  // Empty for any other response. The target is the server's text: callers redact and
  // sanitise what they print, as for any server text.
  std::string redirect_note() const;
};

// One connection's worth of state (libcurl easy handle: connection reuse, TLS session). Not
// thread-safe: use one client per thread, or a ClientPool.
class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Performs `request` and returns when the response is complete or the transfer failed.
  Response perform(const Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Clients shared by several threads: `acquire` hands out an idle client (creating one when
// none is idle) and takes it back when the lease ends, so connections are reused across
// requests without two threads ever sharing one. Thread-safe.
class ClientPool {
 public:
  class Lease {
   public:
    Lease(ClientPool& pool, std::unique_ptr<HttpClient> client) : pool_(&pool), client_(std::move(client)) {}
    ~Lease();
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    HttpClient& operator*() { return *client_; }
    HttpClient* operator->() { return client_.get(); }

   private:
    ClientPool* pool_;
    std::unique_ptr<HttpClient> client_;
  };

  ClientPool();
  ~ClientPool();
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;

  Lease acquire();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::net
