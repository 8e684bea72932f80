#pragma once
// What a route's handler sees and returns: a request read whole (method, path, its parameters,
// headers, body) and a response, whole or streamed. Plain values, nothing of the server library:
// the handlers (core/serve) and the tests compile without Boost.
//
// Header injection is impossible by construction: a response refuses a header whose name is not
// an HTTP token or whose value holds CR, LF or NUL (set_header throws), so nothing from a request
// or a store can end a header line early or start another.
#include <atomic>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/websocket.h"

namespace strata::http {

enum class Method { get, head, post, put, patch, del, options, other };
std::string_view method_name(Method m);
Method parse_method(std::string_view name);

struct Request {
  Method method = Method::get;
  std::string path;                                // the target's path as sent (not decoded)
  std::map<std::string, std::string> query;        // decoded; a name given twice keeps the last
  std::map<std::string, std::string> params;       // the route pattern's {names}, decoded
  std::map<std::string, std::string> headers;      // names in lower case
  std::string body;
  std::string route;                               // the pattern that matched ("" for none)
  const std::string* header(std::string_view name) const;
};

// Sends a streamed response's chunks (server-sent events, later). Each write blocks the handler
// until the chunk is handed to the connection; false when the client has gone away or the
// server is shutting down past its deadline, and from then on cancelled() is true: the handler
// stops its work (an upstream request, a long read) and returns.
class ChunkWriter {
 public:
  virtual ~ChunkWriter() = default;
  virtual bool write(std::string_view chunk) = 0;
  virtual bool cancelled() const = 0;
  // The server is shutting down: work a stream started that could outlive its client (an answer
  // kept for a resume) stops too, so that shutdown stays bounded. Default: never.
  virtual bool stopping() const { return false; }
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // in order; see set_header
  std::string body;
  // Set: the response is streamed (chunked transfer encoding) after its status and headers;
  // `body` is ignored. Runs on a thread of its own (server.h: at most max_streams at once), not
  // on the worker that ran the handler: what it shares with that worker it must guard.
  std::function<void(ChunkWriter&)> stream;
  // Set: the request is a WebSocket upgrade the route accepts (websocket.h); the server answers
  // 101 and runs this on a thread of its own, as a stream. A request that is no upgrade is
  // answered 426 instead; status, headers and body are not sent.
  std::function<void(WebSocket&)> websocket;

  // Sets (replaces) a header. Throws std::invalid_argument for a name that is not an HTTP token
  // or a value holding CR, LF or NUL.
  Response& set_header(std::string_view name, std::string_view value);
  const std::string* header(std::string_view name) const;

  static Response json(int status, std::string body);
  static Response text(int status, std::string body, std::string_view content_type = "text/plain; charset=utf-8");
};

// The checks set_header makes, for the server's own headers too.
bool valid_header_name(std::string_view name);
bool valid_header_value(std::string_view value);

// The reason phrase of a status ("Not Found"); "" for one not known.
std::string_view reason(int status);

// A whole error in FastAPI's shape: {"detail": "<reason or message>"} as JSON text.
std::string detail_json(std::string_view message);

// Percent-decoding of a path segment or query component ('+' is a space in a query only).
// Returns false for a bad escape.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space);
// The query string's pairs, decoded. False for a bad escape.
bool parse_query(std::string_view query, std::map<std::string, std::string>& out);

}  // namespace strata::http
