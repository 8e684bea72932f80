#pragma once
// An HTTP/1.1 server over a route table (router.h), on Boost.Beast and Asio (ARCHITECTURE.md
// says why): one io_context on a few threads holds every connection, idle or streaming, without
// a thread each; handlers that may block run on a bounded worker pool (worker_pool.h), and a
// streamed response goes on on its handler's thread, which the pool replaces (at most
// max_streams at once: stream_slots.h).
//
// Bounds, so that no client holds more than a little for long:
//  - a request's header at most max_header_bytes (431), its body at most max_body_bytes (413,
//    answered before the body is read when Content-Length says so);
//  - a connection's first request header must arrive within header_timeout of its first byte
//    (header_timeout from accept for the first), a body within body_timeout, and a keep-alive
//    connection waits idle_timeout for the next request: past any of them it is closed (a
//    slow-loris client holds a socket for seconds, not forever);
//  - at most max_connections open: one more is answered 503 and closed;
//  - a full worker queue is 503 with Retry-After, and so is a stream past max_streams open.
// Errors the server answers itself are JSON: {"detail": "Not Found"}.
//
// HEAD is answered as GET (the route's handler runs) with the headers only, Content-Length the
// body's. CORS (cors.h) applies to every response, the server's own errors too, and preflights
// are answered here, before any route's handler.
//
// stop() (or SIGTERM/SIGINT when asked) shuts down gracefully: no more accepts, idle
// connections closed, requests in flight finish and are answered with Connection: close; past
// shutdown_timeout the connections left are closed (a stream's writer then reports cancelled).
//
// TLS (options.tls): every connection first completes a handshake, within header_timeout of
// accept (the same bound as the first request's header); one that fails (plain HTTP sent to the
// TLS port, an old protocol version) is closed without an answer.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/access_log.h"
#include "http/cors.h"
#include "http/metrics.h"
#include "http/router.h"

namespace strata::http {

struct Limits {
  std::size_t max_header_bytes = std::size_t{16} << 10;  // Default: 16 KiB
  std::size_t max_body_bytes = std::size_t{8} << 20;     // Default: 8 MiB
  std::chrono::milliseconds header_timeout{10'000};      // Default: 10 s
  std::chrono::milliseconds body_timeout{60'000};        // Default: 60 s
  std::chrono::milliseconds idle_timeout{60'000};        // Default: 60 s
  std::size_t max_connections = 1024;
};

// TLS: the server's certificate chain and its private key, PEM files. TLS 1.2 and 1.3 only.
struct TlsFiles {
  std::string cert;
  std::string key;
};

struct ServerOptions {
  std::string host = "127.0.0.1";  // an IPv4 or IPv6 address
  std::uint16_t port = 0;          // 0: the system picks one (Server::port() says which)
  Limits limits;
  std::size_t io_threads = 1;
  std::size_t workers = 4;
  std::size_t queue = 64;  // jobs waiting for a worker beyond those running
  // Streamed responses open at once, each on a thread of its own that no longer counts as a
  // worker (stream_slots.h); one more is answered 503 with Retry-After.
  std::size_t max_streams = 1024;
  std::chrono::milliseconds shutdown_timeout{10'000};
  bool stop_on_signals = false;  // SIGTERM and SIGINT call stop()
  CorsPolicy cors;               // the origins whose pages may call the server (cors.h); none by default
  std::optional<TlsFiles> tls;   // set: HTTPS only on this address (libssl is loaded then)
  // Called once per answered request, on an I/O thread (the program writes the line).
  std::function<void(const AccessRecord&)> access_log;
};

class Server {
 public:
  // `metrics` (the caller's, so that a route can publish it) outlives the server.
  Server(Router router, ServerOptions options, Metrics& metrics);
  ~Server();  // stop() and wait() when start() was called
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting on the I/O threads. Throws Error(unavailable) naming the
  // address when it cannot bind, Error(usage) for an address that is not one, Error(usage)
  // naming the file for a TLS certificate or key that cannot be read or used (a key that is not
  // the certificate's), Error(unavailable) when libssl cannot be loaded.
  void start();
  // The port bound (the one chosen when options.port was 0). REQUIRES: start().
  std::uint16_t port() const;
  // Asks for a graceful shutdown; returns at once. Thread-safe; a handler may call it.
  void stop();
  // Blocks until stop() (or a signal), then shuts down as above and returns when every
  // connection is closed and every worker has ended.
  void wait();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::http
