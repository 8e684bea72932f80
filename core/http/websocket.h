#pragma once
// A WebSocket connection (RFC 6455) as a route's handler sees it: text messages in and out, on
// the handler's own thread, nothing of the server library (the handlers and their tests compile
// without Boost). A route answers with Response::websocket set; the server then accepts the
// upgrade and runs it, on a thread that counts among the streams (server.h: max_streams), as a
// streamed response does.
//
// Bounds the server holds for every connection, so that no client holds more than a little:
//  - a message at most k_websocket_message_max bytes (larger: closed with 1009);
//  - at most k_websocket_inbound messages waiting for the handler: past them the server stops
//    reading, and the client's sends wait in TCP;
//  - at most k_websocket_outbound_bytes queued for a client that does not read them: one more
//    send closes the connection with 1008, never a buffer without end;
//  - a ping when nothing was heard for the idle timeout, and the connection closed when the next
//    idle timeout passes without an answer (a browser answers pings itself).
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace strata::http {

inline constexpr std::size_t k_websocket_message_max = std::size_t{64} << 10;
inline constexpr std::size_t k_websocket_inbound = 16;
inline constexpr std::size_t k_websocket_outbound_bytes = std::size_t{1} << 20;

// The close codes the server and its handlers send (RFC 6455 7.4.1; 4000-4999 are the
// application's own, worded as HTTP's statuses, as other WebSocket protocols do).
enum class CloseCode : int {
  normal = 1000,
  going_away = 1001,      // the server is shutting down
  unsupported = 1003,     // a binary message
  policy = 1008,          // the client does not read what it is sent
  too_big = 1009,         // a message past k_websocket_message_max
  internal = 1011,        // the handler failed
  try_again = 1013,       // the server cannot serve it now (its store is down)
  unauthorized = 4401,    // no credentials, bad ones, or a key revoked or expired while open
  forbidden = 4403,       // credentials that may not use the route
  auth_timeout = 4408,    // no credentials within the time the route gives for them
  too_many = 4429,        // a rate limit reached where the connection cannot go on
};

class WebSocket {
 public:
  enum class Received { message, timeout, closed };
  virtual ~WebSocket() = default;
  // The next text message, waiting up to `wait`: `closed` once the connection is closed or
  // closing (by either side; messages not yet taken are then dropped).
  virtual Received receive(std::string& message, std::chrono::milliseconds wait) = 0;
  // Queues a text message, sent in order; false when the connection is closed or closing, and
  // when the queue would pass k_websocket_outbound_bytes (the connection is then closed, 1008).
  virtual bool send(std::string text) = 0;
  // Closes with `code` and `reason` (at most 123 bytes of it are sent) after what is queued.
  virtual void close(CloseCode code, std::string_view reason) = 0;
  virtual bool closed() const = 0;
  // The server is shutting down: the handler ends its work (the server closes with 1001).
  virtual bool stopping() const = 0;
};

}  // namespace strata::http
