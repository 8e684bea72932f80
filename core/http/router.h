#pragma once
// The route table: {method, path pattern, handler} rows, matched against a request's path.
// A pattern's segments are literal or a parameter: "{name}" takes one segment, "{name...}" (last
// only) the rest of the path, slashes included (a document's source id). Parameters are
// percent-decoded; a segment "." or ".." (written so or escaped) is refused, so no parameter
// ever names a parent folder. Unknown path: 404; known path, wrong method: 405 with the path's
// methods (Allow). HEAD finds a path's GET route (the server answers it without the body), so
// every GET route allows HEAD too.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace strata::http {

// What a handler may ask of the server while it runs.
struct Context {
  Context() = default;
  explicit Context(std::size_t on_worker) : worker(on_worker) {}
  std::size_t worker = 0;  // the worker pool thread running it (0 for one on the I/O threads)
  // The name of the API key the request was made with, set by the handler once it knows it: the
  // server copies it into the access log's record (a streamed response's too). Never the key.
  std::string key_name;
};

using Handler = std::function<Response(const Request&, Context&)>;

enum class Blocking {
  no,   // answers at once from memory (health, metrics): run on the I/O thread
  yes,  // may wait on a store or a server: run on the worker pool
};

struct Route {
  Method method = Method::get;
  std::string pattern;  // "/api/v1/collections/{collection}/documents"
  Handler handler;
  Blocking blocking = Blocking::yes;
};

struct Match {
  enum class Kind { found, not_found, wrong_method, bad_path } kind = Kind::not_found;
  const Route* route = nullptr;                 // found
  std::map<std::string, std::string> params;    // found
  std::string allow;                            // wrong_method: "GET, HEAD, POST"
  std::string pattern;                          // wrong_method: the first route's pattern at that path
  std::string problem;                          // bad_path: why
};

class Router {
 public:
  // Throws std::invalid_argument for a malformed pattern (a "{name...}" not last, an empty
  // name) or a method and pattern already added.
  void add(Route route);
  // `path` is the request target's path, without the query, as sent.
  Match match(Method method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

  // The body of an answer the server gives itself, before or instead of a handler (404, 405,
  // 400 for a bad path, 413, 431, 503 when busy, 500), by the request's path: a program that
  // serves several APIs answers each in its own shape (an OpenAI-compatible /v1 in OpenAI's).
  // Default: {"detail": message}. `path` is empty when no request line was read.
  using ErrorShape = std::function<std::string(int status, std::string_view message, std::string_view path)>;
  void set_error_shape(ErrorShape shape) { error_shape_ = std::move(shape); }
  Response error(int status, std::string_view message, std::string_view path) const;

 private:
  std::vector<Route> routes_;
  ErrorShape error_shape_;
};

// The pattern's parameter names, in order ("collection", "source").
std::vector<std::string> pattern_params(std::string_view pattern);

}  // namespace strata::http
