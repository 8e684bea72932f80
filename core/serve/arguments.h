#pragma once
// A request's arguments as the service operations read them (a JSON object), gathered from
// where HTTP puts them: the route's path parameters, the query string (typed by the request's
// description: an integer field's value must be digits) or a JSON body. Each argument remembers
// where it came from, so that a refusal names it as FastAPI does: ["body", "k"], ["query",
// "limit"], ["path", "collection"].
//
// And the one mapping from a strata::Error to a response (problem_response), by the error's
// kind (common/error.h): not_found 404, refused 403, conflict 409, unavailable 503, failed 500;
// an invalid request (Error(usage)) is 422 with {"detail": [{"loc", "msg", "type"}]}, naming the
// field its message names, other invalid input 422 with {"detail"}. Messages are rendered as an HTTP client reads them (a
// mentioned setting is the field of that name) and go in the body only.
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/error.h"
#include "http/message.h"
#include "service/description.h"

namespace strata::serve {

enum class Source { none, query, body };  // where a route's request fields come from

struct Arguments {
  nlohmann::json values = nlohmann::json::object();
  std::map<std::string, std::string> where;  // argument -> "path", "query" or "body"
  std::string rest = "body";                 // where a field not given would have come from
};

// A request the server refuses before any operation sees it: its response, ready.
struct Refused : std::runtime_error {
  explicit Refused(http::Response r) : std::runtime_error("refused"), response(std::move(r)) {}
  http::Response response;
};

// The route's arguments. Throws Refused: 400 for a body that is not JSON (or too deep), 422 for
// a body that is not an object, a query value not of its field's type, or a field given both in
// the path and the body.
Arguments gather(const http::Request& request, Source source, const service::Description* description);

// The response for `e`, raised while serving a request with `arguments` against `description`.
http::Response problem_response(const Error& e, const Arguments& arguments, const service::Description* description);

// What a client of the HTTP door reads of a text of core's: a mentioned setting is the field of
// its name (common/setting.h), every other marker byte dropped.
std::string for_client(std::string_view text);
// Every string in `value` so rendered: the door's writer applies it to each result, so that no
// text of core's reaches a client unrendered (search's query_not_embedded among them).
void render_for_client(nlohmann::json& value);

// A bound reached (429 for one caller's, 503 for the server's): {"detail": message} with
// Retry-After, the seconds after which asking again may pass.
http::Response busy_response(int status, const std::string& message, int retry_after_seconds);

// FastAPI's validation error: 422 {"detail": [{"loc": loc, "msg": msg, "type": type}]}.
http::Response validation_error(const nlohmann::json& loc, const std::string& msg, const std::string& type);

// The JSON of a response body: dumped so that text that is not UTF-8 (a name from a store)
// still makes valid JSON.
std::string json_text(const nlohmann::json& value);

}  // namespace strata::serve
